import { KomboBudgetWaitError } from '../kombo/errors';
import type { Deadline, Walk } from '../ports';
import { deletedMeanwhile, recordFailure } from './deletion-fence';
import { continueLater, type EngineContext, emptyCounts } from './engine-context';
import { decideFailure, describeFailure } from './failure-policy';
import type { WalkJob } from './job';
import type { JobProgress, JobResult } from './outcomes';
import { sweepAfterFullWalk } from './sweep';
import { type PagesOutcome, walkPages } from './walk-runner';

type Runnable = { readonly job: WalkJob; readonly requestedAt: number };
type LogContext = Record<string, unknown>;

/** Where a walk is, for the continuation's deduplication id. */
const walkStep = (walk: Walk) =>
  `${walk.startedAt}#${walk.invocations}#${walk.pages}#${walk.sweep?.phase ?? 'fetch'}#${walk.sweep?.key ?? ''}#${walk.throttles}`;

/**
 * Runs a delta or full job for one (integration, resource): resumes the walk in progress or starts
 * one, and walks until the job is satisfied (a walk that started after the job was requested has
 * completed), time runs short, or the walk fails. The delta cursor moves only when a walk completes.
 */
export async function runWalkJob(
  ctx: EngineContext,
  runnable: Runnable,
  deadline: Deadline,
  context: LogContext,
): Promise<JobResult> {
  const { job } = runnable;
  const { state, telemetry } = ctx;
  const progress = { walks: 0, pages: 0 };
  for (;;) {
    const resource = await state.resourceState(job.integrationId, job.resource);
    let walk = resource.walk;
    // Checked before a delta walk in progress is given up for the full walk, so a repeated full job leaves it be.
    if (
      job.kind === 'full' &&
      walk?.kind !== 'full' &&
      progress.walks === 0 &&
      (await state.runCompleted(job.integrationId, job.resource, job.runId))
    ) {
      telemetry.info('job skipped: this full-sync run has already completed for the resource', {
        ...context,
        runId: job.runId,
      });
      telemetry.count('JobCoalesced');
      return { outcome: 'skipped', reason: 'already-covered' };
    }
    if (walk && walk.kind === 'delta' && job.kind === 'full') walk = await discard(ctx, walk);
    // A full walk that keeps failing never holds up the deltas: the next weekly run tries again.
    if (walk && walk.kind === 'full' && job.kind === 'delta' && walk.failure) walk = await abandon(ctx, walk, context);
    if (!walk) {
      if (job.kind === 'delta' && resource.deltaCursor && runnable.requestedAt <= Date.parse(resource.deltaCursor)) {
        if (progress.walks > 0) return { outcome: 'completed', ...progress };
        telemetry.info('job skipped: a walk that started after it was requested has completed', context);
        telemetry.count('JobCoalesced');
        return { outcome: 'skipped', reason: 'already-covered' };
      }
      if (job.kind === 'delta') await settle(ctx, runnable.requestedAt, deadline);
      walk = newWalk(ctx, job, resource.deltaCursor);
      await state.saveWalk(walk);
    }

    walk.invocations++;
    const outcome = await advance(ctx, walk, deadline, progress);
    if (outcome.status === 'out-of-time') return continueLater(ctx, runnable, walkStep(walk), progress);
    if (outcome.status === 'deleted') return droppedAsDeleted(ctx, context);
    if (outcome.status === 'failed') return onFailure(ctx, runnable, walk, outcome.error, progress, context);

    progress.walks++;
    reportCompleted(ctx, walk, outcome.durationMs, context);
    // A walk that began before the job was requested may have missed what the job announces.
    if (Date.parse(walk.startedAt) >= runnable.requestedAt) return { outcome: 'completed', ...progress };
  }
}

/** Pages, then (full walks) the sweep, then the cursor: each step's outcome as a value. */
async function advance(
  ctx: EngineContext,
  walk: Walk,
  deadline: Deadline,
  progress: { pages: number },
): Promise<Exclude<PagesOutcome, { status: 'done' }> | { readonly status: 'done'; readonly durationMs: number }> {
  const pages = await walkPages(ctx, walk, deadline, progress);
  if (pages.status !== 'done') return pages;
  if (walk.kind === 'full') {
    const swept = await sweepAfterFullWalk(ctx, walk, deadline, progress);
    if (swept.status !== 'done') return swept;
  }
  const finishedAt = ctx.now();
  const durationMs = finishedAt.getTime() - Date.parse(walk.startedAt);
  await ctx.state.completeWalk({ walk, finishedAt: finishedAt.toISOString(), durationMs });
  if (await deletedMeanwhile(ctx, walk, [])) return { status: 'deleted' };
  return { status: 'done', durationMs };
}

/** Waits out the rest of the coalescing window, if there is time for it. */
async function settle(ctx: EngineContext, requestedAt: number, deadline: Deadline): Promise<void> {
  const wait = requestedAt + ctx.settings.coalesceWindowMs - ctx.now().getTime();
  if (wait > 0 && deadline.remainingMs() - wait > ctx.settings.timeMarginMs) await ctx.sleep(wait);
}

function newWalk(ctx: EngineContext, job: WalkJob, deltaCursor: string | undefined): Walk {
  // fetchStart: taken before the first request, so nothing changed during the walk is skipped.
  const startedAt = ctx.now();
  const updatedAfter =
    job.kind === 'delta' && deltaCursor
      ? new Date(Date.parse(deltaCursor) - ctx.settings.overlapMs).toISOString()
      : undefined;
  return {
    integrationId: job.integrationId,
    resource: job.resource,
    kind: job.kind,
    runId: job.kind === 'full' ? job.runId : undefined,
    forceSweep: job.kind === 'full' && job.forceSweep === true,
    startedAt: startedAt.toISOString(),
    updatedAfter,
    next: null,
    pages: 0,
    invocations: 0,
    restarts: 0,
    counts: emptyCounts(),
    sweep: undefined,
    throttles: 0,
    failure: undefined,
  };
}

async function discard(ctx: EngineContext, walk: Walk): Promise<undefined> {
  await ctx.state.discardWalk(walk.integrationId, walk.resource);
  return undefined;
}

/** Gives up a checkpoint that keeps failing; the delta cursor stays, so the next delta re-reads from it. */
async function abandon(ctx: EngineContext, walk: Walk, context: LogContext): Promise<undefined> {
  ctx.telemetry.error('walk abandoned: it failed permanently; its checkpoint is discarded and the delta cursor kept', {
    ...context,
    walkKind: walk.kind,
    runId: walk.runId,
    pages: walk.pages,
    code: walk.failure?.code,
    failures: walk.failure?.count,
    reason: walk.failure?.message,
  });
  ctx.telemetry.count('WalkAbandoned');
  return discard(ctx, walk);
}

function droppedAsDeleted(ctx: EngineContext, context: LogContext): JobResult {
  ctx.telemetry.info('walk stopped: the integration was deleted meanwhile', context);
  ctx.telemetry.count('JobDroppedIntegrationDeleted');
  return { outcome: 'skipped', reason: 'integration-deleted' };
}

function reportCompleted(ctx: EngineContext, walk: Walk, durationMs: number, context: LogContext): void {
  const summary = {
    ...context,
    runId: walk.runId,
    pages: walk.pages,
    invocations: walk.invocations,
    durationMs,
    ...walk.counts,
  };
  if (walk.sweep) {
    const { live, candidates, recovered, swept, braked } = walk.sweep;
    ctx.telemetry.info('full sync run summary', {
      ...summary,
      live,
      sweepCandidates: candidates,
      recovered,
      swept,
      braked,
    });
  } else {
    ctx.telemetry.info('walk completed', summary);
  }
  ctx.telemetry.count('WalksCompleted');
  // The walk's start became the resource's delta cursor (or a newer walk's did): how old the mirror may be.
  ctx.telemetry.seconds('SyncLagSeconds', Math.max(0, (ctx.now().getTime() - Date.parse(walk.startedAt)) / 1000));
}

/** Turns the failure that stopped a walk into what happens to the job (see `failure-policy.ts`). */
async function onFailure(
  ctx: EngineContext,
  runnable: Runnable,
  walk: Walk,
  error: unknown,
  progress: JobProgress,
  context: LogContext,
): Promise<JobResult> {
  const { state, telemetry } = ctx;
  if (error instanceof KomboBudgetWaitError) {
    // Not a failure: the fleet's budget had no share for this walk in time. Nothing is recorded against it.
    telemetry.info('walk waits for the request budget; continuing from the checkpoint in a new invocation', context);
    return continueLater(ctx, runnable, walkStep(walk), progress);
  }
  const decision = decideFailure(error, progress.pages);
  const { code, status, message } = describeFailure(error);
  const fields = { ...context, code, status, reason: message };

  if (decision.action === 'block-integration') {
    const at = ctx.now();
    const until = new Date(at.getTime() + ctx.settings.integrationRecheckMs).toISOString();
    await ctx.integrations.blockIntegration(walk.integrationId, {
      code: code ?? 'UNKNOWN',
      until,
      at: at.toISOString(),
    });
    await state.discardWalk(walk.integrationId, walk.resource);
    telemetry.warn('integration unavailable; its jobs are skipped until it changes', { ...fields, until });
    telemetry.count('IntegrationBlocked');
    return { outcome: 'skipped', reason: 'integration-unavailable' };
  }
  if (decision.action === 'permanent') {
    const count = walk.failure?.code === code ? walk.failure.count + 1 : 1;
    walk.failure = { code, message, count };
    if (count < ctx.settings.abandonAfterFailures) await state.saveWalk(walk);
  }
  // Saved before the failure is recorded: the fence in recordFailure then also takes back the walk item.
  if ((await recordFailure(ctx, walk, { code, message })) === 'deleted') return droppedAsDeleted(ctx, context);

  switch (decision.action) {
    case 'skip': {
      await state.discardWalk(walk.integrationId, walk.resource);
      const pending = decision.reason === 'integration-setup-pending';
      telemetry.info(
        pending
          ? 'integration setup sync pending; Kombo sends data-changed when done'
          : 'resource not available for this integration',
        fields,
      );
      telemetry.count(pending ? 'JobSkippedSetupPending' : 'JobSkippedResourceUnavailable');
      return { outcome: 'skipped', reason: decision.reason };
    }
    case 'continue-later':
      telemetry.warn(
        'walk interrupted by a transient failure; continuing from the checkpoint in a new invocation',
        fields,
      );
      return continueLater(ctx, runnable, walkStep(walk), progress);
    case 'retry':
      telemetry.error('job failed; the queue delivers it again', fields);
      return { outcome: 'failed', code, reason: message };
    case 'permanent':
      if ((walk.failure?.count ?? 0) >= ctx.settings.abandonAfterFailures) {
        await abandon(ctx, walk, context);
        return { outcome: 'abandoned', code, reason: message };
      }
      telemetry.error('walk failed permanently; the queue delivers it again, and it is abandoned if it keeps failing', {
        ...fields,
        failures: walk.failure?.count,
      });
      return { outcome: 'failed', code, reason: message };
  }
}
