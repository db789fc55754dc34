import type {
  BatchResult,
  IntegrationState,
  IntegrationStatus,
  PurgeProgress,
  RecordStore,
  ResourceState,
  ScanPage,
  StateStore,
  StoredVersion,
  Walk,
  WalkSummary,
  WriteResult,
} from '../../lambdas/core/ports';
import type { RecordItem } from '../../lambdas/core/sync/record-item';
import { MemoryWalkLeases } from './memory-leases';

type Partition = { integrationId: string; resource: string };
type StoredRecord = RecordItem & { swept_at?: string };
const partitionKey = (p: Partition) => `${p.integrationId}#${p.resource}`;
/** Small pages, so that paging is exercised by small tests. */
const SCAN_PAGE = 3;

/** What a test makes a write answer instead of storing: a value, or an error to throw. */
export type WriteInterceptor = (item: RecordItem) => WriteResult | Error | undefined;

/**
 * The records table in memory, with the DynamoDB store's rules: never older, unchanged re-reads
 * not rewritten, full walks mark what they saw, sweeps spare what was written since. For unit tests.
 */
export class MemoryRecordStore implements RecordStore {
  readonly partitions = new Map<string, Map<string, StoredRecord>>();
  readonly writes: RecordItem[] = [];
  intercept: WriteInterceptor | undefined;

  items(p: Partition): StoredRecord[] {
    return [...(this.partitions.get(partitionKey(p))?.values() ?? [])].sort((a, b) => a.sk.localeCompare(b.sk));
  }

  put(item: StoredRecord): void {
    const key = `${item.integration_id}#${item.resource}`;
    const partition = this.partitions.get(key) ?? new Map<string, StoredRecord>();
    partition.set(item.sk, item);
    this.partitions.set(key, partition);
  }

  /** Requests by kind, as DynamoDB would bill them. */
  readonly requests = { batchReads: 0, batchWrites: 0, writes: 0 };

  async storedVersions(p: Partition, ids: readonly string[]): Promise<BatchResult<Map<string, StoredVersion>>> {
    this.requests.batchReads += Math.ceil(ids.length / 100);
    const versions = new Map<string, StoredVersion>();
    for (const id of ids) {
      const stored = this.partitions.get(partitionKey(p))?.get(id);
      if (stored) versions.set(id, { changedAt: stored.changed_at, dataHash: stored.data_hash });
    }
    return { outcome: 'done', value: versions };
  }

  /** Like BatchWriteItem, 25 items a request: a request with an item refused stores none of its items. */
  async putNew(items: readonly RecordItem[]): Promise<BatchResult<{ readonly refused: readonly string[] }>> {
    const refused: string[] = [];
    for (let start = 0; start < items.length; start += 25) {
      this.requests.batchWrites++;
      const chunk = items.slice(start, start + 25);
      let rejected = false;
      for (const item of chunk) {
        this.writes.push(item);
        const intercepted = this.intercept?.(item);
        if (intercepted instanceof Error) throw intercepted;
        if (intercepted?.outcome === 'throttled') return intercepted;
        if (intercepted?.outcome === 'rejected') rejected = true;
      }
      if (rejected) refused.push(...chunk.map((item) => item.sk));
      else for (const item of chunk) this.put(item);
    }
    return { outcome: 'done', value: { refused } };
  }

  async write(item: RecordItem, options: { createIfAbsent?: boolean } = {}): Promise<WriteResult> {
    this.requests.writes++;
    this.writes.push(item);
    const intercepted = this.intercept?.(item);
    if (intercepted instanceof Error) throw intercepted;
    if (intercepted) return intercepted;
    const stored = this.partitions.get(`${item.integration_id}#${item.resource}`)?.get(item.sk);
    const createIfAbsent = options.createIfAbsent ?? true;
    const newer =
      stored &&
      (stored.changed_at < item.changed_at ||
        (stored.changed_at === item.changed_at && stored.data_hash !== item.data_hash));
    if ((!stored && createIfAbsent) || newer) {
      this.put(item);
      return { outcome: 'written' };
    }
    if (!stored) return { outcome: 'unchanged' };
    const unchanged = stored.changed_at === item.changed_at && stored.data_hash === item.data_hash;
    return { outcome: unchanged ? 'unchanged' : 'stale' };
  }

  async countSweepCandidates(
    p: Partition,
    before: string,
    seen: ReadonlySet<string>,
    startKey: string | undefined,
  ): Promise<ScanPage<{ live: number; candidates: number }>> {
    const page = this.page(p, startKey);
    const live = page.items.filter((item) => item.data_encoding !== 'tombstone');
    return {
      result: {
        live: live.length,
        candidates: live.filter((item) => item.synced_at < before && !seen.has(item.sk)).length,
      },
      nextKey: page.nextKey,
    };
  }

  async sweepCandidates(
    p: Partition,
    before: string,
    seen: ReadonlySet<string>,
    startKey: string | undefined,
  ): Promise<ScanPage<{ ids: string[] }>> {
    const page = this.page(p, startKey);
    const ids = page.items
      .filter((item) => item.data_encoding !== 'tombstone' && item.synced_at < before && !seen.has(item.sk))
      .map((item) => item.sk);
    return { result: { ids }, nextKey: page.nextKey };
  }

  async tombstone(
    p: Partition,
    ids: readonly string[],
    before: string,
    tombstone: { at: string; expiresAt: number },
  ): Promise<number> {
    let swept = 0;
    for (const id of ids) {
      const stored = this.partitions.get(partitionKey(p))?.get(id);
      if (!stored || stored.data_encoding === 'tombstone' || stored.synced_at >= before) continue;
      const { data: _data, data_gzip: _gzip, data_bytes: _bytes, ...rest } = stored;
      this.put({
        ...rest,
        data_encoding: 'tombstone',
        remote_deleted_at: tombstone.at,
        swept_at: tombstone.at,
        expires_at: tombstone.expiresAt,
        data_hash: 'swept',
      });
      swept++;
    }
    return swept;
  }

  async remove(p: Partition, ids: readonly string[]): Promise<void> {
    for (const id of ids) this.partitions.get(partitionKey(p))?.delete(id);
  }

  async purge(p: Partition, startKey: string | undefined): Promise<ScanPage<{ deleted: number }>> {
    const page = this.page(p, startKey);
    await this.remove(
      p,
      page.items.map((item) => item.sk),
    );
    return { result: { deleted: page.items.length }, nextKey: page.nextKey };
  }

  /** Pages of SCAN_PAGE items after `startKey` (the last sort key of the previous page). */
  private page(p: Partition, startKey: string | undefined): { items: StoredRecord[]; nextKey: string | undefined } {
    const after = this.items(p).filter((item) => startKey === undefined || item.sk > startKey);
    const items = after.slice(0, SCAN_PAGE);
    return { items, nextKey: after.length > SCAN_PAGE ? items.at(-1)?.sk : undefined };
  }
}

interface CursorItem {
  deltaCursor?: string;
  lastSuccessAt?: string;
  lastWalk?: WalkSummary;
  lastError?: { at: string; code: string | null; message: string };
  failures: number;
}

/**
 * The state table in memory, with the DynamoDB stores' rules (the cursor never moves back): the
 * resource items, and the integration's own item (two stores in AWS; one fake serves both ports).
 */
export class MemoryStateStore implements StateStore, IntegrationStatus {
  readonly walks = new Map<string, Walk>();
  readonly cursors = new Map<string, CursorItem>();
  readonly runs = new Set<string>();
  readonly integrations = new Map<string, IntegrationState & { purgedAt?: string }>();
  /** Every call, by method name, in order (the walk lease's calls are in `leases`). */
  readonly calls: string[] = [];
  /** Walk leases by `<integration>#<resource>`; `leases.log` lists every take, refusal and give-back. */
  readonly leases = new MemoryWalkLeases();

  acquireWalkLease(
    integrationId: string,
    resource: string,
    lease: { owner: string; nowMs: number; untilMs: number },
  ): Promise<boolean> {
    return Promise.resolve(this.leases.acquire(`${integrationId}#${resource}`, lease));
  }

  releaseWalkLease(integrationId: string, resource: string, owner: string): Promise<void> {
    this.leases.release(`${integrationId}#${resource}`, owner);
    return Promise.resolve();
  }

  async resourceState(integrationId: string, resource: string): Promise<ResourceState> {
    this.calls.push('resourceState');
    const walk = this.walks.get(`${integrationId}#${resource}`);
    // A copy, as a read from a table would be.
    return {
      deltaCursor: this.cursors.get(`${integrationId}#${resource}`)?.deltaCursor,
      walk: walk ? structuredClone(walk) : undefined,
    };
  }

  async integrationState(integrationId: string): Promise<IntegrationState | undefined> {
    this.calls.push('integrationState');
    return this.integrations.get(integrationId);
  }

  async saveWalk(walk: Walk): Promise<void> {
    this.calls.push('saveWalk');
    this.walks.set(`${walk.integrationId}#${walk.resource}`, structuredClone(walk));
  }

  /** Seen pages by walk (`<integration>#<resource>#<startedAt>`), then page number. */
  readonly seenPages = new Map<string, Map<number, string[]>>();

  async saveSeenPage(walk: Walk, page: number, ids: readonly string[]): Promise<void> {
    this.calls.push('saveSeenPage');
    const key = `${walk.integrationId}#${walk.resource}#${walk.startedAt}`;
    const pages = this.seenPages.get(key) ?? new Map<number, string[]>();
    pages.set(page, [...ids]);
    this.seenPages.set(key, pages);
  }

  async seenIds(walk: Walk): Promise<Set<string>> {
    this.calls.push('seenIds');
    const pages = this.seenPages.get(`${walk.integrationId}#${walk.resource}#${walk.startedAt}`);
    return new Set([...(pages?.values() ?? [])].flat());
  }

  async completeWalk(summary: WalkSummary): Promise<void> {
    this.calls.push('completeWalk');
    const { walk } = summary;
    const key = `${walk.integrationId}#${walk.resource}`;
    const cursor = this.cursor(key);
    if (cursor.deltaCursor === undefined || cursor.deltaCursor < walk.startedAt) cursor.deltaCursor = walk.startedAt;
    cursor.lastSuccessAt = summary.finishedAt;
    cursor.lastWalk = structuredClone(summary);
    if (walk.kind === 'full' && walk.runId) this.runs.add(`${key}#${walk.runId}`);
    this.walks.delete(key);
  }

  async discardWalk(integrationId: string, resource: string): Promise<void> {
    this.calls.push('discardWalk');
    this.walks.delete(`${integrationId}#${resource}`);
  }

  async forgetResource(integrationId: string, resource: string, runId: string | undefined): Promise<void> {
    this.calls.push('forgetResource');
    const key = `${integrationId}#${resource}`;
    this.walks.delete(key);
    this.cursors.delete(key);
    if (runId) this.runs.delete(`${key}#${runId}`);
  }

  async runCompleted(integrationId: string, resource: string, runId: string): Promise<boolean> {
    this.calls.push('runCompleted');
    return this.runs.has(`${integrationId}#${resource}#${runId}`);
  }

  async recordFailure(
    integrationId: string,
    resource: string,
    failure: { at: string; code: string | null; message: string },
  ): Promise<void> {
    this.calls.push('recordFailure');
    const cursor = this.cursor(`${integrationId}#${resource}`);
    cursor.lastError = failure;
    cursor.failures++;
  }

  async blockIntegration(integrationId: string, block: { code: string; until: string; at: string }): Promise<void> {
    this.calls.push('blockIntegration');
    const current = this.integrations.get(integrationId);
    this.integrations.set(integrationId, {
      deletedAt: undefined,
      purge: undefined,
      unavailableResources: [],
      dataExpiredAt: undefined,
      ...current,
      block: { by: 'kombo', ...block },
    });
  }

  async savePurgeProgress(integrationId: string, progress: PurgeProgress): Promise<void> {
    this.calls.push('savePurgeProgress');
    const current = this.integrations.get(integrationId);
    this.integrations.set(integrationId, {
      block: undefined,
      unavailableResources: [],
      dataExpiredAt: undefined,
      deletedAt: undefined,
      ...current,
      purge: progress,
    });
  }

  async purgeStatePage(integrationId: string): Promise<{ deleted: number; more: boolean }> {
    this.calls.push('purgeStatePage');
    let deleted = 0;
    for (const key of [...this.seenPages.keys()].filter((key) => key.startsWith(`${integrationId}#`))) {
      deleted += this.seenPages.get(key)?.size ?? 0;
      this.seenPages.delete(key);
    }
    for (const map of [this.walks, this.cursors] as Map<string, unknown>[]) {
      for (const key of [...map.keys()].filter((key) => key.startsWith(`${integrationId}#`))) {
        map.delete(key);
        deleted++;
      }
    }
    for (const key of [...this.runs].filter((key) => key.startsWith(`${integrationId}#`))) {
      this.runs.delete(key);
      deleted++;
    }
    return { deleted, more: false };
  }

  async finishPurge(integrationId: string, at: string): Promise<void> {
    this.calls.push('finishPurge');
    const current = this.integrations.get(integrationId);
    this.integrations.set(integrationId, {
      block: undefined,
      purge: undefined,
      unavailableResources: [],
      dataExpiredAt: undefined,
      deletedAt: current?.deletedAt ?? at,
      purgedAt: at,
    });
  }

  async saveUpstream(
    integrationId: string,
    upstream: { unavailableResources: readonly string[]; dataExpiredAt: string | undefined },
  ): Promise<void> {
    this.calls.push('saveUpstream');
    const current = this.integrations.get(integrationId);
    this.integrations.set(integrationId, {
      block: undefined,
      deletedAt: undefined,
      purge: undefined,
      ...current,
      ...upstream,
    });
  }

  /** As the webhook does on `integration-deleted`. */
  markDeleted(integrationId: string, at: string): void {
    const current = this.integrations.get(integrationId);
    this.integrations.set(integrationId, {
      block: undefined,
      unavailableResources: [],
      dataExpiredAt: undefined,
      purge: undefined,
      ...current,
      deletedAt: at,
    });
  }

  cursorOf(integrationId: string, resource: string): CursorItem | undefined {
    return this.cursors.get(`${integrationId}#${resource}`);
  }

  private cursor(key: string): CursorItem {
    const cursor = this.cursors.get(key) ?? { failures: 0 };
    this.cursors.set(key, cursor);
    return cursor;
  }
}
