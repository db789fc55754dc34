import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { BatchResult, RecordStore, ScanPage, StoredVersion, WriteOutcome, WriteResult } from '../../core/ports';
import type { RecordItem } from '../../core/sync/record-item';
import { recordPartition } from '../../core/table-keys';
import { deleteKeys, purgePartitionPage } from './batch-delete';
import { isConditionFailed, isThrottled, isValidationError } from './errors';
import { putItems, readVersions } from './record-batches';
import { decodeKey, encodeKey } from './scan-keys';

type Partition = { integrationId: string; resource: string };
/** Candidates per sweep step, so one step stays short whatever the resource's size. */
const SWEEP_PAGE_ITEMS = 200;
/** The `data_hash` of a swept tombstone: matches no record's content. */
const SWEPT_HASH = 'swept';

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

  storedVersions(partition: Partition, ids: readonly string[]): Promise<BatchResult<Map<string, StoredVersion>>> {
    return readVersions(this.client, this.tableName, partition, ids);
  }

  putNew(items: readonly RecordItem[]): Promise<BatchResult<{ readonly refused: readonly string[] }>> {
    return putItems(this.client, this.tableName, items);
  }

  async write(item: RecordItem, options: { createIfAbsent?: boolean } = {}): Promise<WriteResult> {
    try {
      return { outcome: await this.conditionalWrite(item, options) };
    } catch (error) {
      if (isValidationError(error)) return { outcome: 'rejected', reason: (error as Error).message.slice(0, 300) };
      if (isThrottled(error)) return { outcome: 'throttled' };
      throw error;
    }
  }

  private async conditionalWrite(item: RecordItem, options: { createIfAbsent?: boolean }): Promise<WriteOutcome> {
    const key = { pk: item.pk, sk: item.sk };
    const same = { ':changed_at': item.changed_at, ':data_hash': item.data_hash };
    const createIfAbsent = options.createIfAbsent ?? true;
    const newer = 'changed_at < :changed_at OR (changed_at = :changed_at AND data_hash <> :data_hash)';
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: createIfAbsent
            ? `attribute_not_exists(pk) OR ${newer}`
            : `attribute_exists(pk) AND (${newer})`,
          ExpressionAttributeValues: same,
        }),
      );
      return 'written';
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }

    const stored = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: key,
        ProjectionExpression: 'changed_at, data_hash',
        ConsistentRead: true,
      }),
    );
    if (!stored.Item && !createIfAbsent) return 'unchanged';
    const unchanged = stored.Item?.changed_at === item.changed_at && stored.Item?.data_hash === item.data_hash;
    return unchanged ? 'unchanged' : 'stale';
  }

  async countSweepCandidates(
    partition: Partition,
    before: string,
    seen: ReadonlySet<string>,
    startKey: string | undefined,
  ): Promise<ScanPage<{ live: number; candidates: number }>> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ProjectionExpression: 'sk, synced_at, data_encoding',
        ExpressionAttributeValues: { ':pk': recordPartition(partition.integrationId, partition.resource) },
        ExclusiveStartKey: decodeKey(startKey),
      }),
    );
    const live = (page.Items ?? []).filter((item) => item.data_encoding !== 'tombstone');
    return {
      result: { live: live.length, candidates: live.filter((item) => isCandidate(item, before, seen)).length },
      nextKey: encodeKey(page.LastEvaluatedKey),
    };
  }

  async sweepCandidates(
    partition: Partition,
    before: string,
    seen: ReadonlySet<string>,
    startKey: string | undefined,
  ): Promise<ScanPage<{ ids: string[] }>> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'data_encoding <> :tombstone AND synced_at < :before',
        ProjectionExpression: 'sk',
        Limit: SWEEP_PAGE_ITEMS,
        ExpressionAttributeValues: {
          ':pk': recordPartition(partition.integrationId, partition.resource),
          ':tombstone': 'tombstone',
          ':before': before,
        },
        ExclusiveStartKey: decodeKey(startKey),
      }),
    );
    return {
      result: { ids: (page.Items ?? []).map((item) => String(item.sk)).filter((id) => !seen.has(id)) },
      nextKey: encodeKey(page.LastEvaluatedKey),
    };
  }

  async tombstone(
    partition: Partition,
    ids: readonly string[],
    before: string,
    tombstone: { at: string; expiresAt: number },
  ): Promise<number> {
    let swept = 0;
    for (const id of ids) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: recordPartition(partition.integrationId, partition.resource), sk: id },
            // data_hash changes too, so the record's next read (should it reappear unchanged) is a write again.
            UpdateExpression:
              'SET data_encoding = :tombstone, remote_deleted_at = :at, swept_at = :at, expires_at = :expires, data_hash = :swept ' +
              'REMOVE #data, data_gzip, data_bytes',
            // Re-checked at write time: a delta may have written the record since the query.
            ConditionExpression: 'data_encoding <> :tombstone AND synced_at < :before',
            ExpressionAttributeNames: { '#data': 'data' },
            ExpressionAttributeValues: {
              ':tombstone': 'tombstone',
              ':at': tombstone.at,
              ':expires': tombstone.expiresAt,
              ':before': before,
              ':swept': SWEPT_HASH,
            },
          }),
        );
        swept++;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    }
    return swept;
  }

  async remove(partition: Partition, ids: readonly string[]): Promise<void> {
    const pk = recordPartition(partition.integrationId, partition.resource);
    await deleteKeys(
      this.client,
      this.tableName,
      ids.map((id) => ({ pk, sk: id })),
    );
  }

  async purge(partition: Partition, startKey: string | undefined): Promise<ScanPage<{ deleted: number }>> {
    const pk = recordPartition(partition.integrationId, partition.resource);
    const page = await purgePartitionPage(this.client, this.tableName, pk, { startKey: decodeKey(startKey) });
    return { result: { deleted: page.deleted }, nextKey: encodeKey(page.lastKey) };
  }
}

/** Live, not seen by the walk, and not written since it began (a delta's write is newer). */
function isCandidate(item: Record<string, unknown>, before: string, seen: ReadonlySet<string>): boolean {
  return String(item.synced_at) < before && !seen.has(String(item.sk));
}
