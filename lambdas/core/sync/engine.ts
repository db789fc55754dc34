import type { Deadline, ListQuery, Page } from '../kombo/client';
import {
  KomboCursorRejectedError,
  KomboError,
  KomboIntegrationUnavailableError,
  KomboPaginationError,
  KomboResourceUnavailableError,
  KomboSetupPendingError,
  KomboUnavailableError,
} from '../kombo/errors';
import type { KomboRecord } from '../kombo/responses';
import type { Telemetry } from '../telemetry';
import { mapWithConcurrency } from './concurrency';
import { continuationOf, type SyncJob } from './job';
import type { JobQueue, RecordStore, StateStore, Walk, WalkCounts } from './ports';
import { toRecordItem } from './record-item';

/** The part of the Kombo client the engine uses. */
export interface PageSource {
  pages(
    query: ListQuery,
    options: { deadline: Deadline; startCursor?: string | undefined; maxPages?: number },
  ): AsyncGenerator<Page & { cursor: string | undefined }>;
}

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
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  overlapMs: 5 * 60_000,
  timeMarginMs: 60_000,
  writeConcurrency: 16,
  tombstoneTtlSeconds: 14 * 24 * 3600,
  integrationRecheckMs: 60 * 60_000,
  maxPages: 40_000,
  coalesceWindowMs: 1_000,
};

export interface EngineDependencies {
  readonly kombo: PageSource;
  readonly records: RecordStore;
  readonly state: StateStore;
  readonly queue: JobQueue;
  readonly telemetry: Telemetry;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A job as the worker runs it: possibly several messages of one group, coalesced. */
export interface RunnableJob {
  readonly job: SyncJob;
  /** Epoch ms: a walk that started at or after this satisfies the job. */
  readonly requestedAt: number;
}

export type JobResult =
  | { readonly outcome: 'completed'; readonly walks: number; readonly pages: number }
  | { readonly outcome: 'continued'; readonly walks: number; readonly pages: number }
  | { readonly outcome: 'skipped'; readonly reason: SkipReason };

export type SkipReason =
  | 'already-covered'
  | 'integration-unavailable'
  | 'integration-setup-pending'
  | 'resource-unavailable';

const emptyCounts = (): WalkCounts => ({ written: 0, unchanged: 0, stale: 0, tombstoned: 0, oversized: 0 });

/**
 * Runs sync jobs: walks Kombo's pages for one (integration, resource), writes every record, and
 * moves the delta cursor only after the last page. Long walks checkpoint after every page and
 * continue in a later invocation.
 */
export class SyncEngine {
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly deps: EngineDependencies,
    private readonly settings: EngineSettings = DEFAULT_ENGINE_SETTINGS,
  ) {
    this.now = deps.now ?? (() => new Date());
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async run(runnable: RunnableJob, deadline: Deadline): Promise<JobResult> {
    const { job } = runnable;
    const context = { integrationId: job.integrationId, resource: job.resource, kind: job.kind };
    const { telemetry, state } = this.deps;

    const integration = await state.integrationState(job.integrationId);
    if (integration?.blockedUntil && Date.parse(integration.blockedUntil) > this.now().getTime()) {
      telemetry.info('job skipped: integration unavailable', { ...context, code: integration.blockedCode });
      telemetry.count('JobSkippedIntegrationUnavailable');
      return { outcome: 'skipped', reason: 'integration-unavailable' };
    }

    const progress = { walks: 0, pages: 0 };
    for (;;) {
      const resource = await state.resourceState(job.integrationId, job.resource);
      let walk = resource.walk;
      if (walk && walk.kind === 'delta' && job.kind !== 'delta') {
        await state.discardWalk(job.integrationId, job.resource);
        walk = undefined;
      }
      if (!walk) {
        if (job.kind === 'delta' && resource.deltaCursor && runnable.requestedAt <= Date.parse(resource.deltaCursor)) {
          if (progress.walks > 0) return { outcome: 'completed', ...progress };
          telemetry.info('job skipped: a walk that started after it was requested has completed', context);
          telemetry.count('JobCoalesced');
          return { outcome: 'skipped', reason: 'already-covered' };
        }
        if (job.kind === 'delta') await this.settle(runnable.requestedAt, deadline);
        walk = this.newWalk(job, resource.deltaCursor);
        await state.saveWalk(walk);
      }

      walk.invocations++;
      let status: 'done' | 'out-of-time';
      try {
        status = await this.walk(walk, deadline, progress);
      } catch (error) {
        const skipped = await this.handleKomboError(error, walk, progress.pages, context);
        if (skipped === 'continue') return this.continueLater(runnable, walk, progress);
        return skipped;
      }
      if (status === 'out-of-time') return this.continueLater(runnable, walk, progress);

      progress.walks++;
      const finishedAt = this.now();
      await state.completeWalk({
        walk,
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - Date.parse(walk.startedAt),
      });
      telemetry.info('walk completed', { ...context, pages: walk.pages, invocations: walk.invocations, ...walk.counts });
      telemetry.count('WalksCompleted');
      // A walk that began before the job was requested may have missed what the job announces.
      if (Date.parse(walk.startedAt) >= runnable.requestedAt || job.kind !== 'delta') {
        return { outcome: 'completed', ...progress };
      }
    }
  }

  /** Waits out the rest of the coalescing window, if there is time for it. */
  private async settle(requestedAt: number, deadline: Deadline): Promise<void> {
    const wait = requestedAt + this.settings.coalesceWindowMs - this.now().getTime();
    if (wait > 0 && deadline.remainingMs() - wait > this.settings.timeMarginMs) await this.sleep(wait);
  }

  private newWalk(job: SyncJob, deltaCursor: string | undefined): Walk {
    // fetchStart: taken before the first request, so nothing changed during the walk is skipped.
    const startedAt = this.now();
    const updatedAfter =
      job.kind === 'delta' && deltaCursor
        ? new Date(Date.parse(deltaCursor) - this.settings.overlapMs).toISOString()
        : undefined;
    return {
      integrationId: job.integrationId,
      resource: job.resource,
      kind: job.kind,
      runId: undefined,
      startedAt: startedAt.toISOString(),
      updatedAfter,
      next: null,
      pages: 0,
      invocations: 0,
      counts: emptyCounts(),
    };
  }

  /** Walks from the walk's checkpoint until the last page or until time runs short. */
  private async walk(walk: Walk, deadline: Deadline, progress: { pages: number }): Promise<'done' | 'out-of-time'> {
    const { kombo, state } = this.deps;
    const resumeFrom = walk.pages > 0 ? walk.next : null;
    if (walk.pages > 0 && resumeFrom === null) return 'done';

    const query: ListQuery = {
      integrationId: walk.integrationId,
      resource: walk.resource,
      updatedAfter: walk.updatedAfter,
      includeDeleted: true,
    };
    // Requests may use the time until half the margin is left; the rest is for writing and checkpointing.
    const requestDeadline: Deadline = { remainingMs: () => deadline.remainingMs() - this.settings.timeMarginMs / 2 };
    const pages = kombo.pages(query, {
      deadline: requestDeadline,
      startCursor: resumeFrom ?? undefined,
      maxPages: this.settings.maxPages - walk.pages,
    });

    let pending = pages.next();
    for (;;) {
      let result: IteratorResult<Page & { cursor: string | undefined }>;
      try {
        result = await pending;
      } catch (error) {
        if (error instanceof KomboCursorRejectedError && walk.pages > 0 && walk.next !== null) {
          this.deps.telemetry.warn('Kombo rejected the checkpointed cursor; restarting the walk from the beginning', {
            integrationId: walk.integrationId,
            resource: walk.resource,
            pagesDiscarded: walk.pages,
          });
          this.deps.telemetry.count('WalkRestarted');
          walk.pages = 0;
          walk.next = null;
          await state.saveWalk(walk);
          return this.walk(walk, deadline, progress);
        }
        throw error;
      }
      if (result.done) return 'done';
      const page = result.value;
      const more = page.next !== null;
      if (more) {
        // The next page is requested while this one is written.
        pending = pages.next();
        pending.catch(() => undefined);
      }
      await this.writePage(walk, page.records);
      walk.next = page.next;
      walk.pages++;
      progress.pages++;
      await state.saveWalk(walk);
      if (!more) return 'done';
      if (deadline.remainingMs() < this.settings.timeMarginMs) return 'out-of-time';
    }
  }

  private async writePage(walk: Walk, records: readonly KomboRecord[]): Promise<void> {
    const { telemetry } = this.deps;
    const now = this.now();
    const pageCounts = emptyCounts();
    await mapWithConcurrency(records, this.settings.writeConcurrency, async (record) => {
      const item = toRecordItem(walk.integrationId, walk.resource, record, {
        now,
        tombstoneTtlSeconds: this.settings.tombstoneTtlSeconds,
      });
      const outcome = await this.deps.records.write(item, { markSeen: walk.kind !== 'delta' });
      pageCounts[outcome]++;
      if (outcome !== 'written') return;
      if (item.data_encoding === 'tombstone') pageCounts.tombstoned++;
      if (item.data_encoding === 'gzip' || item.data_encoding === 'omitted') pageCounts.oversized++;
      if (item.data_encoding === 'omitted') {
        telemetry.warn('record too large for DynamoDB even compressed; stored as metadata only', {
          integrationId: walk.integrationId,
          resource: walk.resource,
          id: item.id,
          bytes: item.data_bytes,
        });
        telemetry.count('RecordsOmittedTooLarge');
      }
    });
    for (const key of Object.keys(pageCounts) as (keyof WalkCounts)[]) walk.counts[key] += pageCounts[key];
    telemetry.count('RecordsWritten', pageCounts.written);
    telemetry.count('RecordsUnchanged', pageCounts.unchanged);
    telemetry.count('RecordsStale', pageCounts.stale);
    telemetry.count('RecordsTombstoned', pageCounts.tombstoned);
    telemetry.count('PagesFetched');
  }

  private async continueLater(
    runnable: RunnableJob,
    walk: Walk,
    progress: { walks: number; pages: number },
  ): Promise<JobResult> {
    const deduplicationId = `continue#${walk.resource}#${walk.startedAt}#${walk.pages}#${walk.invocations}`;
    await this.deps.queue.send([continuationOf(runnable.job, runnable.requestedAt, deduplicationId)]);
    this.deps.telemetry.info('walk continues in a new invocation', {
      integrationId: walk.integrationId,
      resource: walk.resource,
      pages: walk.pages,
    });
    this.deps.telemetry.count('WalksContinued');
    return { outcome: 'continued', ...progress };
  }

  /**
   * Turns what Kombo said into what happens to the job. Returns a skip result, 'continue' (retry
   * later from the checkpoint) or throws, so the message is retried and eventually dead-lettered.
   */
  private async handleKomboError(
    error: unknown,
    walk: Walk,
    pagesThisInvocation: number,
    context: Record<string, unknown>,
  ): Promise<JobResult | 'continue'> {
    const { state, telemetry } = this.deps;
    if (!(error instanceof KomboError)) throw error;
    const at = this.now().toISOString();
    const failure = { at, code: error.code, message: error.message };
    const fields = { ...context, code: error.code, status: error.status, reason: error.message };

    if (error instanceof KomboIntegrationUnavailableError) {
      const until = new Date(this.now().getTime() + this.settings.integrationRecheckMs).toISOString();
      await state.blockIntegration(walk.integrationId, { code: error.code ?? 'UNKNOWN', until, at });
      await state.discardWalk(walk.integrationId, walk.resource);
      telemetry.warn('integration unavailable; its jobs are skipped until it changes', { ...fields, until });
      telemetry.count('IntegrationBlocked');
      return { outcome: 'skipped', reason: 'integration-unavailable' };
    }
    if (error instanceof KomboSetupPendingError || error instanceof KomboResourceUnavailableError) {
      await state.recordFailure(walk.integrationId, walk.resource, failure);
      await state.discardWalk(walk.integrationId, walk.resource);
      const pending = error instanceof KomboSetupPendingError;
      telemetry.info(pending ? 'integration setup sync pending; Kombo sends data-changed when done' : 'resource not available for this integration', fields);
      telemetry.count(pending ? 'JobSkippedSetupPending' : 'JobSkippedResourceUnavailable');
      return { outcome: 'skipped', reason: pending ? 'integration-setup-pending' : 'resource-unavailable' };
    }
    await state.recordFailure(walk.integrationId, walk.resource, failure);
    if (error instanceof KomboUnavailableError && pagesThisInvocation > 0) {
      telemetry.warn('Kombo unavailable; continuing from the checkpoint in a new invocation', fields);
      return 'continue';
    }
    if (error instanceof KomboPaginationError) await state.discardWalk(walk.integrationId, walk.resource);
    telemetry.error('job failed', fields);
    telemetry.count('JobsFailed');
    throw error;
  }
}
