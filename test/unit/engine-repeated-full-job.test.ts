import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE_SETTINGS, SyncEngine, type PageSource } from '../../lambdas/core/sync/engine';
import type { RecordStore, StateStore, Walk } from '../../lambdas/core/sync/ports';
import { RecordingTelemetry } from '../support/recording-telemetry';

const unexpected = <T extends object>(name: string, allowed: Partial<T>, calls: string[]) =>
  new Proxy(allowed, {
    get: (target, method) => {
      calls.push(`${name}.${String(method)}`);
      const own = (target as Record<string | symbol, unknown>)[method];
      if (own) return own;
      return () => {
        throw new Error(`${name}.${String(method)} must not be called`);
      };
    },
  }) as T;

describe('a full-sync job of a run that has already completed for the resource', () => {
  it('is skipped and leaves a delta walk in progress as it is', async () => {
    const deltaInProgress: Walk = {
      integrationId: 'personio:p1',
      resource: 'hris/employees',
      kind: 'delta',
      runId: undefined,
      forceSweep: false,
      startedAt: '2026-11-27T11:59:00.000Z',
      updatedAfter: '2026-11-27T10:00:00.000Z',
      next: 'cursor-page-3',
      pages: 2,
      invocations: 1,
      restarts: 0,
      counts: { written: 500, unchanged: 0, stale: 0, tombstoned: 0, oversized: 0 },
      sweep: undefined,
    };
    const calls: string[] = [];
    const state = unexpected<StateStore>(
      'state',
      {
        integrationState: async () => undefined,
        resourceState: async () => ({ deltaCursor: '2026-11-27T10:05:00.000Z', walk: deltaInProgress }),
        runCompleted: async (_id: string, _resource: string, runId: string) => runId === 'weekly-2026-11-22',
      },
      calls,
    );
    const engine = new SyncEngine(
      {
        kombo: unexpected<PageSource>('kombo', {}, calls),
        records: unexpected<RecordStore>('records', {}, calls),
        state,
        queue: { send: async () => void calls.push('queue.send') },
        telemetry: new RecordingTelemetry(),
        now: () => new Date('2026-11-27T12:00:00.000Z'),
      },
      DEFAULT_ENGINE_SETTINGS,
    );
    const job = { v: 1 as const, kind: 'full' as const, integrationId: 'personio:p1', resource: 'hris/employees', runId: 'weekly-2026-11-22' };
    const result = await engine.run({ job, requestedAt: Date.parse('2026-11-22T02:00:00.000Z') }, { remainingMs: () => 300_000 });
    expect(result).toEqual({ outcome: 'skipped', reason: 'already-covered' });
    expect(calls).not.toContain('state.discardWalk');
    expect(calls.filter((call) => call.startsWith('kombo.') || call.startsWith('records.') || call === 'queue.send')).toEqual([]);
  });
});
