import * as z from 'zod';
import { configuredResourcesOf, resourceDefinition } from '../kombo/catalogue';
import { DELETED_STATE, type IntegrationRegistry, type JobQueue, type Telemetry } from '../ports';
import { fullJob, laneOf, type QueuedJob, reconcileJob } from '../sync/job';
import { MAX_SPREAD_SLOTS, spreadSlot } from './spread-slot';

/**
 * What the full-sync function is invoked with for one integration, on demand (a schedule's event is
 * `scheduledRunSchema`'s, below).
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

const isDateTime = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/**
 * What a schedule invokes the function with. A run spread over slots (lib/weekly-full-sync.ts) has a
 * schedule per slot, each naming its slot, how many there are and how far apart they fire; without
 * those fields (an operator, the local runtime) one invocation plans the whole run.
 */
export const scheduledRunSchema = z
  .object({
    source: z.literal('schedule'),
    scheduled_time: z.unknown().optional(),
    slot: z.number().int().min(0).optional(),
    slots: z.number().int().min(1).max(MAX_SPREAD_SLOTS).optional(),
    slot_minutes: z.number().int().min(1).optional(),
  })
  .superRefine((event, ctx) => {
    const fields = ['slot', 'slots', 'slot_minutes'] as const;
    const given = fields.filter((field) => event[field] !== undefined);
    if (given.length === 0) return;
    for (const field of fields.filter((field) => event[field] === undefined))
      ctx.addIssue({ code: 'custom', path: [field], message: `is required with ${given.join(', ')}` });
    if (event.slot !== undefined && event.slots !== undefined && event.slot >= event.slots)
      ctx.addIssue({ code: 'custom', path: ['slot'], message: `must be less than slots (${event.slots})` });
    // The slots' run id is worked out from it: without it, each slot would name a run of its own.
    if (!isDateTime(event.scheduled_time))
      ctx.addIssue({
        code: 'custom',
        path: ['scheduled_time'],
        message: 'must be a date and time when slot fields are given',
      });
  });
export type ScheduledRun = z.infer<typeof scheduledRunSchema>;

/** One invocation's share of a weekly run: the integrations of slot `slot` of `slots` (0 of 1: every one). */
export interface WeeklyRun {
  readonly runId: string;
  readonly slot: number;
  readonly slots: number;
}

/**
 * The run a scheduled invocation belongs to, named by its first slot's scheduled time (the slot's own,
 * less `slot` × `slot_minutes`): every slot of one run, and every retry of one slot, has the same run
 * id, so their full walks share it and a retried slot enqueues the same (deduplicated) jobs.
 */
export function weeklyRunOf(event: ScheduledRun, now: Date): WeeklyRun {
  const scheduled = isDateTime(event.scheduled_time) ? new Date(event.scheduled_time) : now;
  const { slot = 0, slots = 1, slot_minutes: slotMinutes = 0 } = event;
  return { runId: new Date(scheduled.getTime() - slot * slotMinutes * 60_000).toISOString(), slot, slots };
}

export interface PlanDependencies {
  readonly registry: Pick<IntegrationRegistry, 'list' | 'get'>;
  readonly queue: JobQueue;
  readonly syncResources: ReadonlySet<string>;
  readonly telemetry: Telemetry;
  /** Lanes the weekly run's reconcile jobs are spread over (0: each in its integration's group). */
  readonly bulkLanes: number;
}

export interface PlanResult {
  readonly runId: string;
  readonly integrations: number;
  readonly skipped: { integrationId: string; state: string }[];
  readonly jobs: number;
}

/** The weekly plan's result names the slot it planned. */
export interface WeeklyPlanResult extends PlanResult {
  readonly slot: number;
  readonly slots: number;
}

export class PlanError extends Error {
  override name = 'PlanError';
}

/**
 * The weekly plan: a `reconcile` job for every registered integration of the run's slot that is not
 * deleted, whatever state we hold for it. Each asks Kombo about its integration (fanned out through the
 * queue, so thousands work) and plans that integration's full walks if Kombo says it is ACTIVE: a lost
 * ACTIVE is repaired within a week, a lost INACTIVE stops wasted calls. Spread over slots, the run's
 * Kombo calls come a slot at a time instead of all at once.
 */
export async function planWeeklyFullSync(run: WeeklyRun, deps: PlanDependencies): Promise<WeeklyPlanResult> {
  const integrations = (await deps.registry.list()).filter(
    (integration) => spreadSlot(integration.id, run.slots) === run.slot,
  );
  const skipped: PlanResult['skipped'] = [];
  const jobs: QueuedJob[] = [];
  for (const integration of integrations) {
    if (integration.state === DELETED_STATE) {
      skipped.push({ integrationId: integration.id, state: integration.state });
      continue;
    }
    const lane = laneOf(`${integration.id}#reconcile`, deps.bulkLanes);
    jobs.push(reconcileJob(integration.id, { runId: run.runId, lane }));
  }
  await deps.queue.send(jobs);
  const result = { ...run, integrations: jobs.length, skipped, jobs: jobs.length };
  deps.telemetry.info('weekly full sync planned: every integration of the slot is reconciled with Kombo first', {
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
    fullJob(request.integration_id, resource, runId, { forceSweep: request.force_sweep === true }),
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
