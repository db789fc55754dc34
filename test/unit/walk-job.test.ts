import { describe, expect, it } from 'vitest';
import { KomboCursorRejectedError, KomboPermanentError, KomboUnavailableError } from '../../lambdas/core/kombo/errors';
import type { Walk } from '../../lambdas/core/ports';
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

const records = Array.from({ length: 10 }, (_, n) => employee(n));

describe('a delta walk', () => {
  it('writes every page and moves the delta cursor to its start only after the last page', async () => {
    const kombo = scriptedKombo((_query, cursor) => pagedRecords(records, 4)(cursor));
    const h = engineHarness(kombo.source);
    const cursorsSeen: (string | undefined)[] = [];
    const save = h.state.saveWalk.bind(h.state);
    h.state.saveWalk = async (walk) => {
      cursorsSeen.push(h.state.cursorOf(INTEGRATION, RESOURCE)?.deltaCursor);
      await save(walk);
    };
    const startedAt = h.clock.now().toISOString();
    expect(await h.run(deltaJob())).toEqual({ outcome: 'completed', walks: 1, pages: 3 });
    expect(h.records.items({ integrationId: INTEGRATION, resource: RESOURCE })).toHaveLength(10);
    expect(cursorsSeen.every((cursor) => cursor === undefined)).toBe(true);
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.deltaCursor).toBe(startedAt);
    expect(h.state.walks.size).toBe(0);
  });

  it('fetches from the cursor minus the overlap on the next delta', async () => {
    const kombo = scriptedKombo(() => ({ records: [], next: null }));
    const h = engineHarness(kombo.source);
    await h.run(deltaJob());
    const cursor = h.state.cursorOf(INTEGRATION, RESOURCE)?.deltaCursor as string;
    h.clock.advance(60_000);
    await h.run(deltaJob());
    expect(kombo.requests[1]?.query.updatedAfter).toBe(
      new Date(Date.parse(cursor) - DEFAULT_ENGINE_SETTINGS.overlapMs).toISOString(),
    );
  });

  it('continues in a new invocation when time runs short, and resumes from the checkpoint', async () => {
    const kombo = scriptedKombo((_query, cursor) => pagedRecords(records, 4)(cursor));
    const h = engineHarness(kombo.source);
    let remaining = 300_000;
    const first = await h.run(deltaJob(), () => {
      const now = remaining;
      remaining = DEFAULT_ENGINE_SETTINGS.timeMarginMs - 1;
      return now;
    });
    expect(first).toMatchObject({ outcome: 'continued', pages: 1 });
    expect(h.sent).toHaveLength(1);
    expect(h.state.walks.get(`${INTEGRATION}#${RESOURCE}`)).toMatchObject({ pages: 1, next: 'p2' });
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.deltaCursor).toBeUndefined();

    const second = await h.run(h.sent[0]!.job);
    expect(second).toMatchObject({ outcome: 'completed', pages: 2 });
    expect(kombo.requests.map((request) => request.cursor)).toEqual([undefined, 'p2', 'p2', 'p3']);
    expect(h.records.items({ integrationId: INTEGRATION, resource: RESOURCE })).toHaveLength(10);
  });

  it('re-enqueues a job reached with too little time left, untouched', async () => {
    const kombo = scriptedKombo(() => {
      throw new Error('Kombo must not be asked');
    });
    const h = engineHarness(kombo.source);
    const result = await h.run(deltaJob(), DEFAULT_ENGINE_SETTINGS.timeMarginMs - 1, 1_700_000_000_000);
    expect(result).toEqual({ outcome: 'continued', walks: 0, pages: 0 });
    expect(h.sent).toEqual([
      {
        job: { ...deltaJob(), requestedAt: 1_700_000_000_000 },
        groupId: `${INTEGRATION}#${RESOURCE}`,
        deduplicationId: expect.stringMatching(new RegExp(`^${INTEGRATION}#continue#${RESOURCE}#deferred#`)),
      },
    ]);
    expect(h.state.calls).toEqual([]);
  });

  it('restarts once from the beginning when Kombo rejects the checkpointed cursor', async () => {
    let rejected = false;
    const kombo = scriptedKombo((_query, cursor) => {
      if (cursor === 'p2' && !rejected) {
        rejected = true;
        return new KomboCursorRejectedError('cursor expired', 'PLATFORM.INPUT_INVALID', 400);
      }
      return pagedRecords(records, 4)(cursor);
    });
    const h = engineHarness(kombo.source);
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'completed' });
    expect(kombo.requests.map((request) => request.cursor)).toEqual([undefined, 'p2', undefined, 'p2', 'p3']);
    expect(h.telemetry.counted('WalkRestarted')).toBe(1);
  });
});

describe('a walk that fails permanently', () => {
  const failing = () =>
    scriptedKombo((_query, cursor) =>
      cursor === 'p2'
        ? new KomboPermanentError('Kombo answered 400', 'PLATFORM.INPUT_INVALID', 422)
        : pagedRecords(records, 4)(cursor),
    );

  it('fails its job twice, keeping the checkpoint, then is abandoned on the third: cursor kept, error recorded', async () => {
    const h = engineHarness(failing().source);
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'failed', code: 'PLATFORM.INPUT_INVALID' });
    expect(h.state.walks.get(`${INTEGRATION}#${RESOURCE}`)).toMatchObject({ pages: 1, failure: { count: 1 } });
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'failed' });
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'abandoned', code: 'PLATFORM.INPUT_INVALID' });
    expect(h.state.walks.size).toBe(0);
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.deltaCursor).toBeUndefined();
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)).toMatchObject({
      lastError: { code: 'PLATFORM.INPUT_INVALID' },
      failures: 3,
    });
    expect(h.telemetry.counted('WalkAbandoned')).toBe(1);
  });

  it('counts again from one when the checkpoint moves on between failures', async () => {
    let calls = 0;
    const kombo = scriptedKombo((_query, cursor) =>
      cursor === 'p2' && ++calls === 1
        ? new KomboPermanentError('once', 'X', 400)
        : cursor === 'p3'
          ? new KomboPermanentError('then', 'X', 400)
          : pagedRecords(records, 4)(cursor),
    );
    const h = engineHarness(kombo.source);
    await h.run(deltaJob());
    await h.run(deltaJob());
    expect(h.state.walks.get(`${INTEGRATION}#${RESOURCE}`)).toMatchObject({ pages: 2, failure: { count: 1 } });
  });

  it('a failing full walk never holds up the deltas of its resource', async () => {
    let full = true;
    const kombo = scriptedKombo((query, cursor) =>
      full && cursor === 'p2' && query.updatedAfter === undefined
        ? new KomboPermanentError('bad', 'X', 400)
        : pagedRecords(records, 4)(cursor),
    );
    const h = engineHarness(kombo.source);
    expect(await h.run(fullJob())).toMatchObject({ outcome: 'failed' });
    full = false;
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'completed' });
    expect(h.telemetry.counted('WalkAbandoned')).toBe(1);
    expect(h.state.cursorOf(INTEGRATION, RESOURCE)?.deltaCursor).toEqual(expect.any(String));
  });

  it('a transient failure after progress continues from the checkpoint instead of failing the job', async () => {
    const kombo = scriptedKombo((_query, cursor) =>
      cursor === 'p2'
        ? new KomboUnavailableError('503', 'PLATFORM.UNKNOWN_ERROR', 503)
        : pagedRecords(records, 4)(cursor),
    );
    const h = engineHarness(kombo.source);
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'continued', pages: 1 });
    expect(h.sent).toHaveLength(1);
  });

  it('a transient failure before any progress fails the job, so the queue delivers it again later', async () => {
    const kombo = scriptedKombo(() => new KomboUnavailableError('503', 'PLATFORM.UNKNOWN_ERROR', 503));
    const h = engineHarness(kombo.source);
    expect(await h.run(deltaJob())).toMatchObject({ outcome: 'failed', code: 'PLATFORM.UNKNOWN_ERROR' });
    expect(h.sent).toHaveLength(0);
  });
});

describe('a full-sync job of a run that has already completed for the resource', () => {
  it('is skipped and leaves a delta walk in progress as it is', async () => {
    const kombo = scriptedKombo(() => new Error('Kombo must not be asked'));
    const h = engineHarness(kombo.source);
    const deltaInProgress: Walk = {
      integrationId: INTEGRATION,
      resource: RESOURCE,
      kind: 'delta',
      runId: undefined,
      forceSweep: false,
      startedAt: '2026-11-27T11:59:00.000Z',
      updatedAfter: '2026-11-27T10:00:00.000Z',
      next: 'cursor-page-3',
      pages: 2,
      invocations: 1,
      restarts: 0,
      counts: { written: 500, unchanged: 0, stale: 0, tombstoned: 0, oversized: 0, rejected: 0 },
      sweep: undefined,
      throttles: 0,
      failure: undefined,
    };
    await h.state.saveWalk(deltaInProgress);
    h.state.runs.add(`${INTEGRATION}#${RESOURCE}#weekly-2026-11-22`);
    expect(await h.run(fullJob('weekly-2026-11-22'))).toEqual({ outcome: 'skipped', reason: 'already-covered' });
    expect(h.state.calls).not.toContain('discardWalk');
    expect(h.state.walks.get(`${INTEGRATION}#${RESOURCE}`)).toEqual(deltaInProgress);
    expect(kombo.requests).toEqual([]);
  });
});
