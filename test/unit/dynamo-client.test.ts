import { describe, expect, it } from 'vitest';
import { DYNAMODB_MAX_ATTEMPTS, dynamoDocumentClient } from '../../lambdas/adapters/dynamodb/client';

describe('the DynamoDB client every function builds', () => {
  it('retries adaptively, 8 attempts, and drops undefined values', async () => {
    const client = dynamoDocumentClient({});
    expect(await client.config.maxAttempts()).toBe(DYNAMODB_MAX_ATTEMPTS);
    // The resolved strategy names its mode; the type is a union of SDK strategy versions.
    expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
    expect(client.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
    client.destroy();
  });

  it('takes the SDK standard AWS_MAX_ATTEMPTS when set, and ignores nonsense', async () => {
    expect(await dynamoDocumentClient({ AWS_MAX_ATTEMPTS: '2' }).config.maxAttempts()).toBe(2);
    expect(await dynamoDocumentClient({ AWS_MAX_ATTEMPTS: 'lots' }).config.maxAttempts()).toBe(DYNAMODB_MAX_ATTEMPTS);
  });
});
