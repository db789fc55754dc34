import { describe, expect, it } from 'vitest';
import { awsClients, DYNAMODB_MAX_ATTEMPTS } from '../../lambdas/adapters/aws-clients';

describe('the AWS clients every function builds', () => {
  it('DynamoDB: adaptive retries, 8 attempts, undefined values dropped', async () => {
    const { dynamo } = awsClients({ region: 'eu-west-1' });
    expect(await dynamo.config.maxAttempts()).toBe(DYNAMODB_MAX_ATTEMPTS);
    // The resolved strategy names its mode; the type is a union of SDK strategy versions.
    expect(await dynamo.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
    expect(dynamo.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
  });

  it('SQS: the regional endpoint, not the host in the queue URL', () => {
    expect(awsClients({ region: 'eu-west-1' }).sqs.config.useQueueUrlAsEndpoint).toBe(false);
  });

  it('local endpoints and fewer attempts when asked', async () => {
    const { dynamo, sqs } = awsClients({
      region: 'us-east-1',
      endpoints: { dynamodb: 'http://127.0.0.1:1', sqs: 'http://127.0.0.1:2' },
      dynamoMaxAttempts: 2,
    });
    expect(await dynamo.config.maxAttempts()).toBe(2);
    expect((await dynamo.config.endpoint?.())?.port).toBe(1);
    expect((await sqs.config.endpoint?.())?.port).toBe(2);
  });
});
