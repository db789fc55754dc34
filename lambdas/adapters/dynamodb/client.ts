import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Attempts per DynamoDB request. All records of one (integration, resource) share a partition key,
 * and a large backfill can exceed one partition's write rate: adaptive retries slow the client down
 * to what DynamoDB takes, and what is still throttled after them is the walk's to retry later.
 */
export const DYNAMODB_MAX_ATTEMPTS = 8;

/**
 * The one way every function builds its DynamoDB client. The SDK's own `AWS_MAX_ATTEMPTS` still
 * overrides the attempts (tests lower it, so that a throttle reaches the walk quickly).
 */
export function dynamoDocumentClient(env: Record<string, string | undefined> = process.env): DynamoDBDocumentClient {
  const fromEnv = Number(env.AWS_MAX_ATTEMPTS);
  const maxAttempts = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DYNAMODB_MAX_ATTEMPTS;
  return DynamoDBDocumentClient.from(new DynamoDBClient({ retryMode: 'adaptive', maxAttempts }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
