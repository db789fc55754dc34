import type { KomboRecord } from '../kombo/responses';
import type { Walk, WalkCounts, WriteResult } from '../ports';
import { recordPartition } from '../table-keys';
import { type PoolOutcome, runPool } from './concurrency';
import { type EngineContext, emptyCounts } from './engine-context';
import { isExpiredDeletion, type RecordItem, type RecordItemOptions, toRecordItem, writeUnits } from './record-item';
import { type PlannedRecord, planWrites } from './write-plan';

/**
 * How writing one page ended. `written`, with `wroteNothing` when every record was stored already
 * (no write request was sent). `throttled`: DynamoDB throttled a write past the client's retries;
 * the page is to be written again later (every write is idempotent). `failed`: anything else.
 * In every case every write the page started has settled.
 */
export type PageWrite =
  | { readonly status: 'written'; readonly wroteNothing: boolean }
  | { readonly status: 'throttled' }
  | { readonly status: 'failed'; readonly error: unknown };

/** One record's write: what DynamoDB said last, and whether it refused the record as it was. */
interface RecordWrite {
  readonly outcome: WriteResult['outcome'] | 'unstorable';
  readonly refused: boolean;
}

/**
 * Writes a page's records and adds what happened to the walk's counts. It reads what the records
 * table holds of them first (one batch read per 100), so an unchanged or stale record costs no
 * write; records not stored yet go out in batches; the rest take one conditional write each,
 * `writeConcurrency` at a time. A record DynamoDB refuses is stored compressed, else as metadata,
 * else skipped; it is logged and counted, and the page goes on. On a throttle or an error no further
 * write starts.
 */
export async function writePage(ctx: EngineContext, walk: Walk, records: readonly KomboRecord[]): Promise<PageWrite> {
  const counts = emptyCounts();
  const sent = { writes: 0 };
  // The batch requests run one after another and the conditional writes settle in the pool, so a
  // failure here leaves nothing in flight.
  const paced = pacedWrites(ctx, walk);
  const written = await writeRecords(ctx, walk, records, counts, sent, paced).catch(
    (error: unknown): PoolOutcome => ({ status: 'failed', error }),
  );
  for (const key of Object.keys(counts) as (keyof WalkCounts)[]) walk.counts[key] += counts[key];
  const { telemetry } = ctx;
  telemetry.count('RecordsWritten', counts.written);
  telemetry.count('RecordsUnchanged', counts.unchanged);
  telemetry.count('RecordsStale', counts.stale);
  telemetry.count('RecordsTombstoned', counts.tombstoned);
  telemetry.count('RecordsRejected', counts.rejected);
  if (written.status === 'failed') return { status: 'failed', error: written.error };
  if (written.status === 'stopped') {
    telemetry.count('PagesThrottled');
    return { status: 'throttled' };
  }
  telemetry.count('PagesFetched');
  if (paced.waitedMs > 0) telemetry.seconds('PartitionWriteWaitSeconds', paced.waitedMs / 1000);
  return { status: 'written', wroteNothing: sent.writes === 0 };
}

/** Spends the items' write units from the partition's pacer (waiting when it is overdrawn); adds up the waits. */
interface PacedWrites {
  spend(items: readonly RecordItem[]): Promise<void>;
  readonly waitedMs: number;
}

function pacedWrites(ctx: EngineContext, walk: Walk): PacedWrites {
  const pacer = ctx.writePacers.of(recordPartition(walk.integrationId, walk.resource));
  const paced = {
    waitedMs: 0,
    async spend(items: readonly RecordItem[]) {
      paced.waitedMs += await pacer.spend(items.reduce((units, item) => units + writeUnits(item), 0));
    },
  };
  return paced;
}

async function writeRecords(
  ctx: EngineContext,
  walk: Walk,
  records: readonly KomboRecord[],
  counts: WalkCounts,
  sent: { writes: number },
  paced: PacedWrites,
): Promise<PoolOutcome> {
  const itemOptions = { now: ctx.now(), tombstoneTtlSeconds: ctx.settings.tombstoneTtlSeconds };
  const partition = { integrationId: walk.integrationId, resource: walk.resource };
  const entries = records.map((record) => ({
    record,
    item: toRecordItem(walk.integrationId, walk.resource, record, itemOptions),
  }));
  const read = await ctx.records.storedVersions(
    partition,
    entries.map((entry) => entry.item.sk),
  );
  if (read.outcome === 'throttled') return { status: 'stopped' };
  const plan = planWrites(entries, read.outcome === 'done' ? read.value : undefined, itemOptions);
  counts.unchanged += plan.unchanged.length;
  counts.stale += plan.stale.length;
  sent.writes = plan.fresh.length + plan.updates.length;
  let updates = plan.updates;
  if (plan.fresh.length > 0) {
    const items = plan.fresh.map((entry) => entry.item);
    await paced.spend(items);
    const put = await ctx.records.putNew(items);
    if (put.outcome === 'throttled') return { status: 'stopped' };
    // A batch DynamoDB refused goes record by record, where a refused record finds a form it takes.
    const refused = new Set(put.outcome === 'done' ? put.value.refused : plan.fresh.map((entry) => entry.item.sk));
    for (const entry of plan.fresh) {
      if (refused.has(entry.item.sk)) continue;
      count(counts, { outcome: 'written', refused: false }, entry.item);
      if (entry.item.data_encoding === 'omitted') noteOmitted(ctx, walk, entry.item);
    }
    if (refused.size > 0) updates = [...plan.fresh.filter((entry) => refused.has(entry.item.sk)), ...updates];
  }
  return runPool(updates, ctx.settings.writeConcurrency, async (entry) => {
    await paced.spend([entry.item]);
    const write = await writeRecord(ctx, walk, entry, itemOptions);
    if (write.outcome === 'throttled') return 'stop';
    count(counts, write, write.item);
    if (write.outcome === 'written' && write.item?.data_encoding === 'omitted') noteOmitted(ctx, walk, write.item);
    return 'next';
  });
}

function count(counts: WalkCounts, write: RecordWrite, item: RecordItem | undefined): void {
  if (write.refused) counts.rejected++;
  if (write.outcome === 'written' || write.outcome === 'unchanged' || write.outcome === 'stale')
    counts[write.outcome]++;
  if (write.outcome !== 'written' || !item) return;
  if (item.data_encoding === 'tombstone') counts.tombstoned++;
  if (item.data_encoding === 'gzip' || item.data_encoding === 'omitted') counts.oversized++;
}

/**
 * One record: as a map if DynamoDB takes it, else compressed, else as metadata only. The rules in
 * `toRecordItem` foresee what DynamoDB refuses; a refusal they did not foresee walks down the same
 * steps, so one record never holds up its page.
 */
async function writeRecord(
  ctx: EngineContext,
  walk: Walk,
  { record, item: first }: PlannedRecord,
  itemOptions: RecordItemOptions,
): Promise<RecordWrite & { readonly item: RecordItem | undefined }> {
  // The item the page built for its batch read; a refusal steps down from there.
  let item: RecordItem | undefined = first;
  let refusal: string | undefined;
  while (item) {
    const result = await ctx.records.write(item, { createIfAbsent: !isExpiredDeletion(item, itemOptions) });
    if (result.outcome !== 'rejected') {
      if (refusal !== undefined) reportRefusal(ctx, walk, record.id, refusal, item.data_encoding);
      return { outcome: result.outcome, refused: refusal !== undefined, item };
    }
    refusal = result.reason;
    item = fallbackItem(walk, record, itemOptions, item);
  }
  reportRefusal(ctx, walk, record.id, refusal ?? 'refused', 'nothing');
  return { outcome: 'unstorable', refused: true, item: undefined };
}

/** The next way down to store a record DynamoDB refused: compressed, then metadata only. */
function fallbackItem(
  walk: Walk,
  record: KomboRecord,
  options: RecordItemOptions,
  refused: RecordItem,
): RecordItem | undefined {
  if (refused.data_encoding === 'map') return toRecordItem(walk.integrationId, walk.resource, record, options, 'gzip');
  if (refused.data_encoding === 'gzip')
    return toRecordItem(walk.integrationId, walk.resource, record, options, 'omitted');
  return undefined;
}

/** Logged without the record's data: only where it is and what DynamoDB said. */
function reportRefusal(ctx: EngineContext, walk: Walk, id: string, reason: string, storedAs: string): void {
  ctx.telemetry.warn('DynamoDB refused a record; stored in a form it takes, or skipped', {
    integrationId: walk.integrationId,
    resource: walk.resource,
    id,
    reason,
    storedAs,
  });
}

/** Records too large even compressed are kept as metadata: said once per record. */
function noteOmitted(ctx: EngineContext, walk: Walk, item: RecordItem): void {
  ctx.telemetry.warn('record too large for DynamoDB even compressed; stored as metadata only', {
    integrationId: walk.integrationId,
    resource: walk.resource,
    id: item.id,
    bytes: item.data_bytes,
  });
  ctx.telemetry.count('RecordsOmittedTooLarge');
}
