import { gunzipSync } from 'node:zlib';
import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryItems } from '../../lambdas/adapters/dynamodb/query-items';
import { backoffMs, sleep } from '../../lambdas/core/backoff';
import { recordPartition } from '../../lambdas/core/table-keys';

/**
 * Reads of the records table an operator needs, by the data model's own attributes (README: Records table):
 * counts, the stored version of records, and one record's content (for the names of the fields that differ).
 */
export interface StoredRecord {
  readonly changedAt: string;
  readonly dataHash: string;
  readonly encoding: string;
  readonly syncedAt: string;
}

type Partition = { readonly integrationId: string; readonly resource: string };

const BATCH_GET_LIMIT = 100;
const UNPROCESSED_ROUNDS = 8;

export class MirrorReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Live records and tombstones of one resource. */
  async count(partition: Partition): Promise<{ live: number; tombstones: number }> {
    const counts = { live: 0, tombstones: 0 };
    for await (const item of this.items(partition, 'data_encoding')) {
      if (item.data_encoding === 'tombstone') counts.tombstones++;
      else counts.live++;
    }
    return counts;
  }

  /** Every stored record's id (tombstones included), a page at a time. */
  async *ids(partition: Partition): AsyncGenerator<string> {
    for await (const item of this.items(partition, 'sk')) yield String(item.sk);
  }

  /** The stored version of these records; an id without an entry is not stored. */
  async versions(partition: Partition, ids: readonly string[]): Promise<Map<string, StoredRecord>> {
    const pk = recordPartition(partition.integrationId, partition.resource);
    const found = new Map<string, StoredRecord>();
    for (let start = 0; start < ids.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] = ids.slice(start, start + BATCH_GET_LIMIT).map((sk) => ({ pk, sk }));
      for (let round = 0; keys.length > 0; round++) {
        if (round === UNPROCESSED_ROUNDS) throw new Error(`DynamoDB left ${keys.length} reads unprocessed`);
        if (round > 0) await sleep(backoffMs(round, { baseMs: 100, maxMs: 5_000 }));
        const response = await this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.tableName]: {
                Keys: keys,
                ProjectionExpression: 'sk, changed_at, data_hash, data_encoding, synced_at',
                // The comparison is with what Kombo answered a moment ago: the newest write counts.
                ConsistentRead: true,
              },
            },
          }),
        );
        for (const item of response.Responses?.[this.tableName] ?? []) {
          found.set(String(item.sk), {
            changedAt: String(item.changed_at),
            dataHash: String(item.data_hash),
            encoding: String(item.data_encoding),
            syncedAt: String(item.synced_at),
          });
        }
        keys = response.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  /** The record as stored (map or gzip); undefined for tombstones, `omitted` items and absent ones. */
  async content(partition: Partition, id: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: recordPartition(partition.integrationId, partition.resource), sk: id },
        ConsistentRead: true,
      }),
    );
    if (Item?.data_encoding === 'map') return Item.data as Record<string, unknown>;
    if (Item?.data_encoding === 'gzip') {
      return JSON.parse(gunzipSync(Item.data_gzip as Uint8Array).toString('utf8')) as Record<string, unknown>;
    }
    return undefined;
  }

  private async *items(partition: Partition, projection: string): AsyncGenerator<Record<string, unknown>> {
    yield* queryItems(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ProjectionExpression: projection,
      ExpressionAttributeValues: { ':pk': recordPartition(partition.integrationId, partition.resource) },
    });
  }
}
