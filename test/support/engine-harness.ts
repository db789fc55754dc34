import type { KomboRecord } from '../../lambdas/core/kombo/responses';
import type { IntegrationRegistry, IntegrationSource, PageSource } from '../../lambdas/core/ports';
import type { QueuedJob, SyncJob } from '../../lambdas/core/sync/job';
import { createJobRunner } from '../../lambdas/core/sync/job-runner';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from '../../lambdas/core/sync/settings';
import { manualClock } from './fake-kombo-http';
import { MemoryRecordStore, MemoryStateStore } from './memory-stores';
import { RecordingTelemetry } from './recording-telemetry';
import { unused } from './scripted-kombo';

export const INTEGRATION = 'personio:unit';
export const RESOURCE = 'hris/employees';

export const employee = (
  n: number,
  changedAt = '2026-11-20T10:00:00.000Z',
  extra: Record<string, unknown> = {},
): KomboRecord => ({
  id: `emp-${String(n).padStart(4, '0')}`,
  remote_id: `r-${n}`,
  changed_at: changedAt,
  remote_deleted_at: null,
  first_name: `Person ${n}`,
  ...extra,
});

/** The engine on in-memory stores and a hand-moved clock; sleeps move the clock instead of waiting. */
export function engineHarness(kombo: PageSource, settings: Partial<EngineSettings> = {}) {
  const clock = manualClock('2026-11-27T12:00:00.000Z');
  const records = new MemoryRecordStore();
  const state = new MemoryStateStore();
  const telemetry = new RecordingTelemetry();
  const sent: QueuedJob[] = [];
  const sleeps: number[] = [];
  const runner = createJobRunner(
    {
      kombo,
      records,
      state,
      integrations: state,
      upstream: unused<IntegrationSource>('upstream'),
      registry: unused<IntegrationRegistry>('registry'),
      syncResources: new Set([RESOURCE]),
      queue: { send: async (jobs) => void sent.push(...jobs) },
      telemetry,
      now: clock.now,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
      random: () => 0.5,
    },
    { ...DEFAULT_ENGINE_SETTINGS, coalesceWindowMs: 0, ...settings },
  );
  /** Runs a job with `remainingMs` of time, fixed unless a function is given. */
  const run = (
    job: SyncJob,
    remainingMs: number | (() => number) = 300_000,
    requestedAt = clock.now().getTime() - 1_000,
  ) =>
    runner.run(
      { job, requestedAt },
      { remainingMs: typeof remainingMs === 'number' ? () => remainingMs : remainingMs },
    );
  return { clock, records, state, telemetry, sent, sleeps, run, runner };
}

export const deltaJob = (resource = RESOURCE): SyncJob => ({
  v: 1,
  kind: 'delta',
  integrationId: INTEGRATION,
  resource,
});
export const fullJob = (runId = 'weekly-1', resource = RESOURCE): SyncJob => ({
  v: 1,
  kind: 'full',
  integrationId: INTEGRATION,
  resource,
  runId,
});

/** `count` records served in pages of `size`, cursors `p2`, `p3`, … */
export function pagedRecords(records: readonly KomboRecord[], size: number) {
  return (cursor: string | undefined) => {
    const page = cursor === undefined ? 1 : Number(cursor.slice(1));
    const slice = records.slice((page - 1) * size, page * size);
    return { records: slice, next: page * size < records.length ? `p${page + 1}` : null };
  };
}
