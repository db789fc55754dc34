import { describe, expect, it } from 'vitest';
import { toRecordItem, writeUnits } from '../../lambdas/core/sync/record-item';
import { WritePacer } from '../../lambdas/core/sync/write-pacer';
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

const itemOptions = { now: new Date('2026-11-27T12:00:00.000Z'), tombstoneTtlSeconds: 3600 };

describe('WritePacer', () => {
  it('lets a second of units through at once, then makes the next write wait until the overdraft is paid', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const pacer = new WritePacer(
      100,
      () => now,
      async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
    );
    expect(await pacer.spend(100)).toBe(0);
    expect(await pacer.spend(50)).toBe(0);
    expect(await pacer.spend(10)).toBe(500);
    now += 1_000;
    expect(await pacer.spend(1)).toBe(0);
    expect(sleeps).toEqual([500]);
  });
});

describe('write units', () => {
  it('counts a started kilobyte as a unit, from the size DynamoDB counts', () => {
    const small = toRecordItem(INTEGRATION, RESOURCE, employee(1), itemOptions);
    expect(writeUnits(small)).toBe(1);
    const large = toRecordItem(
      INTEGRATION,
      RESOURCE,
      employee(2, undefined, { notes: 'x'.repeat(3_000) }),
      itemOptions,
    );
    expect(writeUnits(large)).toBe(4);
    const tombstone = toRecordItem(
      INTEGRATION,
      RESOURCE,
      { ...employee(3), remote_deleted_at: '2026-11-27T11:00:00.000Z' },
      itemOptions,
    );
    expect(writeUnits(tombstone)).toBe(1);
  });
});

describe('a walk keeps its partition under the write rate', () => {
  const records = Array.from({ length: 1_000 }, (_, n) => employee(n, undefined, { notes: 'y'.repeat(1_500) }));

  it('waits between pages when a backfill would write faster than the partition takes, and reports the wait', async () => {
    const kombo = scriptedKombo((_query, cursor) => pagedRecords(records, 250)(cursor));
    // Each record takes 2 units, a page 500: 2,000 units at 400 a second. The first second's worth goes at
    // once and the last page's overdraft is left to whoever writes next: (2,000 - 400 - 500) / 400 = 2.75 s.
    const harness = engineHarness(kombo.source, { partitionWriteUnitsPerSecond: 400 });
    const result = await harness.run(fullJob());
    expect(result.outcome).toBe('completed');
    expect(harness.records.items({ integrationId: INTEGRATION, resource: RESOURCE })).toHaveLength(1_000);
    const waited = harness.telemetry.values.get('PartitionWriteWaitSeconds') ?? [];
    const total = waited.reduce((sum, seconds) => sum + seconds, 0);
    expect(total).toBeCloseTo(2.75, 2);
    expect(waited).toHaveLength(3);
  });

  it('does not wait at the default rate for a page of small records', async () => {
    const kombo = scriptedKombo((_query, cursor) => pagedRecords(records.slice(0, 250), 250)(cursor));
    const harness = engineHarness(kombo.source);
    await harness.run(fullJob());
    expect(harness.telemetry.values.get('PartitionWriteWaitSeconds')).toBeUndefined();
  });

  it('asks Kombo for a delta as real-time, and for a full walk or a delta without a cursor (a backfill) as bulk', async () => {
    const kombo = scriptedKombo((_query, cursor) => pagedRecords(records.slice(0, 10), 250)(cursor));
    const harness = engineHarness(kombo.source);
    await harness.run(deltaJob());
    await harness.run(fullJob());
    harness.clock.advance(60_000);
    await harness.run(deltaJob(), 300_000, harness.clock.now().getTime());
    expect(kombo.requests.map((request) => request.priority)).toEqual(['bulk', 'bulk', 'realtime']);
  });
});
