import { LOCAL_CREDENTIALS, LOCAL_REGION } from './sqs-server';

/** The environment that points the handlers' AWS SDK clients at the local servers. */
export function localAwsEnvironment(endpoints: { sqs: string; dynamodb: string }): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
  };
}
