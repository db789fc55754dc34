import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Attempts per DynamoDB request. All records of one (integration, resource) share a partition key,
 * and a large backfill can exceed one partition's write rate: adaptive retries slow the client down
 * to what DynamoDB takes, and what is still throttled after them is the walk's to retry later.
 */
export const DYNAMODB_MAX_ATTEMPTS = 8;

/** The one way every function builds its DynamoDB client. */
export function dynamoDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ retryMode: 'adaptive', maxAttempts: DYNAMODB_MAX_ATTEMPTS }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
