import type { Deadline } from '../ports';
import { continueLater, type EngineContext } from './engine-context';
import { jobResource, type SyncJob } from './job';
import type { JobResult, RunnableJob } from './outcomes';

/**
 * For this long after it was first requested, a bulk job that failed goes to the back of its lane
 * instead of failing its message: a failed message holds its whole FIFO group (the lane, many
 * integrations' jobs) until the queue delivers it again. Later it fails as any job does, so one that
 * never succeeds ends in the dead-letter queue.
 */
export const LANE_RETRY_WINDOW_MS = 6 * 3600_000;

const laneOf = (job: SyncJob): number | undefined => ('lane' in job ? job.lane : undefined);

/**
 * A job in a bulk lane starts no new page after `bulkSliceMs` and continues in a new invocation: the
 * worker's invocations then end often enough for a delta to find one free, and the lane moves on.
 */
export function sliced(ctx: EngineContext, job: SyncJob, deadline: Deadline): Deadline {
  if (laneOf(job) === undefined) return deadline;
  const endsAt = ctx.now().getTime() + ctx.settings.bulkSliceMs + ctx.settings.timeMarginMs;
  return { remainingMs: () => Math.min(deadline.remainingMs(), endsAt - ctx.now().getTime()) };
}

/** A failed bulk job goes to the back of its lane (logged and counted as failed), so the lane keeps moving. */
export async function keepLaneMoving(ctx: EngineContext, runnable: RunnableJob, result: JobResult): Promise<JobResult> {
  const { job } = runnable;
  const now = ctx.now().getTime();
  if (result.outcome !== 'failed' || laneOf(job) === undefined || now - runnable.requestedAt > LANE_RETRY_WINDOW_MS) {
    return result;
  }
  ctx.telemetry.error('bulk job failed; it goes to the back of its lane, so the other jobs of the lane go on', {
    integrationId: job.integrationId,
    resource: jobResource(job),
    kind: job.kind,
    code: result.code,
    reason: result.reason,
  });
  // Counted here, since the batch sees the job continued: the JobsFailed alarm still sees every failure.
  ctx.telemetry.count('JobsFailed');
  return continueLater(ctx, runnable, `failed#${now}`, { walks: 0, pages: 0 });
}
