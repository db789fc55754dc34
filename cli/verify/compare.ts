import type { KomboRecord } from '../../lambdas/core/kombo/responses';
import { type RecordItem, toRecordItem } from '../../lambdas/core/sync/record-item';
import type { StoredRecord } from '../aws/mirror-reader';

/**
 * How one record of the mirror compares with Kombo's. The upstream side is turned into the item the worker
 * would store (the same `changed_at` normalisation and content hash), so equal means what the worker would
 * call unchanged. Pure.
 */
export type Verdict =
  | 'ok'
  /** Kombo has it (live); the mirror has nothing, or a tombstone. */
  | 'missing'
  /** The mirror holds it live; Kombo does not have it, or has deleted it. */
  | 'extra'
  /** The mirror's version is older than Kombo's. */
  | 'stale'
  /** Same `changed_at` (or a newer one in the mirror) but other content. */
  | 'differing'
  /** Written since the check began (a sync was running): not judged. */
  | 'changed-during-check';

export const DRIFT_KINDS = ['missing', 'extra', 'stale', 'differing'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** Deletions older than any tombstone are not recreated (README: Rules the worker keeps); the TTL does not matter here. */
const ANY_TTL_SECONDS = 14 * 86_400;

export function upstreamItem(integrationId: string, resource: string, record: KomboRecord, now: Date): RecordItem {
  return toRecordItem(integrationId, resource, record, { now, tombstoneTtlSeconds: ANY_TTL_SECONDS });
}

export function compare(upstream: RecordItem, stored: StoredRecord | undefined, checkStartedAt: string): Verdict {
  if (stored && stored.syncedAt >= checkStartedAt) return 'changed-during-check';
  const storedLive = stored !== undefined && stored.encoding !== 'tombstone';
  if (upstream.remote_deleted_at !== null) return storedLive ? 'extra' : 'ok';
  if (!storedLive) return 'missing';
  if (stored.changedAt < upstream.changed_at) return 'stale';
  if (stored.changedAt === upstream.changed_at && stored.dataHash === upstream.data_hash) return 'ok';
  return 'differing';
}

/** A record Kombo does not return (asked for by id): only a live one in the mirror is drift. */
export function compareAbsent(stored: StoredRecord | undefined, checkStartedAt: string): Verdict {
  if (!stored || stored.encoding === 'tombstone') return 'ok';
  return stored.syncedAt >= checkStartedAt ? 'changed-during-check' : 'extra';
}

/** The names of the top-level fields whose values differ (never the values). */
export function differingFields(upstream: Record<string, unknown>, stored: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(upstream), ...Object.keys(stored)]);
  return [...names].filter((name) => JSON.stringify(upstream[name]) !== JSON.stringify(stored[name])).sort();
}
