import * as z from 'zod';
import { configuredResourcesOf, resourceDefinition } from '../kombo/catalogue';
import { DELETED_STATE, type IntegrationRegistry, type JobQueue, type Telemetry } from '../ports';
import { fullJob, type QueuedJob, reconcileJob } from '../sync/job';

/**
 * What the full-sync function is invoked with: anything from the weekly schedule (a full sync of
 * every active integration), or an on-demand request for one integration.
 */
export const onDemandRequestSchema = z
  .object({
    integration_id: z.string().min(1),
    resources: z
      .array(
        z
          .string()
          .refine((resource) => resourceDefinition(resource) !== undefined, 'is not a resource in the catalogue'),
      )
      .min(1)
      .optional(),
    force_sweep: z.boolean().optional(),
  })
  .strict();
export type OnDemandRequest = z.infer<typeof onDemandRequestSchema>;

export interface PlanDependencies {
  readonly registry: Pick<IntegrationRegistry, 'list' | 'get'>;
  readonly queue: JobQueue;
  readonly syncResources: ReadonlySet<string>;
  readonly telemetry: Telemetry;
}

export interface PlanResult {
  readonly runId: string;
  readonly integrations: number;
  readonly skipped: { integrationId: string; state: string }[];
  readonly jobs: number;
}

export class PlanError extends Error {
  override name = 'PlanError';
}

/**
 * The weekly plan: a `reconcile` job for every registered integration that is not deleted, whatever
 * state we hold for it. Each asks Kombo about its integration (fanned out through the queue, so
 * thousands work) and plans that integration's full walks if Kombo says it is ACTIVE: a lost ACTIVE
 * is repaired within a week, a lost INACTIVE stops wasted calls.
 */
export async function planWeeklyFullSync(runId: string, deps: PlanDependencies): Promise<PlanResult> {
  const integrations = await deps.registry.list();
  const skipped: PlanResult['skipped'] = [];
  const jobs: QueuedJob[] = [];
  for (const integration of integrations) {
    if (integration.state === DELETED_STATE) {
      skipped.push({ integrationId: integration.id, state: integration.state });
      continue;
    }
    jobs.push(reconcileJob(integration.id, { runId }));
  }
  await deps.queue.send(jobs);
  const result = { runId, integrations: jobs.length, skipped, jobs: jobs.length };
  deps.telemetry.info('weekly full sync planned: every integration is reconciled with Kombo first', {
    ...result,
    skipped: skipped.length,
  });
  deps.telemetry.count('ReconcileJobsPlanned', jobs.length);
  return result;
}

/** On demand: the named resources (or every configured one) of one integration, whatever its state. */
export async function planOnDemandFullSync(
  request: OnDemandRequest,
  runId: string,
  deps: PlanDependencies,
): Promise<PlanResult> {
  let resources = request.resources;
  if (!resources) {
    const integration = await deps.registry.get(request.integration_id);
    if (!integration) {
      throw new PlanError(`integration ${request.integration_id} is not registered; name its resources explicitly`);
    }
    resources = configuredResourcesOf(integration.category, deps.syncResources);
  }
  const jobs = resources.map((resource) =>
    fullJob(request.integration_id, resource, runId, request.force_sweep === true),
  );
  await deps.queue.send(jobs);
  const result = { runId, integrations: 1, skipped: [], jobs: jobs.length };
  deps.telemetry.info('on-demand full sync planned', {
    integrationId: request.integration_id,
    resources,
    forceSweep: request.force_sweep === true,
    runId,
  });
  deps.telemetry.count('FullSyncJobsPlanned', jobs.length);
  return result;
}
