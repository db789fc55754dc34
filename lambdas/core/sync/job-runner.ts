import { reconcileIntegration } from '../lifecycle/reconcile';
import type { Deadline, IntegrationBlock } from '../ports';
import { keepLaneMoving, sliced } from './bulk-lane';
import { continueLater, type EngineContext, type EngineDependencies, engineContext } from './engine-context';
import type { SyncJob } from './job';
import type { JobResult, RunnableJob } from './outcomes';
import { purgeIntegration } from './purge';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings } from './settings';
import { runWalkJob } from './walk-job';
import { withWalkLease } from './walk-lease';

export interface JobRunner {
  run(runnable: RunnableJob, deadline: Deadline): Promise<JobResult>;
}

/** The sync engine's entry: routes a job to the purge or to a walk, after the integration's checks. */
export function createJobRunner(
  deps: EngineDependencies,
  settings: EngineSettings = DEFAULT_ENGINE_SETTINGS,
): JobRunner {
  const ctx = engineContext(deps, settings);
  return {
    run: async (runnable, deadline) => {
      const scoped = jobScoped(ctx, runnable.job);
      return keepLaneMoving(scoped, runnable, await runJob(scoped, runnable, sliced(ctx, runnable.job, deadline)));
    },
  };
}

/**
 * Every log line of a job's work carries the webhook event that caused it as its correlation id
 * (continuations keep the cause) and the run it belongs to: one job's lines are found together,
 * across invocations, even where jobs of other groups ran beside it.
 */
function jobScoped(ctx: EngineContext, job: SyncJob): EngineContext {
  const fields = {
    ...(job.kind === 'delta' && job.cause ? { correlation_id: job.cause.eventId } : {}),
    ...('runId' in job && job.runId ? { runId: job.runId } : {}),
  };
  return Object.keys(fields).length === 0 ? ctx : { ...ctx, telemetry: ctx.telemetry.with(fields) };
}

async function runJob(ctx: EngineContext, runnable: RunnableJob, deadline: Deadline): Promise<JobResult> {
  const { job } = runnable;
  // A job reached late in an invocation (behind others of its group) starts fresh in a new one.
  if (deadline.remainingMs() < ctx.settings.timeMarginMs) {
    return continueLater(ctx, runnable, `deferred#${ctx.now().getTime()}`, { walks: 0, pages: 0 });
  }
  if (job.kind === 'purge') return purgeIntegration(ctx, { job, requestedAt: runnable.requestedAt }, deadline);
  if (job.kind === 'reconcile') return reconcileIntegration(ctx, { job, requestedAt: runnable.requestedAt }, deadline);
  const integration = await ctx.integrations.integrationState(job.integrationId);
  const context = { integrationId: job.integrationId, resource: job.resource, kind: job.kind };
  if (integration?.deletedAt) {
    ctx.telemetry.info('job dropped: the integration was deleted', context);
    ctx.telemetry.count('JobDroppedIntegrationDeleted');
    return { outcome: 'skipped', reason: 'integration-deleted' };
  }
  if (integration?.block && isBlocked(integration.block, ctx.now())) {
    const { block } = integration;
    ctx.telemetry.info('job skipped: integration unavailable', {
      ...context,
      blockedBy: block.by,
      code: block.by === 'kombo' ? block.code : block.state,
    });
    ctx.telemetry.count('JobSkippedIntegrationUnavailable');
    return { outcome: 'skipped', reason: 'integration-unavailable' };
  }
  // Kombo says this model is not available: no request that would only answer MODEL_NOT_AVAILABLE.
  if (integration?.unavailableResources.includes(job.resource)) {
    ctx.telemetry.info('job skipped: the resource is not available for this integration', context);
    ctx.telemetry.count('JobSkippedResourceUnavailable');
    return { outcome: 'skipped', reason: 'resource-unavailable' };
  }
  const walkable = { job, requestedAt: runnable.requestedAt };
  return withWalkLease(ctx, walkable, deadline, context, () => runWalkJob(ctx, walkable, deadline, context));
}

/** A block by state holds until the state changes; one by a Kombo answer until it is time to ask again. */
function isBlocked(block: IntegrationBlock, now: Date): boolean {
  return block.by === 'state' || Date.parse(block.until) > now.getTime();
}
