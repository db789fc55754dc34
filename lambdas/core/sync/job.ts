import { createHash } from 'node:crypto';
import * as z from 'zod';
import { resourceDefinition } from '../kombo/catalogue';
import { MAX_BULK_LANES } from './settings';

/**
 * A sync job: the contract between the functions that enqueue work and the worker that runs it.
 * `v` versions the shape so a worker can refuse messages it does not understand.
 */
const resourceName = z.string().refine((resource) => resourceDefinition(resource) !== undefined, {
  message: 'resource is not in the catalogue',
});

export const deltaJobSchema = z.object({
  v: z.literal(1),
  kind: z.literal('delta'),
  integrationId: z.string().min(1),
  resource: resourceName,
  cause: z.object({ eventId: z.string().min(1) }).optional(),
  /**
   * Set on continuations: when the job was first requested (epoch ms). A job is satisfied by a walk
   * that started at or after this time; without it, the message's SentTimestamp counts.
   */
  requestedAt: z.number().int().positive().optional(),
});

const MAX_RUN_ID_LENGTH = 100;

/**
 * The bulk lane a job of the weekly run (or a bulk registration) is sent in: a message group shared
 * by many integrations' jobs, so that no more of them run at once than there are lanes (FIFO hands
 * out one message of a group at a time). Deltas, in their resource's own group, then never queue
 * behind the weekly run; the resource's walk lease keeps a lane job and a delta off one resource at once.
 */
const laneSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_BULK_LANES - 1);

/** A full walk: no `updated_after`, then the sweep of what vanished upstream. */
export const fullJobSchema = z.object({
  v: z.literal(1),
  kind: z.literal('full'),
  integrationId: z.string().min(1),
  resource: resourceName,
  runId: z.string().min(1).max(MAX_RUN_ID_LENGTH),
  /** The operator's word that the sweep may remove more than the brake allows. */
  forceSweep: z.boolean().optional(),
  lane: laneSchema.optional(),
  requestedAt: z.number().int().positive().optional(),
});

/** Removes every record and state item of an integration whose customer left. */
export const purgeJobSchema = z.object({
  v: z.literal(1),
  kind: z.literal('purge'),
  integrationId: z.string().min(1),
  requestedAt: z.number().int().positive().optional(),
});

/**
 * Asks Kombo about the integration and acts on the answer (state, available models, scope, gone).
 * With `runId` (the weekly run) it also plans the integration's full walks.
 */
export const reconcileJobSchema = z.object({
  v: z.literal(1),
  kind: z.literal('reconcile'),
  integrationId: z.string().min(1),
  runId: z.string().min(1).max(MAX_RUN_ID_LENGTH).optional(),
  lane: laneSchema.optional(),
  requestedAt: z.number().int().positive().optional(),
});

export const syncJobSchema = z.discriminatedUnion('kind', [
  deltaJobSchema,
  fullJobSchema,
  purgeJobSchema,
  reconcileJobSchema,
]);
export type SyncJob = z.infer<typeof syncJobSchema>;
export type DeltaJob = z.infer<typeof deltaJobSchema>;
export type FullJob = z.infer<typeof fullJobSchema>;
export type PurgeJob = z.infer<typeof purgeJobSchema>;
export type ReconcileJob = z.infer<typeof reconcileJobSchema>;
/** The jobs that walk one resource. */
export type WalkJob = DeltaJob | FullJob;
export const walkKindSchema = z.enum(['delta', 'full']);

/** A job with the FIFO keys it is sent under. */
export interface QueuedJob {
  readonly job: SyncJob;
  readonly groupId: string;
  readonly deduplicationId: string;
}

/** SQS accepts up to 128 characters of printable ASCII for group and deduplication ids. */
const SQS_ID = /^[\x21-\x7e]{1,128}$/;

function sqsSafeId(raw: string): string {
  return SQS_ID.test(raw) ? raw : createHash('sha256').update(raw).digest('hex');
}

/** One message group per (integration, resource): each runs one job at a time, in order. */
export function messageGroupId(integrationId: string, resource: string): string {
  return sqsSafeId(`${integrationId}#${resource}`);
}

/** The resource a job walks; a purge or a reconcile has none. */
export const jobResource = (job: SyncJob): string | undefined =>
  job.kind === 'purge' || job.kind === 'reconcile' ? undefined : job.resource;

/** A purge runs in a group of its own, next to the integration's resource groups. */
export const PURGE_GROUP_SUFFIX = 'purge';

/** A reconcile runs in a group of its own too. */
export const RECONCILE_GROUP_SUFFIX = 'reconcile';

/** The message group of bulk lane `lane`; no integration's group looks like it (a resource has a `/`). */
export const bulkLaneGroupId = (lane: number) => `bulk-lane#${lane}`;

/** The lane of a bulk job, spread by a hash of what it works on; undefined when lanes are off. */
export function laneOf(key: string, lanes: number): number | undefined {
  if (lanes <= 0) return undefined;
  return createHash('sha256').update(key).digest().readUInt32BE(0) % Math.min(lanes, MAX_BULK_LANES);
}

/** The message group a job belongs in. */
export function jobGroupId(job: SyncJob): string {
  if ((job.kind === 'full' || job.kind === 'reconcile') && job.lane !== undefined) return bulkLaneGroupId(job.lane);
  if (job.kind === 'purge') return messageGroupId(job.integrationId, PURGE_GROUP_SUFFIX);
  if (job.kind === 'reconcile') return messageGroupId(job.integrationId, RECONCILE_GROUP_SUFFIX);
  return messageGroupId(job.integrationId, job.resource);
}

/** The same job again, to carry on in a later invocation from the checkpoint in the state table. */
export function continuationOf(job: SyncJob, requestedAt: number, deduplicationId: string): QueuedJob {
  return {
    job: { ...job, requestedAt },
    groupId: jobGroupId(job),
    deduplicationId: sqsSafeId(`${job.integrationId}#${deduplicationId}`),
  };
}

/** Run ids come from outside (Kombo's event ids, the schedule's time); one too long for a job is hashed. */
const boundedRunId = (runId: string) =>
  runId.length <= MAX_RUN_ID_LENGTH ? runId : createHash('sha256').update(runId).digest('hex');

export function fullJob(
  integrationId: string,
  resource: string,
  anyRunId: string,
  options: { forceSweep?: boolean; lane?: number | undefined } = {},
): QueuedJob {
  const runId = boundedRunId(anyRunId);
  const job: FullJob = {
    v: 1,
    kind: 'full',
    integrationId,
    resource,
    runId,
    ...(options.forceSweep ? { forceSweep: true } : {}),
    ...(options.lane !== undefined ? { lane: options.lane } : {}),
  };
  return { job, groupId: jobGroupId(job), deduplicationId: sqsSafeId(`full#${integrationId}#${runId}#${resource}`) };
}

export function purgeJob(integrationId: string, eventId: string): QueuedJob {
  const job: PurgeJob = { v: 1, kind: 'purge', integrationId };
  return { job, groupId: jobGroupId(job), deduplicationId: sqsSafeId(`purge#${integrationId}#${eventId}`) };
}

export function deltaJobForEvent(eventId: string, integrationId: string, resource: string): QueuedJob {
  return {
    job: { v: 1, kind: 'delta', integrationId, resource, cause: { eventId } },
    groupId: messageGroupId(integrationId, resource),
    // The same event delivered again within SQS's 5-minute window is dropped by the queue. Unique
    // across groups too, although the queue deduplicates per group.
    deduplicationId: sqsSafeId(`${eventId}#${resource}`),
  };
}

/** Ask Kombo about an integration: weekly (`runId`, plans its full walks too) or after an event (`eventId`). */
export function reconcileJob(
  integrationId: string,
  reason: { runId: string; lane?: number | undefined } | { eventId: string },
): QueuedJob {
  const runId = 'runId' in reason ? boundedRunId(reason.runId) : undefined;
  const lane = 'runId' in reason ? reason.lane : undefined;
  const job: ReconcileJob = {
    v: 1,
    kind: 'reconcile',
    integrationId,
    ...(runId ? { runId } : {}),
    ...(lane !== undefined ? { lane } : {}),
  };
  const token = 'runId' in reason ? `run#${runId}` : `event#${reason.eventId}`;
  return { job, groupId: jobGroupId(job), deduplicationId: sqsSafeId(`reconcile#${integrationId}#${token}`) };
}
