import { sleep } from '../backoff';
import type {
  Deadline,
  IntegrationRegistry,
  IntegrationSource,
  IntegrationStatus,
  JobQueue,
  PageSource,
  RecordStore,
  StateStore,
  Telemetry,
  WalkCounts,
} from '../ports';
import { continuationOf, jobResource } from './job';
import type { JobProgress, JobResult, RunnableJob } from './outcomes';
import type { EngineSettings } from './settings';
import { WritePacer, WritePacers } from './write-pacer';

export interface EngineDependencies {
  readonly kombo: PageSource;
  readonly records: RecordStore;
  readonly state: StateStore;
  readonly integrations: IntegrationStatus;
  /** Kombo's integration endpoint and the registry: what reconciling an integration needs. */
  readonly upstream: IntegrationSource;
  readonly registry: IntegrationRegistry;
  /** The resources this deployment syncs. */
  readonly syncResources: ReadonlySet<string>;
  readonly queue: JobQueue;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** What every part of the engine works with: its ports, its settings, its clock. */
export interface EngineContext extends Required<EngineDependencies> {
  readonly settings: EngineSettings;
  /** Per records-table partition: keeps a walk's writes under what one partition takes. */
  readonly writePacers: WritePacers;
}

export function engineContext(deps: EngineDependencies, settings: EngineSettings): EngineContext {
  const base = { now: () => new Date(), sleep, random: Math.random, ...deps };
  const pacer = () =>
    new WritePacer(
      settings.partitionWriteUnitsPerSecond,
      () => base.now().getTime(),
      (ms) => base.sleep(ms),
    );
  return { ...base, settings, writePacers: new WritePacers(pacer) };
}

export const emptyCounts = (): WalkCounts => ({
  written: 0,
  unchanged: 0,
  stale: 0,
  tombstoned: 0,
  oversized: 0,
  rejected: 0,
});

/** Kombo requests may use the time until half the margin is left; the rest is for writing and checkpointing. */
export function requestDeadline(ctx: EngineContext, deadline: Deadline): Deadline {
  return { remainingMs: () => deadline.remainingMs() - ctx.settings.timeMarginMs / 2 };
}

/** True when a step may start now: the first of an invocation always may, so each one makes progress. */
export function mayStart(ctx: EngineContext, stepsThisInvocation: number, deadline: Deadline): boolean {
  return stepsThisInvocation === 0 || deadline.remainingMs() >= ctx.settings.timeMarginMs;
}

/** Enqueues the job again to carry on from its checkpoint; `step` makes the message unique. */
export async function continueLater(
  ctx: EngineContext,
  runnable: RunnableJob,
  step: string,
  progress: JobProgress,
): Promise<JobResult> {
  const { job } = runnable;
  const target = jobResource(job) ?? job.kind;
  await ctx.queue.send([continuationOf(job, runnable.requestedAt, `continue#${target}#${step}`)]);
  ctx.telemetry.info('job continues in a new invocation', {
    integrationId: job.integrationId,
    target,
    kind: job.kind,
    step,
  });
  ctx.telemetry.count('WalksContinued');
  return { outcome: 'continued', ...progress };
}
