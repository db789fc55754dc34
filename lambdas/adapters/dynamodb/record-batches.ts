import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffMs, sleep } from '../../core/backoff';
import type { BatchResult, StoredVersion } from '../../core/ports';
import type { RecordItem } from '../../core/sync/record-item';
import { recordPartition } from '../../core/table-keys';
import { isThrottled, isValidationError } from './errors';

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
/** Rounds for what DynamoDB leaves unprocessed, after the client's own retries. */
const UNPROCESSED_ROUNDS = 6;

type Partition = { integrationId: string; resource: string };

/** Turns DynamoDB's refusals of a batch into values; anything else is thrown. */
async function asBatchResult<T>(run: () => Promise<T | 'throttled'>): Promise<BatchResult<T>> {
  try {
    const value = await run();
    return value === 'throttled' ? { outcome: 'throttled' } : { outcome: 'done', value };
  } catch (error) {
    if (isValidationError(error)) return { outcome: 'rejected', reason: (error as Error).message.slice(0, 300) };
    if (isThrottled(error)) return { outcome: 'throttled' };
    throw error;
  }
}

/** BatchGetItem with a projection, 100 keys a request, eventually consistent (half the read units). */
export function readVersions(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: Partition,
  ids: readonly string[],
) {
  return asBatchResult(async () => {
    const pk = recordPartition(partition.integrationId, partition.resource);
    const versions = new Map<string, StoredVersion>();
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] = [...new Set(ids.slice(start, start + BATCH_GET_LIMIT))].map((sk) => ({
        pk,
        sk,
      }));
      for (let round = 0; keys.length > 0; round++) {
        if (round === UNPROCESSED_ROUNDS) return 'throttled' as const;
        if (round > 0) await sleep(backoffMs(round, { baseMs: 100, maxMs: 5_000 }));
        const response = await client.send(
          new BatchGetCommand({
            RequestItems: { [tableName]: { Keys: keys, ProjectionExpression: 'sk, changed_at, data_hash' } },
          }),
        );
        for (const item of response.Responses?.[tableName] ?? []) {
          versions.set(String(item.sk), { changedAt: String(item.changed_at), dataHash: String(item.data_hash) });
        }
        keys = response.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }
    }
    return versions;
  });
}

/** BatchWriteItem puts, 25 a request, retrying what DynamoDB leaves unprocessed. */
export function putItems(client: DynamoDBDocumentClient, tableName: string, items: readonly RecordItem[]) {
  return asBatchResult(async () => {
    for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
      let requests = items
        .slice(start, start + BATCH_WRITE_LIMIT)
        .map((item) => ({ PutRequest: { Item: item as unknown as Record<string, unknown> } }));
      for (let round = 0; requests.length > 0; round++) {
        if (round === UNPROCESSED_ROUNDS) return 'throttled' as const;
        if (round > 0) await sleep(backoffMs(round, { baseMs: 100, maxMs: 5_000 }));
        const response = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (response.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
    return items.length;
  });
}
