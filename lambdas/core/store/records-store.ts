import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordStore, WriteOutcome } from '../sync/ports';
import type { RecordItem } from '../sync/record-item';
import { isConditionFailed } from './dynamo-errors';

/**
 * The records table. A write applies when no item exists, or the stored `changed_at` is earlier, or
 * equal with different content (Kombo returns a record again when only nested data changed). An
 * unchanged re-read is not rewritten, so DynamoDB Streams carry only real changes from deltas.
 */
export class DynamoRecordStore implements RecordStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async write(item: RecordItem, options: { markSeen: boolean }): Promise<WriteOutcome> {
    const key = { pk: item.pk, sk: item.sk };
    const same = { ':changed_at': item.changed_at, ':data_hash': item.data_hash };
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression:
            'attribute_not_exists(pk) OR changed_at < :changed_at OR (changed_at = :changed_at AND data_hash <> :data_hash)',
          ExpressionAttributeValues: same,
        }),
      );
      return 'written';
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }

    if (!options.markSeen) {
      const stored = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key, ProjectionExpression: 'changed_at, data_hash', ConsistentRead: true }),
      );
      const unchanged = stored.Item?.changed_at === item.changed_at && stored.Item?.data_hash === item.data_hash;
      return unchanged ? 'unchanged' : 'stale';
    }
    // A full walk marks every record it saw, so the sweep after it spares them.
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET synced_at = :synced_at',
          ConditionExpression: 'changed_at = :changed_at AND data_hash = :data_hash',
          ExpressionAttributeValues: { ...same, ':synced_at': item.synced_at },
        }),
      );
      return 'unchanged';
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET synced_at = :synced_at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':synced_at': item.synced_at },
      }),
    );
    return 'stale';
  }
}
