import { gunzipSync } from 'node:zlib';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRecordStore } from '../../lambdas/adapters/dynamodb/records-store';
import { MAX_INLINE_DATA_BYTES, toRecordItem } from '../../lambdas/core/sync/record-item';
import { type LocalDynamo, startLocalDynamo } from '../../local/aws/dynamo-server';

let dynamo: LocalDynamo;
let store: DynamoRecordStore;
const TABLE = 'records';
const NOW = new Date('2026-11-27T12:00:00.000Z');
const item = (record: Record<string, unknown>, now = NOW) =>
  toRecordItem(
    'personio:p1',
    'hris/employees',
    { id: 'e1', remote_id: 'r1', changed_at: '2026-11-01T00:00:00.000Z', remote_deleted_at: null, ...record } as never,
    {
      now,
      tombstoneTtlSeconds: 14 * 86_400,
    },
  );
const stored = async (id = 'e1') =>
  (await dynamo.documents.send(new GetCommand({ TableName: TABLE, Key: { pk: 'personio:p1#hris/employees', sk: id } })))
    .Item;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await dynamo.createTable(TABLE);
  store = new DynamoRecordStore(dynamo.documents, TABLE);
});
afterAll(async () => dynamo?.close());

describe('records store (dynalite)', () => {
  it('stores the public data model', async () => {
    expect(await store.write(item({ first_name: 'Ada', nested: { a: [1, { b: null }] } }))).toEqual({
      outcome: 'written',
    });
    expect(await stored()).toEqual({
      pk: 'personio:p1#hris/employees',
      sk: 'e1',
      integration_id: 'personio:p1',
      resource: 'hris/employees',
      id: 'e1',
      remote_id: 'r1',
      changed_at: '2026-11-01T00:00:00.000Z',
      remote_deleted_at: null,
      data: {
        id: 'e1',
        remote_id: 'r1',
        changed_at: '2026-11-01T00:00:00.000Z',
        remote_deleted_at: null,
        first_name: 'Ada',
        nested: { a: [1, { b: null }] },
      },
      data_encoding: 'map',
      data_hash: expect.any(String),
      synced_at: NOW.toISOString(),
    });
  });

  it('does not rewrite an unchanged record, and says so', async () => {
    const later = new Date(NOW.getTime() + 60_000);
    expect(await store.write(item({ first_name: 'Ada', nested: { a: [1, { b: null }] } }, later))).toEqual({
      outcome: 'unchanged',
    });
    expect((await stored())?.synced_at).toBe(NOW.toISOString());
  });

  it('applies a re-read with the same changed_at but new content (nested data changed)', async () => {
    expect(await store.write(item({ first_name: 'Ada', nested: { a: [2] } }))).toEqual({
      outcome: 'written',
    });
    expect((await stored())?.data).toMatchObject({ nested: { a: [2] } });
  });

  it('refuses older data and keeps what it has', async () => {
    await store.write(item({ changed_at: '2026-11-02T00:00:00.000Z', first_name: 'Newer' }));
    expect(await store.write(item({ changed_at: '2026-11-01T12:00:00.000Z', first_name: 'Older' }))).toEqual({
      outcome: 'stale',
    });
    expect((await stored())?.data).toMatchObject({ first_name: 'Newer' });
  });

  it('compares changed_at as instants whatever the precision Kombo sends', async () => {
    expect(await store.write(item({ changed_at: '2026-11-01T23:59:59Z', first_name: 'Seconds' }))).toEqual({
      outcome: 'stale',
    });
    expect(await store.write(item({ changed_at: '2026-11-02T00:00:00.5+00:00', first_name: 'Later' }))).toEqual({
      outcome: 'written',
    });
    expect((await stored())?.changed_at).toBe('2026-11-02T00:00:00.500Z');
  });

  it('with createIfAbsent false, replaces a stored record but creates nothing', async () => {
    const oldDeletion = (id: string) =>
      item({
        id,
        changed_at: '2026-09-01T00:00:00.000Z',
        remote_deleted_at: '2026-09-01T00:00:00.000Z',
        first_name: 'Long gone',
      });
    expect(await store.write(oldDeletion('absent-1'), { createIfAbsent: false })).toEqual({
      outcome: 'unchanged',
    });
    expect(await stored('absent-1')).toBeUndefined();

    await store.write(item({ id: 'held', changed_at: '2026-08-01T00:00:00.000Z' }));
    expect(await store.write(oldDeletion('held'), { createIfAbsent: false })).toEqual({
      outcome: 'written',
    });
    expect(await stored('held')).toMatchObject({
      data_encoding: 'tombstone',
      remote_deleted_at: '2026-09-01T00:00:00.000Z',
    });
    // A stored newer version still wins.
    await store.write(item({ id: 'newer', changed_at: '2026-10-01T00:00:00.000Z' }));
    expect(await store.write(oldDeletion('newer'), { createIfAbsent: false })).toEqual({
      outcome: 'stale',
    });
  });

  it('turns a deleted record into a tombstone without data, with a TTL', async () => {
    const tombstone = item({
      changed_at: '2026-11-03T00:00:00.000Z',
      remote_deleted_at: '2026-11-03T00:00:00.000Z',
      first_name: 'Gone',
    });
    expect(await store.write(tombstone)).toEqual({ outcome: 'written' });
    const saved = await stored();
    expect(saved?.data).toBeUndefined();
    expect(saved?.data_encoding).toBe('tombstone');
    expect(saved?.remote_deleted_at).toBe('2026-11-03T00:00:00.000Z');
    expect(saved?.expires_at).toBe(Math.floor(NOW.getTime() / 1000) + 14 * 86_400);
    expect(JSON.stringify(saved)).not.toContain('Gone');
  });

  it('stores a record too big for an item gzip-compressed, and one too big even then as flagged metadata', async () => {
    const big = { id: 'big', changed_at: '2026-11-01T00:00:00.000Z', blob: 'ab'.repeat(MAX_INLINE_DATA_BYTES) };
    expect(await store.write(item(big))).toEqual({ outcome: 'written' });
    const saved = await stored('big');
    expect(saved?.data_encoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(saved?.data_gzip as Uint8Array).toString('utf8'))).toMatchObject({
      id: 'big',
      blob: big.blob,
    });

    let noise = '';
    for (let i = 0; noise.length < 700_000; i++) noise += ((i * 2654435761) % 4294967296).toString(36);
    const huge = { id: 'huge', changed_at: '2026-11-01T00:00:00.000Z', blob: noise };
    expect(await store.write(item(huge))).toEqual({ outcome: 'written' });
    expect(await stored('huge')).toMatchObject({ data_encoding: 'omitted', data_bytes: expect.any(Number) });
    expect((await stored('huge'))?.data).toBeUndefined();
  });

  it("measures a record by DynamoDB's item size, not its JSON: many small numbers are stored compressed", async () => {
    // 300 KB of JSON, but 1 byte per element plus 2 per number makes 450 KB in DynamoDB: over the item limit.
    const scores = Array.from({ length: 150_000 }, (_, n) => n % 10);
    const record = { id: 'scores', changed_at: '2026-11-01T00:00:00.000Z', scores };
    expect(Buffer.byteLength(JSON.stringify(record))).toBeLessThan(MAX_INLINE_DATA_BYTES);
    expect(await store.write(item(record))).toEqual({ outcome: 'written' });
    const saved = await stored('scores');
    expect(saved?.data_encoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(saved?.data_gzip as Uint8Array).toString('utf8')).scores).toEqual(scores);
  });

  it('stores a record with a number DynamoDB cannot hold exactly compressed, instead of failing the page', async () => {
    expect(await store.write(item({ id: 'bignum', salary: 2 ** 60, tiny: 1e-200, fine: 12.5 }))).toEqual({
      outcome: 'written',
    });
    const saved = await stored('bignum');
    expect(saved?.data_encoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(saved?.data_gzip as Uint8Array).toString('utf8'))).toMatchObject({
      salary: 2 ** 60,
      tiny: 1e-200,
    });
  });

  it('stores a record nested deeper than DynamoDB allows compressed', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 40; level++) deep = { child: deep };
    expect(await store.write(item({ id: 'deep', deep }))).toEqual({ outcome: 'written' });
    expect((await stored('deep'))?.data_encoding).toBe('gzip');
  });
});

describe('records store batches (dynalite behind the AWS rules)', () => {
  const partition = { integrationId: 'personio:p1', resource: 'hris/employees' };

  it('writes the other batches of a page when DynamoDB refuses one, and names the refused batch by its keys', async () => {
    // 60 absent records: three requests of 25, 25 and 10; record b-30 (second request) has a map key AWS refuses.
    const items = Array.from({ length: 60 }, (_, index) =>
      item({ id: `b-${index}`, ...(index === 30 ? { custom: { '': 'refused by AWS' } } : {}) }),
    );
    // Built as a map on purpose: the rules that foresee the refusal would have compressed it.
    const refusedItem = items[30];
    if (refusedItem) Object.assign(refusedItem, { data_encoding: 'map', data: { custom: { '': 'x' } } });

    const put = await store.putNew(items);

    expect(put).toEqual({ outcome: 'done', value: { refused: items.slice(25, 50).map((entry) => entry.sk) } });
    const versions = await store.storedVersions(
      partition,
      items.map((entry) => entry.sk),
    );
    expect(versions.outcome === 'done' && [...versions.value.keys()].sort()).toEqual(
      [...items.slice(0, 25), ...items.slice(50)].map((entry) => entry.sk).sort(),
    );
  });
});

describe('records store sweep (dynalite)', () => {
  it('restores a swept record that reappears unchanged, and spares one written after the walk began', async () => {
    const partition = { integrationId: 'personio:p1', resource: 'hris/employees' };
    const walkStart = '2026-11-27T12:30:00.000Z';
    await store.write(item({ id: 'sw1', first_name: 'Back' }));
    await store.write(item({ id: 'sw2' }, new Date('2026-11-27T12:45:00.000Z')));

    // What the walk saw is no candidate, whatever its synced_at says.
    expect((await store.sweepCandidates(partition, walkStart, new Set(['sw1']), undefined)).result.ids).not.toContain(
      'sw1',
    );
    const candidates = await store.sweepCandidates(partition, walkStart, new Set(), undefined);
    expect(candidates.result.ids).toContain('sw1');
    expect(candidates.result.ids).not.toContain('sw2');
    // sw2 is passed too, as if written between the query and the tombstoning: the condition spares it.
    const tombstoned = await store.tombstone(partition, [...candidates.result.ids, 'sw2'], walkStart, {
      at: '2026-11-27T13:00:00.000Z',
      expiresAt: 1,
    });
    expect(tombstoned).toBe(candidates.result.ids.length);
    expect(await stored('sw1')).toMatchObject({
      data_encoding: 'tombstone',
      swept_at: '2026-11-27T13:00:00.000Z',
      data_hash: 'swept',
    });
    expect((await stored('sw1'))?.data).toBeUndefined();
    expect(await stored('sw2')).toMatchObject({ data_encoding: 'map' });

    // The next walk sees the record again, exactly as it was: it must come back.
    const again = item({ id: 'sw1', first_name: 'Back' }, new Date('2026-11-28T02:00:00.000Z'));
    expect(await store.write(again)).toEqual({ outcome: 'written' });
    expect(await stored('sw1')).toMatchObject({
      data_encoding: 'map',
      data: expect.objectContaining({ first_name: 'Back' }),
    });
  });
});
