import { createHash } from 'node:crypto';
import { z } from 'zod';
import { resourceDefinition } from '../kombo/catalogue';

/**
 * A sync job: the contract between the functions that enqueue work and the worker that runs it.
 * `v` versions the shape so a worker can refuse messages it does not understand.
 */
const resourceName = z
  .string()
  .refine((resource) => resourceDefinition(resource) !== undefined, {
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

export const syncJobSchema = z.discriminatedUnion('kind', [deltaJobSchema]);
export const syncJobKindSchema = z.enum(['delta']);
export type SyncJob = z.infer<typeof syncJobSchema>;
export type DeltaJob = z.infer<typeof deltaJobSchema>;

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

/** The same job again, to carry on in a later invocation from the checkpoint in the state table. */
export function continuationOf(job: SyncJob, requestedAt: number, deduplicationId: string): QueuedJob {
  return {
    job: { ...job, requestedAt },
    groupId: messageGroupId(job.integrationId, job.resource),
    deduplicationId: sqsSafeId(deduplicationId),
  };
}

export function deltaJobForEvent(eventId: string, integrationId: string, resource: string): QueuedJob {
  return {
    job: { v: 1, kind: 'delta', integrationId, resource, cause: { eventId } },
    groupId: messageGroupId(integrationId, resource),
    // The same event delivered again within SQS's 5-minute window is dropped by the queue.
    deduplicationId: sqsSafeId(`${eventId}#${resource}`),
  };
}
