import type { SyncJob } from './job';

/** A job as the worker runs it: possibly several messages of one group, coalesced. */
export interface RunnableJob {
  readonly job: SyncJob;
  /** Epoch ms: a walk that started at or after this satisfies the job. */
  readonly requestedAt: number;
}

/** How far a job got in this invocation. */
export interface JobProgress {
  readonly walks: number;
  readonly pages: number;
}

export type SkipReason =
  | 'already-covered'
  | 'integration-deleted'
  | 'integration-unavailable'
  | 'integration-setup-pending'
  | 'resource-unavailable';

/**
 * What became of a job. Only `failed` makes the queue deliver its messages again; every other
 * outcome acknowledges them.
 */
export type JobResult =
  | ({ readonly outcome: 'completed' } & JobProgress)
  /** Carries on from its checkpoint in a new invocation (a continuation message is queued). */
  | ({ readonly outcome: 'continued' } & JobProgress)
  | { readonly outcome: 'skipped'; readonly reason: SkipReason }
  /** The walk failed permanently too often; its checkpoint is gone, the delta cursor kept. */
  | { readonly outcome: 'abandoned'; readonly code: string | null; readonly reason: string }
  | { readonly outcome: 'failed'; readonly code: string | null; readonly reason: string };
