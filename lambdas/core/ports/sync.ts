import type { WalkJob } from '../sync/job';
import type { RecordItem } from '../sync/record-item';

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

/**
 * What a record write came to. DynamoDB's refusals are values, not exceptions: a record DynamoDB
 * will not take (`rejected`) is the record's problem, and a throttled write (`throttled`, after the
 * client's own retries) means "later", neither a reason to fail the page.
 */
export type WriteResult =
  | { readonly outcome: WriteOutcome }
  /** DynamoDB refused the item itself (a ValidationException); `reason` is DynamoDB's message. */
  | { readonly outcome: 'rejected'; readonly reason: string }
  | { readonly outcome: 'throttled' };

/** One page of a scan through a resource's stored records, and where the next one starts. */
export interface ScanPage<T> {
  readonly result: T;
  /** Opaque; undefined after the last page. */
  readonly nextKey: string | undefined;
}

/** What the records table holds of a record: enough to tell new, newer, unchanged and stale apart. */
export interface StoredVersion {
  readonly changedAt: string;
  readonly dataHash: string;
}

/** A batch request's outcome, refusals and throttles as values (see WriteResult). */
export type BatchResult<T> =
  | { readonly outcome: 'done'; readonly value: T }
  | { readonly outcome: 'rejected'; readonly reason: string }
  | { readonly outcome: 'throttled' };

export interface RecordStore {
  /**
   * The stored `changed_at` and content hash of these records (absent: not stored), read in batches
   * with a projection: an unchanged record then costs half a read unit instead of a refused write.
   */
  storedVersions(
    partition: { integrationId: string; resource: string },
    ids: readonly string[],
  ): Promise<BatchResult<Map<string, StoredVersion>>>;
  /**
   * Writes items the batch read showed absent, in batches, without a condition: walks of one
   * resource are serialized by their message group, and the purge fence re-checks after every page.
   * The batches go side by side; `refused` holds the sort keys of every batch DynamoDB refused (the
   * caller writes those items one by one), all others are stored.
   */
  putNew(items: readonly RecordItem[]): Promise<BatchResult<{ readonly refused: readonly string[] }>>;
  /**
   * Stores the item unless the stored one has a later `changed_at`, or the same one and the same
   * content. With `createIfAbsent: false` the item only replaces a stored one; nothing stored counts
   * as unchanged. A refused write is told apart (unchanged or stale) by a consistent read.
   */
  write(item: RecordItem, options?: { createIfAbsent?: boolean }): Promise<WriteResult>;
  /** Counts live (not tombstoned) items, and the candidates among them: not `seen`, last written before `before`. */
  countSweepCandidates(
    partition: { integrationId: string; resource: string },
    before: string,
    seen: ReadonlySet<string>,
    startKey: string | undefined,
  ): Promise<ScanPage<{ live: number; candidates: number }>>;
  /** One page of the ids of live items not `seen` and last written before `before`. */
  sweepCandidates(
    partition: { integrationId: string; resource: string },
    before: string,
    seen: ReadonlySet<string>,
    startKey: string | undefined,
  ): Promise<ScanPage<{ ids: string[] }>>;
  /**
   * Turns these items into tombstones if they are still live and last synced before `before`; an
   * item written since (by a delta during the walk) is spared by the write's condition.
   */
  tombstone(
    partition: { integrationId: string; resource: string },
    ids: readonly string[],
    before: string,
    tombstone: { at: string; expiresAt: number },
  ): Promise<number>;
  /** Deletes these items of a resource; idempotent. */
  remove(partition: { integrationId: string; resource: string }, ids: readonly string[]): Promise<void>;
  /** Deletes one page of a resource's items; idempotent. */
  purge(
    partition: { integrationId: string; resource: string },
    startKey: string | undefined,
  ): Promise<ScanPage<{ deleted: number }>>;
}

export interface WalkCounts {
  written: number;
  unchanged: number;
  stale: number;
  tombstoned: number;
  /** Stored compressed or as metadata only because of their size. */
  oversized: number;
  /** Refused by DynamoDB as they were: stored compressed, as metadata only, or not at all. */
  rejected: number;
}

/** The sweep after a full walk: first a count (for the brake), then the tombstoning. */
export interface SweepProgress {
  phase: 'count' | 'sweep' | 'done';
  key: string | undefined;
  live: number;
  candidates: number;
  /** Candidates Kombo still returned when asked for them by id: missed by the walk, not gone. */
  recovered: number;
  swept: number;
  braked: boolean;
}

/** A walk through every page of one resource: a delta (with `updated_after`) or a full one. */
export interface Walk {
  readonly integrationId: string;
  readonly resource: string;
  readonly kind: WalkJob['kind'];
  readonly runId: string | undefined;
  readonly forceSweep: boolean;
  /** When we started fetching (before the first request): the next delta cursor. ISO 8601. */
  readonly startedAt: string;
  readonly updatedAfter: string | undefined;
  /** Kombo's cursor for the next page; null before the first page and after the last. */
  next: string | null;
  pages: number;
  invocations: number;
  /** Restarts from the beginning after Kombo rejected a checkpointed cursor (at most one). */
  restarts: number;
  counts: WalkCounts;
  /** Full walks, once every page is written. */
  sweep: SweepProgress | undefined;
  /** Throttled page writes in a row: how long the walk backs off before writing again. */
  throttles: number;
  /** The permanent failure this checkpoint last ended in, and how many jobs in a row ended so. */
  failure: WalkFailure | undefined;
}

export interface WalkFailure {
  readonly code: string | null;
  readonly message: string;
  readonly count: number;
}

export interface ResourceState {
  /** ISO 8601: the start of the last completed walk. Deltas fetch from here minus the overlap. */
  readonly deltaCursor: string | undefined;
  readonly walk: Walk | undefined;
}

export interface WalkSummary {
  readonly walk: Walk;
  readonly finishedAt: string;
  readonly durationMs: number;
}

export interface StateStore {
  resourceState(integrationId: string, resource: string): Promise<ResourceState>;
  saveWalk(walk: Walk): Promise<void>;
  /**
   * Records the ids one page of a full walk saw (one item per page, kept a while by TTL), so the
   * sweep spares them without a write to every unchanged record.
   */
  saveSeenPage(walk: Walk, page: number, ids: readonly string[]): Promise<void>;
  /** Every id the full walk's pages saw. */
  seenIds(walk: Walk): Promise<Set<string>>;
  /**
   * Moves the delta cursor to the walk's start (never backwards), records the summary (and, for a
   * full walk, a run item), drops the walk.
   */
  completeWalk(summary: WalkSummary): Promise<void>;
  discardWalk(integrationId: string, resource: string): Promise<void>;
  /** Deletes the resource's cursor and walk items, and the run item of `runId`: what a walk writes. */
  forgetResource(integrationId: string, resource: string, runId: string | undefined): Promise<void>;
  /** True when a full-sync run has already completed for the resource (its run item exists). */
  runCompleted(integrationId: string, resource: string, runId: string): Promise<boolean>;
  recordFailure(
    integrationId: string,
    resource: string,
    failure: { at: string; code: string | null; message: string },
  ): Promise<void>;
  /** Deletes one page of the integration's state items, all but its `meta` item. */
  purgeStatePage(integrationId: string): Promise<{ deleted: number; more: boolean }>;
  /**
   * Takes the resource's walk lease for `owner` until `untilMs` (epoch ms), unless another owner holds
   * one that has not expired at `nowMs`. Jobs in the bulk lanes run outside their resource's message
   * group; the lease keeps them and the resource's deltas from walking it at the same time.
   */
  acquireWalkLease(
    integrationId: string,
    resource: string,
    lease: { readonly owner: string; readonly nowMs: number; readonly untilMs: number },
  ): Promise<boolean>;
  /** Gives the lease back if `owner` still holds it. */
  releaseWalkLease(integrationId: string, resource: string, owner: string): Promise<void>;
}
