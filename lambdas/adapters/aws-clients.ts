import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Attempts per DynamoDB request. All records of one (integration, resource) share a partition key,
 * and a large backfill can exceed one partition's write rate: adaptive retries slow the client down
 * to what DynamoDB takes, and what is still throttled after them is the walk's to retry later.
 */
export const DYNAMODB_MAX_ATTEMPTS = 8;

export interface AwsClients {
  readonly dynamo: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly secretsManager: SecretsManagerClient;
}

/** Where the clients go: nothing in AWS (the SDK's defaults), the local servers in tests and `npm start`. */
export interface AwsClientOptions {
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly endpoints?: { readonly dynamodb?: string; readonly sqs?: string; readonly secretsManager?: string };
  /** Lower in tests, so that an injected throttle reaches the walk quickly. */
  readonly dynamoMaxAttempts?: number;
  /** When the function traces (adapters/tracing): every call becomes an X-Ray subsegment. */
  readonly tracer?: ClientTracer;
}

/** What capturing the clients needs of the Powertools Tracer. */
export interface ClientTracer {
  captureAWSv3Client<T>(client: T): T;
}

/** The one way every function builds its AWS clients, once per container. */
export function awsClients(options: AwsClientOptions = {}): AwsClients {
  const capture = <T>(client: T): T => (options.tracer ? options.tracer.captureAWSv3Client(client) : client);
  const common = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  return {
    // Captured before it is wrapped: the document client sends through the base client's middleware.
    dynamo: DynamoDBDocumentClient.from(
      capture(
        new DynamoDBClient({
          ...common,
          endpoint: options.endpoints?.dynamodb,
          retryMode: 'adaptive',
          maxAttempts: options.dynamoMaxAttempts ?? DYNAMODB_MAX_ATTEMPTS,
        }),
      ),
      { marshallOptions: { removeUndefinedValues: true } },
    ),
    // The regional endpoint (or AWS_ENDPOINT_URL_SQS locally) rather than the host named in the queue
    // URL: identical in AWS, and it lets local SQS servers whose queue URLs name unresolvable hosts work.
    sqs: capture(new SQSClient({ ...common, endpoint: options.endpoints?.sqs, useQueueUrlAsEndpoint: false })),
    secretsManager: capture(new SecretsManagerClient({ ...common, endpoint: options.endpoints?.secretsManager })),
  };
}
