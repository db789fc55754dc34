import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WindowCounter } from '../../core/ports';
import { budgetWindowKey, REQUEST_BUDGET_PARTITION, TTL_ATTRIBUTE } from '../../core/table-keys';
import { isConditionFailed } from './errors';

/**
 * The request budget's windows in the state table: one conditional increment per Kombo request, so
 * no window counts more than its limit whatever number of containers count at once. One item takes
 * up to 1,000 writes a second, far above any Kombo rate limit.
 */
export class DynamoWindowCounter implements WindowCounter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async tryTake(windowStartMs: number, limit: number, expiresAt: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: REQUEST_BUDGET_PARTITION, sk: budgetWindowKey(windowStartMs) },
          UpdateExpression: 'ADD #used :one SET #expires = :expires',
          ConditionExpression: 'attribute_not_exists(#used) OR #used < :limit',
          ExpressionAttributeNames: { '#used': 'used', '#expires': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':expires': expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  }
}
