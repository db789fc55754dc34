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
import { RESOURCE_CATALOGUE } from '../kombo/catalogue';
import { continuationOf, type PurgeJob, type SyncJob, type WalkJob } from './job';
import type { JobQueue, RecordStore, StateStore, SweepProgress, Walk, WalkCounts } from './ports';
import { isExpiredDeletion, toRecordItem } from './record-item';

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
  /** A sweep that would tombstone more than this share of a resource's live records does nothing. */
  readonly sweepBrakeShare: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  overlapMs: 5 * 60_000,
  timeMarginMs: 60_000,
  writeConcurrency: 16,
  tombstoneTtlSeconds: 14 * 24 * 3600,
  integrationRecheckMs: 60 * 60_000,
  maxPages: 40_000,
  coalesceWindowMs: 1_000,
  sweepBrakeShare: 0.2,
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
  | 'integration-deleted'
  | 'integration-unavailable'
  | 'integration-setup-pending'
  | 'resource-unavailable';

class IntegrationDeletedError extends Error {
  override name = 'IntegrationDeletedError';
}

/** A purge's rounds: a walk that was mid-page when the purge began may leave items behind once. */
const MAX_PURGE_ROUNDS = 3;

/** Where a walk is, for the continuation's deduplication id. */
const walkStep = (walk: Walk) =>
  `${walk.startedAt}#${walk.invocations}#${walk.pages}#${walk.sweep?.phase ?? 'fetch'}#${walk.sweep?.key ?? ''}`;

/** Ids per recheck request: well inside a URL's length and Kombo's page size. */
const RECHECK_IDS_PER_REQUEST = 100;

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
    // A job reached late in an invocation (behind others of its group) starts fresh in a new one.
    if (deadline.remainingMs() < this.settings.timeMarginMs) {
      return this.continueLater(runnable, `deferred#${this.now().getTime()}`, { walks: 0, pages: 0 });
    }
    if (job.kind === 'purge') return this.purge({ job, requestedAt: runnable.requestedAt }, deadline);
    const integration = await this.deps.state.integrationState(job.integrationId);
    const context = { integrationId: job.integrationId, resource: job.resource, kind: job.kind };
    if (integration?.deletedAt) {
      this.deps.telemetry.info('job dropped: the integration was deleted', context);
      this.deps.telemetry.count('JobDroppedIntegrationDeleted');
      return { outcome: 'skipped', reason: 'integration-deleted' };
    }
    if (integration?.blockedUntil && Date.parse(integration.blockedUntil) > this.now().getTime()) {
      this.deps.telemetry.info('job skipped: integration unavailable', { ...context, code: integration.blockedCode });
      this.deps.telemetry.count('JobSkippedIntegrationUnavailable');
      return { outcome: 'skipped', reason: 'integration-unavailable' };
    }
    return this.runWalkJob({ job, requestedAt: runnable.requestedAt }, deadline, context);
  }

  private async runWalkJob(
    runnable: { job: WalkJob; requestedAt: number },
    deadline: Deadline,
    context: Record<string, unknown>,
  ): Promise<JobResult> {
    const { job } = runnable;
    const { telemetry, state } = this.deps;
    const progress = { walks: 0, pages: 0 };
    for (;;) {
      const resource = await state.resourceState(job.integrationId, job.resource);
      let walk = resource.walk;
      // Checked before a delta walk in progress is given up for the full walk, so a repeated full job leaves it be.
      if (job.kind === 'full' && walk?.kind !== 'full' && progress.walks === 0 && (await state.runCompleted(job.integrationId, job.resource, job.runId))) {
        telemetry.info('job skipped: this full-sync run has already completed for the resource', { ...context, runId: job.runId });
        telemetry.count('JobCoalesced');
        return { outcome: 'skipped', reason: 'already-covered' };
      }
      if (walk && walk.kind === 'delta' && job.kind === 'full') {
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
      let durationMs = 0;
      try {
        status = await this.walk(walk, deadline, progress);
        if (status === 'done' && walk.kind === 'full') status = await this.sweepAfterFullWalk(walk, deadline, progress);
        if (status === 'done') {
          const finishedAt = this.now();
          durationMs = finishedAt.getTime() - Date.parse(walk.startedAt);
          await state.completeWalk({ walk, finishedAt: finishedAt.toISOString(), durationMs });
          await this.stopIfDeleted(walk, []);
        }
      } catch (error) {
        try {
          if (!(error instanceof IntegrationDeletedError)) {
            const skipped = await this.handleKomboError(error, walk, progress.pages, context);
            if (skipped === 'continue') return this.continueLater(runnable, walkStep(walk), progress);
            return skipped;
          }
        } catch (failure) {
          if (!(failure instanceof IntegrationDeletedError)) throw failure;
        }
        telemetry.info('walk stopped: the integration was deleted meanwhile', context);
        telemetry.count('JobDroppedIntegrationDeleted');
        return { outcome: 'skipped', reason: 'integration-deleted' };
      }
      if (status === 'out-of-time') return this.continueLater(runnable, walkStep(walk), progress);

      progress.walks++;
      const summary = { ...context, runId: walk.runId, pages: walk.pages, invocations: walk.invocations, durationMs, ...walk.counts };
      if (walk.sweep) {
        const { live, candidates, swept, braked } = walk.sweep;
        telemetry.info('full sync run summary', { ...summary, live, sweepCandidates: candidates, recovered: walk.sweep.recovered, swept, braked });
      } else {
        telemetry.info('walk completed', summary);
      }
      telemetry.count('WalksCompleted');
      // A walk that began before the job was requested may have missed what the job announces.
      if (Date.parse(walk.startedAt) >= runnable.requestedAt) return { outcome: 'completed', ...progress };
    }
  }

  /** Waits out the rest of the coalescing window, if there is time for it. */
  private async settle(requestedAt: number, deadline: Deadline): Promise<void> {
    const wait = requestedAt + this.settings.coalesceWindowMs - this.now().getTime();
    if (wait > 0 && deadline.remainingMs() - wait > this.settings.timeMarginMs) await this.sleep(wait);
  }

  private newWalk(job: WalkJob, deltaCursor: string | undefined): Walk {
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
      runId: job.kind === 'full' ? job.runId : undefined,
      forceSweep: job.kind === 'full' && job.forceSweep === true,
      startedAt: startedAt.toISOString(),
      updatedAfter,
      next: null,
      pages: 0,
      invocations: 0,
      restarts: 0,
      counts: emptyCounts(),
      sweep: undefined,
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
    const requestDeadline = this.requestDeadline(deadline);
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
        if (error instanceof KomboCursorRejectedError && walk.pages > 0 && walk.next !== null && walk.restarts === 0) {
          this.deps.telemetry.warn('Kombo rejected the checkpointed cursor; restarting the walk from the beginning', {
            integrationId: walk.integrationId,
            resource: walk.resource,
            pagesDiscarded: walk.pages,
          });
          this.deps.telemetry.count('WalkRestarted');
          walk.restarts++;
          walk.pages = 0;
          walk.next = null;
          await state.saveWalk(walk);
          return this.walk(walk, deadline, progress);
        }
        if (error instanceof KomboCursorRejectedError) {
          // Once more would loop: the walk fails, and SQS retries then dead-letters it.
          throw new KomboPaginationError(`${walk.resource}: Kombo rejected a cursor again after a restart`, error.code, error.status);
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
      await this.stopIfDeleted(walk, page.records.map((record) => record.id));
      if (!more) return 'done';
      if (deadline.remainingMs() < this.settings.timeMarginMs) return 'out-of-time';
    }
  }

  private async writePage(walk: Walk, records: readonly KomboRecord[]): Promise<void> {
    const { telemetry } = this.deps;
    const now = this.now();
    const pageCounts = emptyCounts();
    await mapWithConcurrency(records, this.settings.writeConcurrency, async (record) => {
      const itemOptions = { now, tombstoneTtlSeconds: this.settings.tombstoneTtlSeconds };
      const item = toRecordItem(walk.integrationId, walk.resource, record, itemOptions);
      const outcome = await this.deps.records.write(item, {
        markSeen: walk.kind !== 'delta',
        createIfAbsent: !isExpiredDeletion(item, itemOptions),
      });
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

  /** Enqueues the job again to carry on from its checkpoint; `step` makes the message unique. */
  private async continueLater(
    runnable: RunnableJob,
    step: string,
    progress: { walks: number; pages: number },
  ): Promise<JobResult> {
    const { job } = runnable;
    const target = job.kind === 'purge' ? 'purge' : job.resource;
    await this.deps.queue.send([continuationOf(job, runnable.requestedAt, `continue#${target}#${step}`)]);
    this.deps.telemetry.info('job continues in a new invocation', { integrationId: job.integrationId, target, kind: job.kind, step });
    this.deps.telemetry.count('WalksContinued');
    return { outcome: 'continued', ...progress };
  }

  /** Kombo requests may use the time until half the margin is left; the rest is for writing and checkpointing. */
  private requestDeadline(deadline: Deadline): Deadline {
    return { remainingMs: () => deadline.remainingMs() - this.settings.timeMarginMs / 2 };
  }

  /**
   * Ends every step of a walk that wrote something. If the integration was marked deleted meanwhile,
   * its purge may already have passed what the step wrote, so the walk takes that back and stops.
   * Either this (consistent) read sees the mark, or the writes finished before the mark was set and
   * the purge, which starts after the mark, finds them.
   */
  private async stopIfDeleted(walk: Walk, writtenIds: readonly string[]): Promise<void> {
    const { records, state } = this.deps;
    if (!(await state.integrationState(walk.integrationId))?.deletedAt) return;
    await records.remove({ integrationId: walk.integrationId, resource: walk.resource }, writtenIds);
    await state.forgetResource(walk.integrationId, walk.resource, walk.runId);
    throw new IntegrationDeletedError();
  }

  /** The failure goes into the resource's cursor item, which must not outlive a purge either. */
  private async recordFailure(walk: Walk, failure: { at: string; code: string | null; message: string }): Promise<void> {
    await this.deps.state.recordFailure(walk.integrationId, walk.resource, failure);
    await this.stopIfDeleted(walk, []);
  }

  /** True when a step may start now: the first of an invocation always may, so each one makes progress. */
  private mayStart(stepsThisInvocation: number, deadline: Deadline): boolean {
    return stepsThisInvocation === 0 || deadline.remainingMs() >= this.settings.timeMarginMs;
  }

  /**
   * After a complete full walk: every live item not seen by the walk and not written since it
   * began vanished upstream without a trace, and becomes a tombstone, unless there are so many that
   * an upstream outage is likelier (the brake) and an operator has not forced the sweep.
   */
  private async sweepAfterFullWalk(
    walk: Walk,
    deadline: Deadline,
    progress: { pages: number },
  ): Promise<'done' | 'out-of-time'> {
    const { records, state, telemetry } = this.deps;
    const sweep: SweepProgress = (walk.sweep ??= {
      phase: 'count',
      key: undefined,
      live: 0,
      candidates: 0,
      recovered: 0,
      swept: 0,
      braked: false,
    });
    const partition = { integrationId: walk.integrationId, resource: walk.resource };
    let steps = progress.pages;
    while (sweep.phase === 'count') {
      if (!this.mayStart(steps++, deadline)) return 'out-of-time';
      const page = await records.countSweepCandidates(partition, walk.startedAt, sweep.key);
      sweep.live += page.result.live;
      sweep.candidates += page.result.candidates;
      sweep.key = page.nextKey;
      if (page.nextKey === undefined) this.decideSweep(walk, sweep);
      await state.saveWalk(walk);
      await this.stopIfDeleted(walk, []);
    }
    while (sweep.phase === 'sweep') {
      if (!this.mayStart(steps++, deadline)) return 'out-of-time';
      const page = await records.sweepCandidates(partition, walk.startedAt, sweep.key);
      const found = await this.recheckUpstream(walk, page.result.ids, deadline);
      const gone = page.result.ids.filter((id) => !found.has(id));
      const now = this.now();
      const swept = await records.tombstone(partition, gone, walk.startedAt, {
        at: now.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) + this.settings.tombstoneTtlSeconds,
      });
      sweep.recovered += found.size;
      sweep.swept += swept;
      sweep.key = page.nextKey;
      telemetry.count('RecordsSwept', swept);
      telemetry.count('SweepCandidatesRecovered', found.size);
      if (page.nextKey === undefined) sweep.phase = 'done';
      await state.saveWalk(walk);
      await this.stopIfDeleted(walk, [...found]);
    }
    progress.pages = Math.max(progress.pages, steps);
    return 'done';
  }

  /**
   * Asks Kombo for the sweep candidates by id before anything is tombstoned: a record the walk
   * missed (pagination shifts while data changes) comes back and is written, not swept.
   */
  private async recheckUpstream(walk: Walk, ids: readonly string[], deadline: Deadline): Promise<Set<string>> {
    const found = new Set<string>();
    const requestDeadline = this.requestDeadline(deadline);
    for (let start = 0; start < ids.length; start += RECHECK_IDS_PER_REQUEST) {
      const chunk = ids.slice(start, start + RECHECK_IDS_PER_REQUEST);
      const query: ListQuery = { integrationId: walk.integrationId, resource: walk.resource, includeDeleted: true, ids: chunk };
      for await (const page of this.deps.kombo.pages(query, { deadline: requestDeadline })) {
        await this.writePage(walk, page.records);
        for (const record of page.records) found.add(record.id);
      }
    }
    return found;
  }

  private decideSweep(walk: Walk, sweep: SweepProgress): void {
    sweep.key = undefined;
    const share = sweep.live === 0 ? 0 : sweep.candidates / sweep.live;
    if (sweep.candidates > 0 && share > this.settings.sweepBrakeShare && !walk.forceSweep) {
      sweep.braked = true;
      sweep.phase = 'done';
      this.deps.telemetry.warn('sweep braked: it would remove too large a share of the resource; nothing removed', {
        integrationId: walk.integrationId,
        resource: walk.resource,
        runId: walk.runId,
        candidates: sweep.candidates,
        live: sweep.live,
        share: Math.round(share * 1000) / 1000,
        limit: this.settings.sweepBrakeShare,
        howToForce: 'invoke the full-sync function with {"integration_id", "resources", "force_sweep": true}',
      });
      this.deps.telemetry.count('SweepBraked');
      return;
    }
    sweep.phase = sweep.candidates > 0 ? 'sweep' : 'done';
  }

  /**
   * Deletes every record and state item of a deleted integration, in chunks that continue. A
   * round ends with a check that deletes as it looks: if a walk that was mid-page when the deletion
   * mark was set wrote anything meanwhile, another round follows.
   */
  private async purge(runnable: { job: PurgeJob; requestedAt: number }, deadline: Deadline): Promise<JobResult> {
    const { records, state, telemetry } = this.deps;
    const integrationId = runnable.job.integrationId;
    const integration = await state.integrationState(integrationId);
    if (!integration?.deletedAt) {
      telemetry.warn('purge skipped: the integration is not marked deleted', { integrationId });
      telemetry.count('PurgeSkipped');
      return { outcome: 'skipped', reason: 'integration-unavailable' };
    }
    let purge = integration.purge ?? { resourceIndex: 0, key: undefined, deleted: 0, round: 1 };
    let steps = 0;
    const progress = { walks: 0, pages: 0 };
    const later = () =>
      this.continueLater(runnable, `${purge.round}#${purge.resourceIndex}#${purge.key ?? ''}#${this.now().getTime()}`, progress);
    for (;;) {
      while (purge.resourceIndex < RESOURCE_CATALOGUE.length) {
        if (!this.mayStart(steps++, deadline)) return later();
        const resource = (RESOURCE_CATALOGUE[purge.resourceIndex] as { resource: string }).resource;
        const page = await records.purge({ integrationId, resource }, purge.key);
        const deleted = purge.deleted + page.result.deleted;
        purge = page.nextKey
          ? { ...purge, key: page.nextKey, deleted }
          : { ...purge, resourceIndex: purge.resourceIndex + 1, key: undefined, deleted };
        telemetry.count('RecordsPurged', page.result.deleted);
        await state.savePurgeProgress(integrationId, purge);
        progress.pages++;
      }
      for (let more = true; more; ) {
        if (!this.mayStart(steps++, deadline)) return later();
        more = (await state.purgeStatePage(integrationId)).more;
      }
      if (!this.mayStart(steps++, deadline)) return later();
      const leftovers = await this.purgeCheck(integrationId);
      if (leftovers === 0) break;
      if (purge.round >= MAX_PURGE_ROUNDS) throw new Error(`purge of ${integrationId}: items still appear after ${purge.round} rounds`);
      telemetry.warn('purge found items written meanwhile; purging again', { integrationId, round: purge.round, leftovers });
      purge = { resourceIndex: 0, key: undefined, deleted: purge.deleted + leftovers, round: purge.round + 1 };
      await state.savePurgeProgress(integrationId, purge);
    }
    await state.finishPurge(integrationId, this.now().toISOString());
    telemetry.info('integration purged', { integrationId, recordsDeleted: purge.deleted, rounds: purge.round });
    telemetry.count('IntegrationsPurged');
    return { outcome: 'completed', walks: 0, pages: progress.pages };
  }

  /** Deletes the first page of every resource and of the state items again; returns what there still was. */
  private async purgeCheck(integrationId: string): Promise<number> {
    let found = 0;
    for (const { resource } of RESOURCE_CATALOGUE) {
      found += (await this.deps.records.purge({ integrationId, resource }, undefined)).result.deleted;
    }
    return found + (await this.deps.state.purgeStatePage(integrationId)).deleted;
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
      await this.recordFailure(walk, failure);
      await state.discardWalk(walk.integrationId, walk.resource);
      const pending = error instanceof KomboSetupPendingError;
      telemetry.info(pending ? 'integration setup sync pending; Kombo sends data-changed when done' : 'resource not available for this integration', fields);
      telemetry.count(pending ? 'JobSkippedSetupPending' : 'JobSkippedResourceUnavailable');
      return { outcome: 'skipped', reason: pending ? 'integration-setup-pending' : 'resource-unavailable' };
    }
    await this.recordFailure(walk, failure);
    if (error instanceof KomboUnavailableError && pagesThisInvocation > 0) {
      telemetry.warn('Kombo unavailable; continuing from the checkpoint in a new invocation', fields);
      return 'continue';
    }
    if (error instanceof KomboPaginationError) await state.discardWalk(walk.integrationId, walk.resource);
    telemetry.error('job failed', fields);
    throw error;
  }
}
