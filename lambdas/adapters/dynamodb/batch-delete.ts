import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { backoffMs, sleep } from '../../core/backoff';

const BATCH_WRITE_LIMIT = 25;
const PURGE_PAGE_ITEMS = 500;

/** BatchWriteItem deletes, 25 at a time, retrying what DynamoDB leaves unprocessed. */
export async function deleteKeys(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: Record<string, unknown>[],
): Promise<void> {
  for (let start = 0; start < keys.length; start += BATCH_WRITE_LIMIT) {
    let requests = keys.slice(start, start + BATCH_WRITE_LIMIT).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === 8)
        throw new Error(`DynamoDB left ${requests.length} deletes unprocessed after ${attempt} attempts`);
      if (attempt > 0) await sleep(backoffMs(attempt, { baseMs: 100, maxMs: 10_000 }));
      const response = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = (response.UnprocessedItems?.[tableName] ?? []) as typeof requests;
    }
  }
}

/**
 * Deletes one page of a partition's items (all but those `keep` names) for a purge; returns how many
 * it deleted and where the next page starts.
 */
export async function purgePartitionPage(
  client: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
  options: { startKey?: Record<string, unknown> | undefined; keep?: (sk: unknown) => boolean } = {},
): Promise<{ deleted: number; lastKey: Record<string, unknown> | undefined }> {
  const page = await client.send(
    new QueryCommand({
      TableName: tableName,
      // A purge must see every write that finished before it looked.
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk',
      ProjectionExpression: 'pk, sk',
      ExpressionAttributeValues: { ':pk': pk },
      ExclusiveStartKey: options.startKey,
      Limit: PURGE_PAGE_ITEMS,
    }),
  );
  const keys = (page.Items ?? [])
    .filter((item) => !options.keep?.(item.sk))
    .map((item) => ({ pk: item.pk, sk: item.sk }));
  await deleteKeys(client, tableName, keys);
  return { deleted: keys.length, lastKey: page.LastEvaluatedKey };
}
