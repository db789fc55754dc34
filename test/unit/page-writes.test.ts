import { describe, expect, it } from 'vitest';
import { toRecordItem } from '../../lambdas/core/sync/record-item';
import { DEFAULT_ENGINE_SETTINGS } from '../../lambdas/core/sync/settings';
import {
  deltaJob,
  employee,
  engineHarness,
  fullJob,
  INTEGRATION,
  pagedRecords,
  RESOURCE,
} from '../support/engine-harness';
import { scriptedKombo } from '../support/scripted-kombo';

const partition = { integrationId: INTEGRATION, resource: RESOURCE };

describe('a record DynamoDB refuses', () => {
  it('is stored compressed when the map is refused, and the page goes on', async () => {
    const records = [employee(1), employee(2, undefined, { custom: { mystery: 1 } }), employee(3)];
    const h = engineHarness(scriptedKombo(() => ({ records, next: null })).source);
    // A refusal no rule foresaw: DynamoDB refuses this record as a map.
    h.records.intercept = (item) =>
      item.id === 'emp-0002' && item.data_encoding === 'map'
        ? { outcome: 'rejected', reason: 'One or more parameter values were invalid' }
        : undefined;
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'completed' });
    expect(h.records.items(partition).map((item) => [item.id, item.data_encoding])).toEqual([
      ['emp-0001', 'map'],
      ['emp-0002', 'gzip'],
      ['emp-0003', 'map'],
    ]);
    expect(h.telemetry.counted('RecordsRejected')).toBe(1);
    expect(h.telemetry.lines.find((line) => line.message.startsWith('DynamoDB refused'))?.fields).toMatchObject({
      id: 'emp-0002',
      storedAs: 'gzip',
    });
    expect(JSON.stringify(h.telemetry.lines)).not.toContain('mystery');
  });

  it('is stored as metadata when the compressed form is refused too, and skipped when even that is', async () => {
    const records = [employee(1), employee(2), employee(3)];
    const h = engineHarness(scriptedKombo(() => ({ records, next: null })).source);
    h.records.intercept = (item) => {
      if (item.id === 'emp-0001' && item.data_encoding !== 'omitted') return { outcome: 'rejected', reason: 'refused' };
      if (item.id === 'emp-0002') return { outcome: 'rejected', reason: 'refused' };
      return undefined;
    };
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'completed' });
    expect(h.records.items(partition).map((item) => [item.id, item.data_encoding])).toEqual([
      ['emp-0001', 'omitted'],
      ['emp-0003', 'map'],
    ]);
    expect(h.telemetry.counted('RecordsRejected')).toBe(2);
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.lastWalk?.walk.counts).toMatchObject({ written: 2, rejected: 2 });
  });
});

describe('a page whose write fails', () => {
  it('starts no further write once one failed, and every write already started has finished when the job returns', async () => {
    const records = Array.from({ length: 100 }, (_, n) => employee(n));
    const h = engineHarness(scriptedKombo(() => ({ records, next: null })).source);
    // Older versions are stored, so every record takes its own conditional write.
    const older = { now: new Date('2026-11-01T00:00:00.000Z'), tombstoneTtlSeconds: 86_400 };
    for (let n = 0; n < 100; n++)
      h.records.put(toRecordItem(INTEGRATION, RESOURCE, employee(n, '2026-11-01T00:00:00.000Z'), older));
    let inFlight = 0;
    let returned = false;
    const lateWrites: string[] = [];
    const write = h.records.write.bind(h.records);
    h.records.write = async (item, options) => {
      inFlight++;
      try {
        await new Promise((resolve) => setTimeout(resolve, item.id === 'emp-0003' ? 1 : 5));
        if (item.id === 'emp-0003') throw new Error('DynamoDB: InternalServerError');
        return await write(item, options);
      } finally {
        inFlight--;
        if (returned) lateWrites.push(item.id);
      }
    };
    const result = await h.run(deltaJob());
    returned = true;
    expect(result).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('InternalServerError') });
    expect(inFlight).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(lateWrites).toEqual([]);
    // 16 writers: the failing one and the 15 beside it, nothing after.
    expect(h.records.writes.length).toBeLessThanOrEqual(DEFAULT_ENGINE_SETTINGS.writeConcurrency + 1);
  });

  it('settles the next page requested in advance before the job returns', async () => {
    let prefetchSettled = false;
    const records = Array.from({ length: 8 }, (_, n) => employee(n));
    const kombo = scriptedKombo(async (_query, cursor) => {
      if (cursor === 'p2') {
        await new Promise((resolve) => setTimeout(resolve, 20));
        prefetchSettled = true;
      }
      return pagedRecords(records, 4)(cursor);
    });
    const h = engineHarness(kombo.source);
    h.records.intercept = () => new Error('DynamoDB: InternalServerError');
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'failed' });
    expect(prefetchSettled).toBe(true);
  });
});

describe('a page DynamoDB throttles', () => {
  it('is written again after a growing pause, within the invocation', async () => {
    const records = Array.from({ length: 5 }, (_, n) => employee(n));
    const h = engineHarness(scriptedKombo(() => ({ records, next: null })).source);
    let throttles = 3;
    h.records.intercept = (item) => (item.id === 'emp-0002' && throttles-- > 0 ? { outcome: 'throttled' } : undefined);
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'completed' });
    expect(h.records.items(partition)).toHaveLength(5);
    expect(h.sleeps).toEqual([750, 1_500, 3_000]);
    expect(h.telemetry.counted('PagesThrottled')).toBe(3);
  });

  it('continues from its checkpoint in a new invocation when the pause would not fit, and pauses there first', async () => {
    const records = Array.from({ length: 8 }, (_, n) => employee(n));
    const h = engineHarness(scriptedKombo((_query, cursor) => pagedRecords(records, 4)(cursor)).source);
    let throttles = 1;
    h.records.intercept = (item) => (item.id === 'emp-0005' && throttles-- > 0 ? { outcome: 'throttled' } : undefined);
    const tight = DEFAULT_ENGINE_SETTINGS.timeMarginMs + 500;
    const first = await h.run(deltaJob(), tight);
    expect(first).toMatchObject({ outcome: 'continued', pages: 1 });
    expect(h.state.walks.get(`${INTEGRATION}#${RESOURCE}`)).toMatchObject({ pages: 1, next: 'p2', throttles: 1 });
    expect(await h.run(h.sent[0]!.job)).toMatchObject({ outcome: 'completed' });
    expect(h.sleeps).toEqual([750]);
    expect(h.records.items(partition)).toHaveLength(8);
  });
});

describe('read before write', () => {
  const records = Array.from({ length: 250 }, (_, n) => employee(n));

  it('a backfill reads once per 100 records and writes the new ones in batches, no conditional write', async () => {
    const h = engineHarness(scriptedKombo(() => ({ records, next: null })).source);
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'completed' });

    expect(h.records.items(partition)).toHaveLength(250);
    expect(h.records.requests).toEqual({ batchReads: 3, batchWrites: 10, writes: 0 });
  });

  it('an unchanged re-read in a delta costs no write at all', async () => {
    const h = engineHarness(scriptedKombo(() => ({ records, next: null })).source);
    await h.run(deltaJob());
    h.clock.advance(60_000);
    Object.assign(h.records.requests, { batchReads: 0, batchWrites: 0, writes: 0 });
    await h.run(deltaJob());
    expect(h.records.requests).toEqual({ batchReads: 3, batchWrites: 0, writes: 0 });
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.lastWalk?.walk.counts).toMatchObject({
      unchanged: 250,
      written: 0,
    });
  });

  it('reports the sync lag of a completed walk: how long ago it started, which became the delta cursor', async () => {
    const clock = { advance: (_ms: number) => {} };
    const h = engineHarness(
      scriptedKombo(() => {
        clock.advance(90_000);
        return { records, next: null };
      }).source,
    );
    clock.advance = h.clock.advance;
    await h.run(deltaJob());
    expect(h.telemetry.values.get('SyncLagSeconds')).toEqual([90]);
  });

  it('a delta re-reading unchanged pages saves its place and checks for a purge only when it stops', async () => {
    const h = engineHarness(scriptedKombo((_query, cursor) => pagedRecords(records, 100)(cursor)).source);
    await h.run(deltaJob());
    // The backfill wrote every page: a checkpoint, then the fence, after each of its 3 pages.
    expect(h.state.calls.filter((call) => call === 'saveWalk')).toHaveLength(1 + 3);
    h.clock.advance(60_000);
    h.state.calls.length = 0;
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'completed', pages: 3 });
    // The walk's first save, no checkpoint per page, then the completion and its fence (and the job's first look).
    expect(h.state.calls.filter((call) => call === 'saveWalk')).toHaveLength(1);
    expect(h.state.calls.filter((call) => call === 'integrationState')).toHaveLength(2);
    expect(h.state.calls.at(-2)).toBe('completeWalk');
  });

  it('a delta that runs out of time among unchanged pages saves its place first, and goes on from there', async () => {
    const h = engineHarness(scriptedKombo((_query, cursor) => pagedRecords(records, 100)(cursor)).source);
    await h.run(deltaJob());
    h.clock.advance(60_000);
    // Time runs short once the second page is read.
    let budget = 300_000;
    const pagesRead: string[] = [];
    const original = h.records.storedVersions.bind(h.records);
    h.records.storedVersions = async (...args) => {
      pagesRead.push(args[1][0] ?? '');
      if (pagesRead.length === 2) budget = 0;
      return original(...args);
    };
    expect(await h.run(deltaJob(), () => budget)).toMatchObject({ outcome: 'continued', pages: 2 });
    expect(h.state.walks.get(`${INTEGRATION}#${RESOURCE}`)).toMatchObject({ pages: 2, next: 'p3' });
    budget = 300_000;
    expect(await h.run(h.sent.at(-1)!.job)).toMatchObject({ outcome: 'completed', pages: 1 });
    expect(pagesRead).toEqual([records[0]!.id, records[100]!.id, records[200]!.id]);
  });

  it('a changed record takes one conditional write; an older copy of one we hold takes none', async () => {
    const h = engineHarness(scriptedKombo(() => ({ records, next: null })).source);
    await h.run(deltaJob());
    const changed = records.map((record, n) =>
      n === 7 ? { ...record, changed_at: '2026-11-21T10:00:00.000Z', first_name: 'Changed' } : record,
    );
    h.records.put(
      toRecordItem(
        INTEGRATION,
        RESOURCE,
        { ...records[9]!, changed_at: '2026-11-25T00:00:00.000Z' },
        { now: h.clock.now(), tombstoneTtlSeconds: 86_400 },
      ),
    );
    const again = engineHarness(scriptedKombo(() => ({ records: changed, next: null })).source);
    for (const item of h.records.items(partition)) again.records.put(item);
    await again.run(deltaJob());
    expect(again.records.requests.writes).toBe(1);
    expect(again.records.items(partition).find((item) => item.id === records[7]!.id)?.data).toMatchObject({
      first_name: 'Changed',
    });
    expect(again.state.cursorOf(INTEGRATION, RESOURCE)?.lastWalk?.walk.counts).toMatchObject({
      written: 1,
      stale: 1,
      unchanged: 248,
    });
  });

  it('a full sync of unchanged records writes nothing to them: each page records what it saw, and the sweep spares them', async () => {
    const h = engineHarness(scriptedKombo((_query, cursor) => pagedRecords(records, 100)(cursor)).source);
    await h.run(deltaJob());
    h.clock.advance(86_400_000);
    Object.assign(h.records.requests, { batchReads: 0, batchWrites: 0, writes: 0 });
    expect(await h.run(fullJob())).toMatchObject({ outcome: 'completed' });
    expect(h.records.requests).toEqual({ batchReads: 3, batchWrites: 0, writes: 0 });
    expect([...h.state.seenPages.values()][0]?.size).toBe(3);
    expect(h.records.items(partition).filter((item) => item.data_encoding !== 'tombstone')).toHaveLength(250);
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.lastWalk?.walk.sweep).toMatchObject({ candidates: 0, swept: 0 });
  });
});
