import { describe, expect, it } from 'vitest';
import { KomboBudgetWaitError } from '../../lambdas/core/kombo/errors';
import {
  bulkLaneGroupId,
  type FullJob,
  jobGroupId,
  laneOf,
  fullJob as queuedFullJob,
  reconcileJob,
} from '../../lambdas/core/sync/job';
import { MAX_BULK_LANES } from '../../lambdas/core/sync/settings';
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

const records = Array.from({ length: 1_000 }, (_, n) => employee(n));
/** The harness's full job, sent in bulk lane `lane`. */
const inLane = (lane: number): FullJob => ({ ...(fullJob() as FullJob), lane });

describe('bulk lanes', () => {
  it('put a lane job in the lane group, and spread jobs evenly over the lanes by what they work on', () => {
    const queued = queuedFullJob('personio:1', 'hris/employees', 'weekly-1', { lane: 7 });
    expect(queued.groupId).toBe(bulkLaneGroupId(7));
    expect(jobGroupId(queued.job)).toBe('bulk-lane#7');
    expect(reconcileJob('personio:1', { runId: 'weekly-1', lane: 3 }).groupId).toBe('bulk-lane#3');
    // Without a lane, the job keeps its resource's group; lanes 0 means off.
    expect(queuedFullJob('personio:1', 'hris/employees', 'weekly-1').groupId).toBe('personio:1#hris/employees');
    expect(laneOf('personio:1#hris/employees', 0)).toBeUndefined();
    const perLane = new Map<number, number>();
    for (let n = 0; n < 2_000; n++) {
      const lane = laneOf(`personio:${n}#hris/employees`, 20) as number;
      expect(laneOf(`personio:${n}#hris/employees`, 20)).toBe(lane);
      perLane.set(lane, (perLane.get(lane) ?? 0) + 1);
    }
    expect(perLane.size).toBe(20);
    for (const count of perLane.values()) expect(count).toBeGreaterThan(60);
    expect(laneOf('x', 10_000)).toBeLessThan(MAX_BULK_LANES);
  });

  it('stop a lane job after its slice and continue it from the checkpoint, so workers turn over', async () => {
    let h: ReturnType<typeof engineHarness> | undefined;
    // Every page takes Kombo 5 s (the next is fetched while one is written): a slice of 12 s writes two pages.
    const kombo = scriptedKombo((_query, cursor) => {
      h?.clock.advance(5_000);
      return pagedRecords(records, 100)(cursor);
    });
    h = engineHarness(kombo.source, { bulkSliceMs: 12_000 });
    expect(await h.run(inLane(4))).toMatchObject({ outcome: 'continued', pages: 2 });
    expect(h.sent.at(-1)?.groupId).toBe('bulk-lane#4');
    // The same walk outside a lane runs on.
    const unlaned = scriptedKombo((_query, cursor) => pagedRecords(records, 100)(cursor));
    const free = engineHarness(unlaned.source, { bulkSliceMs: 12_000 });
    expect(await free.run(fullJob())).toMatchObject({ outcome: 'completed' });
    expect(unlaned.requests).toHaveLength(10);
  });
});

describe('the bulk slice', () => {
  it('is shared by the bulk jobs of one invocation: a lane job that gets its turn after it goes back to its lane', async () => {
    let h: ReturnType<typeof engineHarness> | undefined;
    const kombo = scriptedKombo((_query, cursor) => {
      h?.clock.advance(5_000);
      return pagedRecords(records, 100)(cursor);
    });
    h = engineHarness(kombo.source, { bulkSliceMs: 12_000 });
    // One invocation: one deadline for every job of its batch.
    const invocation = { remainingMs: () => 300_000 };
    const requestedAt = h.clock.now().getTime() - 1_000;
    expect(await h.runner.run({ job: inLane(1), requestedAt }, invocation)).toMatchObject({ outcome: 'continued' });
    const requests = kombo.requests.length;
    expect(await h.runner.run({ job: inLane(1), requestedAt }, invocation)).toMatchObject({
      outcome: 'continued',
      pages: 0,
    });
    expect(kombo.requests).toHaveLength(requests);
    // The next invocation has a slice of its own.
    expect(await h.runner.run({ job: inLane(1), requestedAt }, { remainingMs: () => 300_000 })).toMatchObject({
      outcome: 'continued',
      pages: 2,
    });
  });
});

describe('the walk lease', () => {
  const kombo = () => scriptedKombo((_query, cursor) => pagedRecords(records.slice(0, 10), 250)(cursor));

  it('is taken for the walk and given back before the job returns', async () => {
    const h = engineHarness(kombo().source);
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'completed' });
    expect(h.state.leases.log).toEqual([`taken ${INTEGRATION}#${RESOURCE}`, `released ${INTEGRATION}#${RESOURCE}`]);
    expect(h.state.leases.size).toBe(0);
  });

  it('makes a delta wait while a lane job walks the resource, then walk', async () => {
    const h = engineHarness(kombo().source);
    const now = h.clock.now().getTime();
    h.state.leases.set(`${INTEGRATION}#${RESOURCE}`, { owner: 'lane-job', untilMs: now + 2_000 });
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'completed' });
    expect(h.sleeps.filter((ms) => ms === 500).length).toBeGreaterThanOrEqual(4);
    expect(h.telemetry.lines.some((line) => line.message.startsWith('waited for another job'))).toBe(true);
  });

  it('continues the job in a new invocation when the lease does not come back in time', async () => {
    const h = engineHarness(kombo().source);
    const now = h.clock.now().getTime();
    h.state.leases.set(`${INTEGRATION}#${RESOURCE}`, { owner: 'lane-job', untilMs: now + 600_000 });
    // Less than the margin and one more wait is left: the job goes back to the queue instead of waiting.
    expect(await h.run(deltaJob(), 60_400)).toMatchObject({ outcome: 'continued' });
    expect(h.sent).toHaveLength(1);
    expect(h.state.leases.get(`${INTEGRATION}#${RESOURCE}`)?.owner).toBe('lane-job');
  });
});

describe('a walk that waits for the request budget', () => {
  it('continues in a new invocation without recording a failure against the resource', async () => {
    const kombo = scriptedKombo(() => new KomboBudgetWaitError('hris/employees: no share of the budget in time'));
    const h = engineHarness(kombo.source);
    expect(await h.run(fullJob())).toMatchObject({ outcome: 'continued' });
    expect(h.state.calls).not.toContain('recordFailure');
    expect(h.telemetry.counted('JobsFailed')).toBe(0);
  });
});

describe('a job waiting for the walk lease', () => {
  it('gives its worker slot back after 10 s and continues in a new invocation, however much time it has', async () => {
    const kombo = scriptedKombo((_query, cursor) => pagedRecords(records.slice(0, 10), 250)(cursor));
    const h = engineHarness(kombo.source);
    const now = h.clock.now().getTime();
    // A holder that crashed keeps the lease until its own deadline.
    h.state.leases.set(`${INTEGRATION}#${RESOURCE}`, { owner: 'crashed', untilMs: now + 900_000 });
    expect(await h.run(deltaJob(), 800_000)).toMatchObject({ outcome: 'continued' });
    expect(h.sleeps.reduce((sum, ms) => sum + ms, 0)).toBe(10_000);
  });
});

describe('a bulk job that fails', () => {
  const failing = () => scriptedKombo(() => new Error('Kombo answered 503'));

  it('goes to the back of its lane, counted as failed, so the other jobs of the lane go on', async () => {
    const h = engineHarness(failing().source);
    expect(await h.run(inLane(2))).toMatchObject({ outcome: 'continued' });
    expect(h.sent.at(-1)?.groupId).toBe('bulk-lane#2');
    expect(h.telemetry.counted('JobsFailed')).toBe(1);
    expect(h.telemetry.lines.some((line) => line.level === 'error' && line.message.startsWith('bulk job failed'))).toBe(
      true,
    );
  });

  it('fails its message as any job does once it has kept failing for hours, and outside a lane at once', async () => {
    const h = engineHarness(failing().source);
    const hoursAgo = h.clock.now().getTime() - 7 * 3600_000;
    expect(await h.run(inLane(2), 300_000, hoursAgo)).toMatchObject({ outcome: 'failed' });
    expect(await h.run(fullJob())).toMatchObject({ outcome: 'failed' });
    expect(h.sent).toHaveLength(0);
  });
});

describe('a walk lease that cannot be given back', () => {
  it('is logged and counted, and the job still completes: the lease expires with the invocation', async () => {
    const kombo = scriptedKombo((_query, cursor) => pagedRecords(records.slice(0, 10), 250)(cursor));
    const h = engineHarness(kombo.source);
    h.state.releaseWalkLease = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'completed' });
    expect(h.telemetry.counted('WalkLeaseReleaseFailed')).toBe(1);
    expect(h.telemetry.lines.some((line) => line.message.startsWith('could not give the walk lease back'))).toBe(true);
  });
});
