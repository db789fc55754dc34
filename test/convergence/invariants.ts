import type { Pipeline } from '../../local/pipeline';
import { type Mutation, RESOURCES, recordHash, type World } from './world';

export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

export interface InvariantCounts {
  /** (resource, cursor) pairs checked against every change before the cursor. */
  cursorChecks: number;
  /** Stored records compared with their previous `changed_at`. */
  monotonicChecks: number;
  /** Purged integrations checked to stay empty. */
  purgeChecks: number;
}

type Stored = Record<string, unknown>;

/**
 * What must hold after every invocation, not only at the end:
 * - the delta cursor never passes a change that is not stored (every change before the cursor's
 *   time is in the mirror, or a newer version is);
 * - a stored record never goes back to an older `changed_at`;
 * - once an integration is purged, none of its data reappears.
 */
export class Invariants {
  readonly counts: InvariantCounts = { cursorChecks: 0, monotonicChecks: 0, purgeChecks: 0 };
  private readonly newest = new Map<string, string>();
  private readonly purged = new Set<string>();

  constructor(
    private readonly pipeline: Pipeline,
    private readonly world: World,
    private readonly report: (violation: Violation) => void,
  ) {}

  async check(): Promise<void> {
    for (const integration of this.world.integrations) {
      const id = integration.id;
      const state = await this.pipeline.stateItems(id);
      let records = 0;
      for (const resource of RESOURCES) {
        const stored = await this.pipeline.storedRecords(id, resource);
        records += stored.length;
        this.checkMonotonic(id, resource, stored);
        const cursor = state.find((item) => item.sk === `cursor#${resource}`)?.delta_cursor;
        if (typeof cursor === 'string') this.checkCursor(id, resource, Date.parse(cursor), stored);
      }
      this.checkPurge(id, integration.deleted, state, records);
    }
  }

  private checkMonotonic(integrationId: string, resource: string, stored: readonly Stored[]): void {
    for (const item of stored) {
      const key = `${integrationId}#${resource}#${String(item.id)}`;
      const changedAt = String(item.changed_at);
      const before = this.newest.get(key);
      this.counts.monotonicChecks++;
      if (before !== undefined && changedAt < before) {
        this.report({
          invariant: 'changed-at-never-goes-back',
          detail: `${key}: stored changed_at ${changedAt} after ${before}`,
        });
      }
      if (before === undefined || changedAt > before) this.newest.set(key, changedAt);
    }
  }

  /** Every record's last change before the cursor is stored, or something newer is. */
  private checkCursor(integrationId: string, resource: string, cursorMs: number, stored: readonly Stored[]): void {
    this.counts.cursorChecks++;
    const byId = new Map(stored.map((item) => [String(item.id), item]));
    const lastBefore = new Map<string, Mutation>();
    const versions = new Map<string, Mutation[]>();
    for (const mutation of this.world.mutations) {
      if (mutation.integrationId !== integrationId || mutation.resource !== resource) continue;
      if (mutation.kind === 'vanish') continue;
      // A scope change's content may be stored (by a full walk), but no delta has to fetch it.
      versions.set(mutation.id, [...(versions.get(mutation.id) ?? []), mutation]);
      if (mutation.kind !== 'scope' && mutation.at < cursorMs) lastBefore.set(mutation.id, mutation);
    }
    for (const [id, mutation] of lastBefore) {
      const record = mutation.record;
      if (!record || this.vanished(integrationId, resource, id)) continue;
      const item = byId.get(id);
      const wanted = `${integrationId}#${resource}#${id} as of ${new Date(mutation.at).toISOString()} (${mutation.kind})`;
      if (!item) {
        this.report({ invariant: 'cursor-never-passes-an-unstored-change', detail: `${wanted}: not stored` });
        continue;
      }
      const storedAt = String(item.changed_at);
      const wantedAt = new Date(record.changed_at).toISOString();
      if (storedAt > wantedAt) continue;
      const sameTimeHashes = new Set(
        (versions.get(id) ?? [])
          .filter((version) => version.at >= mutation.at && version.record?.changed_at === record.changed_at)
          .map((version) => (version.record ? recordHash(version.record) : '')),
      );
      if (storedAt < wantedAt || !sameTimeHashes.has(String(item.data_hash))) {
        this.report({
          invariant: 'cursor-never-passes-an-unstored-change',
          detail:
            `${wanted}: stored changed_at ${storedAt} (${String(item.data_encoding)}, hash ${String(item.data_hash).slice(0, 8)}), ` +
            `wanted ${wantedAt} with one of the hashes ${[...sameTimeHashes].map((hash) => hash.slice(0, 8)).join(', ')}`,
        });
      }
    }
  }

  private vanished(integrationId: string, resource: string, id: string): boolean {
    return this.world.mutations.some(
      (mutation) =>
        mutation.kind === 'vanish' &&
        mutation.integrationId === integrationId &&
        mutation.resource === resource &&
        mutation.id === id,
    );
  }

  private checkPurge(integrationId: string, deleted: boolean, state: readonly Stored[], records: number): void {
    if (this.purged.has(integrationId)) {
      this.counts.purgeChecks++;
      const left = state.filter((item) => item.sk !== 'meta');
      if (records > 0 || left.length > 0) {
        this.report({
          invariant: 'purged-data-never-reappears',
          detail: `${integrationId}: ${records} record(s) and ${left.map((item) => String(item.sk)).join(', ') || 'no'} state item(s) after its purge`,
        });
      }
      return;
    }
    const meta = state.find((item) => item.sk === 'meta');
    if (deleted && records === 0 && state.length === 1 && typeof meta?.purged_at === 'string')
      this.purged.add(integrationId);
  }
}
