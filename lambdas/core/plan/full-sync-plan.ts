import { z } from 'zod';
import { configuredResourcesOf, resourceDefinition } from '../kombo/catalogue';
import { ACTIVE_STATE, type IntegrationRegistry, type JobQueue, type Telemetry } from '../ports';
import { fullJob, type QueuedJob } from '../sync/job';

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

/** The weekly plan: a `full` job for every configured resource of every active integration. */
export async function planWeeklyFullSync(runId: string, deps: PlanDependencies): Promise<PlanResult> {
  const integrations = await deps.registry.list();
  const skipped: PlanResult['skipped'] = [];
  const jobs: QueuedJob[] = [];
  for (const integration of integrations) {
    if (integration.state !== ACTIVE_STATE) {
      skipped.push({ integrationId: integration.id, state: integration.state });
      continue;
    }
    for (const resource of configuredResourcesOf(integration.category, deps.syncResources)) {
      jobs.push(fullJob(integration.id, resource, runId));
    }
  }
  await deps.queue.send(jobs);
  const result = { runId, integrations: integrations.length - skipped.length, skipped, jobs: jobs.length };
  deps.telemetry.info('weekly full sync planned', { ...result, skipped: skipped.length });
  deps.telemetry.count('FullSyncJobsPlanned', jobs.length);
  for (const { integrationId, state } of skipped)
    deps.telemetry.info('full sync skips an integration that is not active', { integrationId, state });
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
