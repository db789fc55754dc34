import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoffMs, sleep } from '../../core/backoff';
import type { BatchResult, StoredVersion } from '../../core/ports';
import { type PoolOutcome, runPool } from '../../core/sync/concurrency';
import type { RecordItem } from '../../core/sync/record-item';
import { recordPartition } from '../../core/table-keys';
import { isThrottled, isValidationError } from './errors';

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
/** Rounds for what DynamoDB leaves unprocessed, after the client's own retries. */
const UNPROCESSED_ROUNDS = 6;
/**
 * Batch requests of one page in flight at once: a page of 250 is 3 reads and 10 writes, so a page
 * costs about one round trip instead of ten. Ten puts of 25 stay far below the 1,000 write units a
 * second one partition takes.
 */
const BATCH_CONCURRENCY = 10;

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

/** BatchGetItem with a projection, 100 keys a request, eventually consistent (half the read units), the requests side by side. */
export function readVersions(
  client: DynamoDBDocumentClient,
  tableName: string,
  partition: Partition,
  ids: readonly string[],
) {
  return asBatchResult(async () => {
    const pk = recordPartition(partition.integrationId, partition.resource);
    const versions = new Map<string, StoredVersion>();
    const chunks = chunked([...new Set(ids)], BATCH_GET_LIMIT);
    const outcome = await runPool(chunks, BATCH_CONCURRENCY, async (chunk) => {
      let keys: Record<string, unknown>[] = chunk.map((sk) => ({ pk, sk }));
      for (let round = 0; keys.length > 0; round++) {
        if (round === UNPROCESSED_ROUNDS) return 'stop';
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
      return 'next';
    });
    return settled(outcome, versions);
  });
}

/**
 * BatchWriteItem puts, 25 a request side by side, retrying what DynamoDB leaves unprocessed. A
 * request DynamoDB refuses (one of its items breaks a rule) leaves the others going: its items come
 * back as `refused` (by sort key), so a refused record costs only its own batch a second try.
 */
export function putItems(client: DynamoDBDocumentClient, tableName: string, items: readonly RecordItem[]) {
  return asBatchResult(async () => {
    const refused: string[] = [];
    const outcome = await runPool(chunked(items, BATCH_WRITE_LIMIT), BATCH_CONCURRENCY, async (chunk) => {
      let requests = chunk.map((item) => ({ PutRequest: { Item: item as unknown as Record<string, unknown> } }));
      for (let round = 0; requests.length > 0; round++) {
        if (round === UNPROCESSED_ROUNDS) return 'stop';
        if (round > 0) await sleep(backoffMs(round, { baseMs: 100, maxMs: 5_000 }));
        try {
          const response = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
          requests = (response.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        } catch (error) {
          if (!isValidationError(error)) throw error;
          // DynamoDB refuses a whole request for one item and writes none of it (also on a retry round).
          refused.push(...requests.map((request) => String(request.PutRequest.Item.sk)));
          return 'next';
        }
      }
      return 'next';
    });
    return settled(outcome, { refused });
  });
}

/**
 * What a pool of batch requests comes to: every request has settled by now (see runPool), so a
 * failure can be thrown and a throttle reported without leaving a request in flight.
 */
function settled<T>(outcome: PoolOutcome, value: T): T | 'throttled' {
  if (outcome.status === 'failed') throw outcome.error;
  return outcome.status === 'stopped' ? 'throttled' : value;
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
