import type { KomboRecord } from '../kombo/responses';
import type { StoredVersion } from '../ports';
import { isExpiredDeletion, type RecordItem, type RecordItemOptions } from './record-item';

export interface PlannedRecord {
  readonly record: KomboRecord;
  readonly item: RecordItem;
}

/** What a page's records need, by what the records table holds of them. */
export interface WritePlan {
  /** Absent: written in batches, without a condition. */
  readonly fresh: PlannedRecord[];
  /** Stored, and this is newer, or as new with other content: a conditional write each. */
  readonly updates: PlannedRecord[];
  /** Same `changed_at` and content as stored: no write. */
  readonly unchanged: string[];
  /** We hold newer data: no write. */
  readonly stale: string[];
}

/**
 * Sorts a page's records by the stored versions. Without them (the batch read was refused) every
 * record takes the conditional write, which decides the same on its own.
 */
export function planWrites(
  entries: readonly PlannedRecord[],
  stored: ReadonlyMap<string, StoredVersion> | undefined,
  options: RecordItemOptions,
): WritePlan {
  const plan: WritePlan = { fresh: [], updates: [], unchanged: [], stale: [] };
  for (const entry of entries) {
    const { item } = entry;
    if (!stored) {
      plan.updates.push(entry);
      continue;
    }
    const version = stored.get(item.sk);
    if (!version) {
      // A deletion older than the tombstone TTL only replaces a record we hold (see isExpiredDeletion).
      if (isExpiredDeletion(item, options)) plan.unchanged.push(item.sk);
      else plan.fresh.push(entry);
    } else if (version.changedAt === item.changed_at && version.dataHash === item.data_hash) {
      plan.unchanged.push(item.sk);
    } else if (version.changedAt > item.changed_at) {
      plan.stale.push(item.sk);
    } else {
      plan.updates.push(entry);
    }
  }
  return plan;
}
