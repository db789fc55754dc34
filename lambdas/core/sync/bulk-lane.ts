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

const laneOfJob = (job: SyncJob): number | undefined => ('lane' in job ? job.lane : undefined);

/** When each invocation's bulk slice ends (epoch ms), by the invocation's deadline (one object per batch). */
const sliceEnds = new WeakMap<Deadline, number>();

/**
 * The bulk jobs of one invocation share one slice of `bulkSliceMs`: none starts a page after it, and
 * one that only gets its turn after it (SQS hands out up to 10 jobs of one lane at once, run one
 * after another) goes to the back of its lane at once. The worker's invocations then end often
 * enough for a delta to find one free, and the lanes keep moving.
 */
export function sliced(ctx: EngineContext, job: SyncJob, deadline: Deadline): Deadline {
  if (laneOfJob(job) === undefined) return deadline;
  let endsAt = sliceEnds.get(deadline);
  if (endsAt === undefined) {
    endsAt = ctx.now().getTime() + ctx.settings.bulkSliceMs + ctx.settings.timeMarginMs;
    sliceEnds.set(deadline, endsAt);
  }
  const end = endsAt;
  return { remainingMs: () => Math.min(deadline.remainingMs(), end - ctx.now().getTime()) };
}

/** A failed bulk job goes to the back of its lane (logged and counted as failed), so the lane keeps moving. */
export async function keepLaneMoving(ctx: EngineContext, runnable: RunnableJob, result: JobResult): Promise<JobResult> {
  const { job } = runnable;
  const now = ctx.now().getTime();
  if (
    result.outcome !== 'failed' ||
    laneOfJob(job) === undefined ||
    now - runnable.requestedAt > LANE_RETRY_WINDOW_MS
  ) {
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
