import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_SETTINGS } from '../../lambdas/core/sync/settings';
import { deltaJob, employee, engineHarness, INTEGRATION, pagedRecords, RESOURCE } from '../support/engine-harness';
import { scriptedKombo } from '../support/memory-stores';

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
