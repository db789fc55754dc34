import { KomboBudgetWaitError, KomboIntegrationUnavailableError } from '../kombo/errors';
import {
  ACTIVE_STATE,
  DELETED_STATE,
  type Deadline,
  type IntegrationDetails,
  type RegisteredIntegration,
} from '../ports';
import { continueLater, type EngineContext, requestDeadline } from '../sync/engine-context';
import { describeFailure } from '../sync/failure-policy';
import { fullJob, laneOf, purgeJob, type ReconcileJob } from '../sync/job';
import type { JobResult } from '../sync/outcomes';
import { availabilityOf } from './availability';

const NOT_FOUND = 'PLATFORM.INTEGRATION_NOT_FOUND';

/**
 * Asks Kombo about one registered integration and acts on the answer, so that no lost or late
 * lifecycle webhook decides alone: its state (blocked or not), which models are available (the
 * others are not planned), whether its scope changed (`data_expired_at`: every resource is walked
 * in full, so data the customer opted out of leaves the mirror), and whether Kombo still knows it
 * (missing twice, `missingPurgeMs` apart, it is purged as on `integration-deleted`). The weekly
 * run (`runId`) also plans its full walks.
 */
export async function reconcileIntegration(
  ctx: EngineContext,
  runnable: { job: ReconcileJob; requestedAt: number },
  deadline: Deadline,
): Promise<JobResult> {
  const { job } = runnable;
  const id = job.integrationId;
  const context = { integrationId: id, kind: 'reconcile', runId: job.runId };
  const registered = await ctx.registry.get(id);
  if (!registered || registered.state === DELETED_STATE) {
    ctx.telemetry.info('reconcile skipped: the integration is not registered, or deleted', context);
    return { outcome: 'skipped', reason: 'integration-deleted' };
  }
  let details: IntegrationDetails;
  try {
    // The weekly run's reconciles wait their turn; one after a lifecycle event is answered first.
    const priority = job.runId === undefined ? 'realtime' : 'bulk';
    details = await ctx.upstream.getIntegration(id, requestDeadline(ctx, deadline), priority);
  } catch (error) {
    if (error instanceof KomboIntegrationUnavailableError && error.code === NOT_FOUND) {
      return onMissing(ctx, registered, context);
    }
    if (error instanceof KomboBudgetWaitError) {
      ctx.telemetry.info('reconcile waits for the request budget; it continues in a new invocation', context);
      return continueLater(ctx, runnable, `budget#${ctx.now().getTime()}`, { walks: 0, pages: 0 });
    }
    const { code, message } = describeFailure(error);
    ctx.telemetry.error('reconcile failed; the queue delivers it again', { ...context, code, reason: message });
    return { outcome: 'failed', code, reason: message };
  }
  return onFound(ctx, runnable, registered, details, context);
}

async function onFound(
  ctx: EngineContext,
  runnable: { job: ReconcileJob; requestedAt: number },
  registered: RegisteredIntegration,
  details: IntegrationDetails,
  context: Record<string, unknown>,
): Promise<JobResult> {
  const { job } = runnable;
  const id = registered.id;
  const at = ctx.now().toISOString();
  if (registered.missingSince) await ctx.registry.clearMissing(id);
  // Kombo's answer now is newer than any event still on its way, so it is stored as of now.
  const state = await ctx.registry.setState({
    id,
    tool: details.tool,
    category: details.category,
    state: details.status,
    originId: details.originId,
    at,
    updatedAt: at,
  });
  if (state === 'deleted') return { outcome: 'skipped', reason: 'integration-deleted' };

  const before = await ctx.integrations.integrationState(id);
  const availability = availabilityOf(details, ctx.syncResources, before);
  await ctx.integrations.saveUpstream(id, {
    unavailableResources: availability.unavailable,
    dataExpiredAt: details.dataExpiredAt ?? undefined,
  });
  if (details.status !== ACTIVE_STATE) {
    ctx.telemetry.info('integration reconciled: not active, its jobs are skipped', {
      ...context,
      state: details.status,
    });
    ctx.telemetry.count('IntegrationsReconciled');
    return { outcome: 'completed', walks: 0, pages: 0 };
  }
  const wasBlocked = registered.state !== ACTIVE_STATE || before?.block !== undefined;
  // The weekly run walks everything available; otherwise only what the answer calls for.
  const walkAll = job.runId !== undefined || wasBlocked || availability.scopeChanged;
  const resources = walkAll ? availability.available : availability.newlyAvailable;
  const runId = job.runId ?? `reconcile-${runnable.requestedAt}`;
  // The weekly run's and a bulk registration's walks go in the bulk lanes; the others in their resource's group.
  const lane = (resource: string) =>
    job.runId === undefined ? undefined : laneOf(`${id}#${resource}`, ctx.settings.bulkLanes);
  await ctx.queue.send(resources.map((resource) => fullJob(id, resource, runId, { lane: lane(resource) })));
  ctx.telemetry.info('integration reconciled', {
    ...context,
    state: details.status,
    unavailable: availability.unavailable,
    scopeChanged: availability.scopeChanged,
    unblocked: wasBlocked,
    fullWalks: resources,
  });
  ctx.telemetry.count('IntegrationsReconciled');
  if (availability.scopeChanged) ctx.telemetry.count('IntegrationScopeChanged');
  return { outcome: 'completed', walks: 0, pages: 0 };
}

/** One answer alone never deletes data: the first marks it missing, one `missingPurgeMs` later purges. */
async function onMissing(
  ctx: EngineContext,
  registered: RegisteredIntegration,
  context: Record<string, unknown>,
): Promise<JobResult> {
  const now = ctx.now();
  const since = await ctx.registry.markMissing(registered.id, now.toISOString());
  const missingForMs = now.getTime() - Date.parse(since);
  if (missingForMs < ctx.settings.missingPurgeMs) {
    ctx.telemetry.warn(
      'Kombo does not know the integration; its data is kept, and purged if it is still missing later',
      {
        ...context,
        missingSince: since,
        purgeAfterDays: ctx.settings.missingPurgeMs / 86_400_000,
      },
    );
    ctx.telemetry.count('IntegrationMissing');
    return { outcome: 'completed', walks: 0, pages: 0 };
  }
  await ctx.registry.markDeleted({
    id: registered.id,
    tool: registered.tool,
    category: registered.category,
    at: now.toISOString(),
  });
  await ctx.queue.send([purgeJob(registered.id, `missing-${since}`)]);
  ctx.telemetry.warn('integration missing upstream since long enough: purged as if deleted', {
    ...context,
    missingSince: since,
  });
  ctx.telemetry.count('IntegrationsPurgedMissing');
  return { outcome: 'completed', walks: 0, pages: 0 };
}
