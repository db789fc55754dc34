/**
 * The sync engine's tuning and its defaults. This module loads nothing else, so configuration (and
 * with it `cdk synth`) can read the defaults without loading the engine.
 */
export interface EngineSettings {
  /** Deltas fetch from the cursor minus this, since re-reading is safe and clocks are not perfect. */
  readonly overlapMs: number;
  /** Stop starting pages when less than this is left, and continue in a new invocation. */
  readonly timeMarginMs: number;
  readonly writeConcurrency: number;
  readonly tombstoneTtlSeconds: number;
  /** How long an integration Kombo called inactive or invalid is skipped before it is tried again. */
  readonly integrationRecheckMs: number;
  readonly maxPages: number;
  /**
   * A delta walk starts no sooner than this after the job was requested. Webhooks of a burst that
   * arrive meanwhile queue up behind the running job and are then covered by its walk.
   */
  readonly coalesceWindowMs: number;
  /** A sweep that would tombstone more than this share of a resource's live records does nothing… */
  readonly sweepBrakeShare: number;
  /** …and more than this many records: one vanished record of four is no sign of an outage. */
  readonly sweepBrakeMinRecords: number;
  /** A walk that fails with the same permanent error this many times in a row is abandoned. */
  readonly abandonAfterFailures: number;
  /** The first wait after DynamoDB throttled a page's writes; it doubles with each throttle in a row. */
  readonly throttleBackoffMs: number;
  readonly maxThrottleBackoffMs: number;
  /** An integration Kombo does not know on two reconciles at least this far apart is purged. */
  readonly missingPurgeMs: number;
  /**
   * Write units a second one walk spends at most. A resource's records share one partition key, and a
   * partition takes about 1,000 write units a second; the rest is left for the deltas' writes.
   */
  readonly partitionWriteUnitsPerSecond: number;
  /** Lanes (message groups) the weekly run's full walks are spread over; 0 puts them in their resource's group. */
  readonly bulkLanes: number;
  /** A bulk job (one in a lane) starts no new page after this long in one invocation, and continues in a new one. */
  readonly bulkSliceMs: number;
}

/** At most this many bulk lanes (message groups for the weekly run's jobs). */
export const MAX_BULK_LANES = 100;

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  overlapMs: 5 * 60_000,
  timeMarginMs: 60_000,
  writeConcurrency: 16,
  tombstoneTtlSeconds: 14 * 24 * 3600,
  integrationRecheckMs: 60 * 60_000,
  maxPages: 40_000,
  coalesceWindowMs: 1_000,
  sweepBrakeShare: 0.2,
  sweepBrakeMinRecords: 10,
  abandonAfterFailures: 3,
  throttleBackoffMs: 1_000,
  maxThrottleBackoffMs: 30_000,
  missingPurgeMs: 7 * 86_400_000,
  partitionWriteUnitsPerSecond: 800,
  bulkLanes: 3,
  bulkSliceMs: 10_000,
};
