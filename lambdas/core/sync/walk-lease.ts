import { randomUUID } from 'node:crypto';
import { errorMessage } from '../describe';
import type { Deadline } from '../ports';
import { continueLater, type EngineContext } from './engine-context';
import type { WalkJob } from './job';
import type { JobResult } from './outcomes';

/** How long a job waits before asking again for a lease another job holds. */
const LEASE_POLL_MS = 500;
/**
 * How long a job waits for the lease in one invocation before it goes back to the queue: a holder
 * that crashed keeps the lease until its own deadline, and the worker's other groups need the slot.
 */
const MAX_LEASE_WAIT_MS = 10_000;

/**
 * Runs a walk job holding the resource's walk lease: a bulk-lane job and the resource's deltas (in
 * different message groups) never walk one resource at once. A job finding the lease taken waits for
 * it a while (at most 10 s, and while it has time), else continues in a new invocation. The lease lasts until the invocation's
 * deadline at most (a crashed holder's lease expires with it), and is given back before returning.
 */
export async function withWalkLease(
  ctx: EngineContext,
  runnable: { readonly job: WalkJob; readonly requestedAt: number },
  deadline: Deadline,
  context: Record<string, unknown>,
  walk: () => Promise<JobResult>,
): Promise<JobResult> {
  const { job } = runnable;
  const owner = randomUUID();
  let waitedMs = 0;
  for (;;) {
    const nowMs = ctx.now().getTime();
    const lease = { owner, nowMs, untilMs: nowMs + deadline.remainingMs() };
    if (await ctx.state.acquireWalkLease(job.integrationId, job.resource, lease)) break;
    if (waitedMs >= MAX_LEASE_WAIT_MS || deadline.remainingMs() - LEASE_POLL_MS < ctx.settings.timeMarginMs) {
      ctx.telemetry.info('another job walks the resource; this one continues in a new invocation', context);
      return continueLater(ctx, runnable, `lease#${nowMs}`, { walks: 0, pages: 0 });
    }
    await ctx.sleep(LEASE_POLL_MS);
    waitedMs += LEASE_POLL_MS;
  }
  if (waitedMs > 0)
    ctx.telemetry.info('waited for another job to finish walking the resource', { ...context, waitedMs });
  try {
    return await walk();
  } finally {
    await ctx.state.releaseWalkLease(job.integrationId, job.resource, owner).catch((error: unknown) => {
      // It expires with this invocation's deadline; the next job waits that long at most.
      ctx.telemetry.warn('could not give the walk lease back; it expires with this invocation', {
        ...context,
        reason: errorMessage(error),
      });
      ctx.telemetry.count('WalkLeaseReleaseFailed');
    });
  }
}
