import type { RecordItem } from './record-item';
import type { QueuedJob, SyncJob } from './job';

/**
 * What the sync engine needs from the outside world. The DynamoDB and SQS implementations live in
 * `store/`; the engine itself knows no AWS types.
 */

/** What happened to one record write. */
export type WriteOutcome =
  /** Stored: new, changed, or a tombstone. */
  | 'written'
  /** Same `changed_at` and content as stored. */
  | 'unchanged'
  /** We already hold newer data (a later `changed_at`); the write was refused. */
  | 'stale';

export interface RecordStore {
  /**
   * Stores the item unless the stored one has a later `changed_at`, or the same one and the same
   * content. With `markSeen`, a refused write still records that the walk saw the record.
   */
  write(item: RecordItem, options: { markSeen: boolean }): Promise<WriteOutcome>;
}

export interface WalkCounts {
  written: number;
  unchanged: number;
  stale: number;
  tombstoned: number;
  /** Stored compressed or as metadata only because of their size. */
  oversized: number;
}

/** A walk through every page of one resource: a delta (with `updated_after`) or a full one. */
export interface Walk {
  readonly integrationId: string;
  readonly resource: string;
  readonly kind: SyncJob['kind'];
  readonly runId: string | undefined;
  /** When we started fetching (before the first request): the next delta cursor. ISO 8601. */
  readonly startedAt: string;
  readonly updatedAfter: string | undefined;
  /** Kombo's cursor for the next page; null before the first page and after the last. */
  next: string | null;
  pages: number;
  invocations: number;
  counts: WalkCounts;
}

export interface ResourceState {
  /** ISO 8601: the start of the last completed walk. Deltas fetch from here minus the overlap. */
  readonly deltaCursor: string | undefined;
  readonly walk: Walk | undefined;
}

export interface IntegrationState {
  /** Set when Kombo says the integration cannot be read; jobs are skipped until `blockedUntil`. */
  readonly blockedCode: string | undefined;
  readonly blockedUntil: string | undefined;
}

export interface WalkSummary {
  readonly walk: Walk;
  readonly finishedAt: string;
  readonly durationMs: number;
}

export interface StateStore {
  resourceState(integrationId: string, resource: string): Promise<ResourceState>;
  integrationState(integrationId: string): Promise<IntegrationState | undefined>;
  saveWalk(walk: Walk): Promise<void>;
  /** Moves the delta cursor to the walk's start (never backwards), records the summary, drops the walk. */
  completeWalk(summary: WalkSummary): Promise<void>;
  discardWalk(integrationId: string, resource: string): Promise<void>;
  recordFailure(integrationId: string, resource: string, failure: { at: string; code: string | null; message: string }): Promise<void>;
  blockIntegration(integrationId: string, block: { code: string; until: string; at: string }): Promise<void>;
}

/** Where jobs go: the sync-jobs queue. */
export interface JobQueue {
  /** Resolves only when every job was accepted by the queue; otherwise throws. */
  send(jobs: readonly QueuedJob[]): Promise<void>;
}
