import { describe, expect, it } from 'vitest';
import type { ResourceState } from '../../cli/aws/state-reader';
import { readinessOf } from '../../cli/cutover/readiness';
import { healthOf, worstFirst } from '../../cli/status/health';
import { compare, compareAbsent, differingFields, upstreamItem } from '../../cli/verify/compare';
import type { RegisteredIntegration } from '../../lambdas/core/ports';

/** The CLI's judgements, without AWS: the same records and clock give the same verdict. */
const NOW = new Date('2026-11-29T12:00:00.000Z');
const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString();

describe('verify: one record compared', () => {
  const record = { id: 'e1', changed_at: '2026-11-29T10:00:00Z', first_name: 'Ada' };
  const item = upstreamItem('personio:x', 'hris/employees', record, NOW);
  const stored = (changes: Partial<{ changedAt: string; dataHash: string; encoding: string; syncedAt: string }>) => ({
    changedAt: item.changed_at,
    dataHash: item.data_hash,
    encoding: 'map',
    syncedAt: at(1),
    ...changes,
  });
  const started = NOW.toISOString();

  it('equal changed_at and content hash (as the worker stores it) is in sync', () => {
    expect(compare(item, stored({}), started)).toBe('ok');
  });
  it('nothing stored, or a tombstone, is missing; an older version is stale; other content is differing', () => {
    expect(compare(item, undefined, started)).toBe('missing');
    expect(compare(item, stored({ encoding: 'tombstone' }), started)).toBe('missing');
    expect(compare(item, stored({ changedAt: '2026-11-29T09:00:00.000Z' }), started)).toBe('stale');
    expect(compare(item, stored({ dataHash: 'other' }), started)).toBe('differing');
  });
  it('a record written since the check began is not judged', () => {
    expect(compare(item, stored({ dataHash: 'other', syncedAt: started }), started)).toBe('changed-during-check');
  });
  it('a deletion upstream: absent or a tombstone is in sync, a live record is extra', () => {
    const deleted = upstreamItem(
      'personio:x',
      'hris/employees',
      { ...record, remote_deleted_at: record.changed_at },
      NOW,
    );
    expect(compare(deleted, undefined, started)).toBe('ok');
    expect(compare(deleted, stored({ encoding: 'tombstone' }), started)).toBe('ok');
    expect(compare(deleted, stored({}), started)).toBe('extra');
  });
  it('a record Kombo does not return is extra only if the mirror holds it live', () => {
    expect(compareAbsent(undefined, started)).toBe('ok');
    expect(compareAbsent(stored({ encoding: 'tombstone' }), started)).toBe('ok');
    expect(compareAbsent(stored({ encoding: 'gzip' }), started)).toBe('extra');
  });
  it('names the fields that differ, never their values', () => {
    expect(differingFields({ a: 1, b: { c: 2 }, d: 3 }, { a: 1, b: { c: 3 }, e: 4 })).toEqual(['b', 'd', 'e']);
  });
});

const integration = (changes: Partial<RegisteredIntegration> = {}): RegisteredIntegration => ({
  id: 'personio:x',
  tool: 'personio',
  category: 'HRIS',
  state: 'ACTIVE',
  originId: null,
  firstSeenAt: at(24 * 30),
  lastSeenAt: at(1),
  stateUpdatedAt: undefined,
  missingSince: undefined,
  dataChanged: { first: at(24), last: at(1), count: 97 },
  ...changes,
});
const resource = (changes: Partial<ResourceState> = {}): ResourceState => ({
  resource: 'hris/employees',
  deltaCursor: at(0.9),
  lastSuccessAt: at(0.9),
  lastWalk: undefined,
  lastError: undefined,
  walk: undefined,
  lastFullRun: { resource: 'hris/employees', finished_at: at(48), live: 400, swept: 0, sweep_braked: false },
  ...changes,
});

describe('status: health', () => {
  it('a real-time integration whose resources keep up is ok', () => {
    const health = healthOf(integration(), undefined, [resource()], NOW);
    expect(health).toMatchObject({ severity: 'ok', problems: [], cadence: { kind: 'real-time' } });
  });
  it('hours between data-changed events mean Kombo’s scheduled syncs; a failing resource is an error', () => {
    const scheduled = integration({ dataChanged: { first: at(24), last: at(1), count: 5 } });
    expect(healthOf(scheduled, undefined, [resource()], NOW)).toMatchObject({
      severity: 'warning',
      cadence: { kind: 'scheduled' },
    });
    const failing = resource({ lastError: { at: at(0.5), code: 'PLATFORM.INPUT_INVALID', message: 'x' } });
    expect(healthOf(integration(), undefined, [failing], NOW).problems).toEqual([
      'hris/employees failing (PLATFORM.INPUT_INVALID)',
    ]);
  });
  it('sorts the worst first, deleted last', () => {
    const entries = [
      { id: 'ok', health: healthOf(integration(), undefined, [resource()], NOW) },
      { id: 'gone', health: healthOf(integration({ state: 'DELETED' }), undefined, [], NOW) },
      { id: 'missing', health: healthOf(integration({ missingSince: at(30) }), undefined, [resource()], NOW) },
      { id: 'behind', health: healthOf(integration(), undefined, [resource({ deltaCursor: at(24 * 9) })], NOW) },
    ];
    expect(entries.sort(worstFirst).map((entry) => entry.id)).toEqual(['missing', 'behind', 'ok', 'gone']);
  });
});

describe('cutover-check: readiness', () => {
  const criteria = { days: 7, maxSweptPercent: 1 };
  it('recent data-changed followed by a sync, a weekly run that swept nothing: ready', () => {
    expect(readinessOf(integration(), undefined, [resource()], NOW, criteria)).toMatchObject({
      ready: true,
      reasons: [],
    });
  });
  it('says why not, one reason each', () => {
    const quiet = integration({ dataChanged: { first: at(24 * 20), last: at(24 * 10), count: 900 } });
    expect(readinessOf(quiet, undefined, [resource()], NOW, criteria).reasons).toEqual([
      'no data-changed in the last 7 days',
    ]);
    const unsynced = resource({ lastSuccessAt: at(3) });
    expect(
      readinessOf(
        integration({ dataChanged: { first: at(30), last: at(2), count: 900 } }),
        undefined,
        [unsynced],
        NOW,
        criteria,
      ).reasons,
    ).toEqual(['no sync finished after the last data-changed']);
    const noWeekly = resource({ lastFullRun: { resource: 'hris/employees', finished_at: at(24 * 9), swept: 0 } });
    expect(readinessOf(integration(), undefined, [noWeekly], NOW, criteria).reasons).toEqual([
      'the weekly full sync has not run within 8 days',
    ]);
    const swept = resource({ lastFullRun: { resource: 'hris/employees', finished_at: at(5), live: 400, swept: 12 } });
    expect(readinessOf(integration(), undefined, [swept], NOW, criteria).reasons).toEqual([
      'the last full sync swept 12 of 400 records: webhooks were missed',
    ]);
  });
});
