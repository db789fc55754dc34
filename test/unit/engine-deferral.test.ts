import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_SETTINGS, SyncEngine, type PageSource } from '../../lambdas/core/sync/engine';
import type { QueuedJob } from '../../lambdas/core/sync/job';
import type { RecordStore, StateStore } from '../../lambdas/core/sync/ports';
import { RecordingTelemetry } from '../support/recording-telemetry';

/** The engine's time rule, without any store: a job reached too late is re-enqueued, untouched. */
const untouchable = <T extends object>(name: string) =>
  new Proxy({} as T, {
    get: (_target, method) => () => {
      throw new Error(`${name}.${String(method)} must not be called`);
    },
  });

describe('SyncEngine with too little time left', () => {
  it('re-enqueues the job (same group, original request time) without asking Kombo or the stores', async () => {
    const sent: QueuedJob[] = [];
    const engine = new SyncEngine(
      {
        kombo: untouchable<PageSource>('kombo'),
        records: untouchable<RecordStore>('records'),
        state: untouchable<StateStore>('state'),
        queue: { send: async (jobs) => void sent.push(...jobs) },
        telemetry: new RecordingTelemetry(),
        now: () => new Date('2026-11-27T12:00:00.000Z'),
      },
      DEFAULT_ENGINE_SETTINGS,
    );
    const job = { v: 1 as const, kind: 'delta' as const, integrationId: 'personio:p1', resource: 'hris/employees' };
    const result = await engine.run({ job, requestedAt: 1_700_000_000_000 }, { remainingMs: () => DEFAULT_ENGINE_SETTINGS.timeMarginMs - 1 });
    expect(result).toEqual({ outcome: 'continued', walks: 0, pages: 0 });
    expect(sent).toEqual([
      {
        job: { ...job, requestedAt: 1_700_000_000_000 },
        groupId: 'personio:p1#hris/employees',
        deduplicationId: expect.stringMatching(/^personio:p1#continue#hris\/employees#deferred#/),
      },
    ]);
  });
});
