import { KomboError, KomboIntegrationUnavailableError } from '../kombo/errors';
import type { KomboRecord } from '../kombo/responses';
import type { Deadline, ListQuery, SweepProgress, Walk } from '../ports';
import { deletedMeanwhile } from './deletion-fence';
import { type EngineContext, mayStart, requestDeadline } from './engine-context';
import { writePage } from './page-writer';

/** Ids per recheck request: well inside a URL's length and Kombo's page size. */
const RECHECK_IDS_PER_REQUEST = 100;

export type SweepOutcome =
  | { readonly status: 'done' }
  | { readonly status: 'out-of-time' }
  | { readonly status: 'deleted' }
  | { readonly status: 'failed'; readonly error: unknown };

/**
 * After a complete full walk: every live item not seen by the walk and not written since it began
 * vanished upstream without a trace, and becomes a tombstone, unless there are so many that an
 * upstream outage is likelier (the brake) and an operator has not forced the sweep. Each step
 * (a count page, a sweep page) is checkpointed and counts as progress, so a failure after one
 * continues later instead of failing the job.
 */
export async function sweepAfterFullWalk(
  ctx: EngineContext,
  walk: Walk,
  deadline: Deadline,
  progress: { pages: number },
): Promise<SweepOutcome> {
  const { records, state } = ctx;
  walk.sweep ??= { phase: 'count', key: undefined, live: 0, candidates: 0, recovered: 0, swept: 0, braked: false };
  const sweep: SweepProgress = walk.sweep;
  const partition = { integrationId: walk.integrationId, resource: walk.resource };
  // What the walk's pages saw (one item per page), read again in every invocation the sweep takes.
  const seen = sweep.phase === 'done' ? new Set<string>() : await state.seenIds(walk);
  while (sweep.phase === 'count') {
    if (!mayStart(ctx, progress.pages, deadline)) return { status: 'out-of-time' };
    const page = await records.countSweepCandidates(partition, walk.startedAt, seen, sweep.key);
    sweep.live += page.result.live;
    sweep.candidates += page.result.candidates;
    sweep.key = page.nextKey;
    if (page.nextKey === undefined) decideSweep(ctx, walk, sweep);
    await state.saveWalk(walk);
    progress.pages++;
    if (await deletedMeanwhile(ctx, walk, [])) return { status: 'deleted' };
  }
  while (sweep.phase === 'sweep') {
    if (!mayStart(ctx, progress.pages, deadline)) return { status: 'out-of-time' };
    const page = await records.sweepCandidates(partition, walk.startedAt, seen, sweep.key);
    const recheck = await recheckUpstream(ctx, walk, page.result.ids, deadline);
    if (recheck.status !== 'found') {
      // What the recheck wrote before it stopped may have raced a purge as well.
      if (await deletedMeanwhile(ctx, walk, page.result.ids)) return { status: 'deleted' };
      return recheck.status === 'throttled' ? { status: 'out-of-time' } : recheck;
    }
    const found = new Set(recheck.records.map((record) => record.id));
    const gone = page.result.ids.filter((id) => !found.has(id));
    const now = ctx.now();
    const swept = await records.tombstone(partition, gone, walk.startedAt, {
      at: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + ctx.settings.tombstoneTtlSeconds,
    });
    sweep.recovered += found.size;
    sweep.swept += swept;
    sweep.key = page.nextKey;
    ctx.telemetry.count('RecordsSwept', swept);
    ctx.telemetry.count('SweepCandidatesRecovered', found.size);
    if (page.nextKey === undefined) sweep.phase = 'done';
    await state.saveWalk(walk);
    progress.pages++;
    if (await deletedMeanwhile(ctx, walk, [...found])) return { status: 'deleted' };
  }
  return { status: 'done' };
}

/** The brake holds only when the candidates are both a large share and more than a handful. */
function decideSweep(ctx: EngineContext, walk: Walk, sweep: SweepProgress): void {
  const { sweepBrakeShare, sweepBrakeMinRecords } = ctx.settings;
  sweep.key = undefined;
  const share = sweep.live === 0 ? 0 : sweep.candidates / sweep.live;
  if (sweep.candidates > sweepBrakeMinRecords && share > sweepBrakeShare && !walk.forceSweep) {
    sweep.braked = true;
    sweep.phase = 'done';
    ctx.telemetry.warn('sweep braked: it would remove too large a share of the resource; nothing removed', {
      integrationId: walk.integrationId,
      resource: walk.resource,
      runId: walk.runId,
      candidates: sweep.candidates,
      live: sweep.live,
      share: Math.round(share * 1000) / 1000,
      limit: sweepBrakeShare,
      minRecords: sweepBrakeMinRecords,
      howToForce: 'invoke the full-sync function with {"integration_id", "resources", "force_sweep": true}',
    });
    ctx.telemetry.count('SweepBraked');
    return;
  }
  sweep.phase = sweep.candidates > 0 ? 'sweep' : 'done';
}

type Recheck =
  | { readonly status: 'found'; readonly records: readonly KomboRecord[] }
  | { readonly status: 'throttled' }
  | { readonly status: 'failed'; readonly error: unknown };

/**
 * Asks Kombo for the sweep candidates by id before anything is tombstoned: a record the walk
 * missed (pagination shifts while data changes) comes back and is written, not swept.
 */
async function recheckUpstream(
  ctx: EngineContext,
  walk: Walk,
  ids: readonly string[],
  deadline: Deadline,
): Promise<Recheck> {
  const found: KomboRecord[] = [];
  for (let start = 0; start < ids.length; start += RECHECK_IDS_PER_REQUEST) {
    const fetched = await fetchByIds(ctx, walk, ids.slice(start, start + RECHECK_IDS_PER_REQUEST), deadline);
    if ('error' in fetched) return { status: 'failed', error: fetched.error };
    const written = await writePage(ctx, walk, fetched.records);
    if (written.status === 'throttled') return { status: 'throttled' };
    if (written.status === 'failed') return written;
    found.push(...fetched.records);
  }
  return { status: 'found', records: found };
}

/**
 * The records Kombo still has among `ids`. An older version of Kombo's docs says a list filtered
 * by ids answers 404 when any id is unknown, and the candidates are exactly the ids Kombo may no
 * longer know: on such an answer the ids are asked for in halves, down to single ids, and a single
 * id Kombo does not know is gone.
 */
async function fetchByIds(
  ctx: EngineContext,
  walk: Walk,
  ids: readonly string[],
  deadline: Deadline,
): Promise<{ readonly records: KomboRecord[] } | { readonly error: unknown }> {
  const query: ListQuery = { integrationId: walk.integrationId, resource: walk.resource, includeDeleted: true, ids };
  const records: KomboRecord[] = [];
  try {
    for await (const page of ctx.kombo.pages(query, { deadline: requestDeadline(ctx, deadline) }))
      records.push(...page.records);
    return { records };
  } catch (error) {
    if (!isUnknownIdsAnswer(error)) return { error };
  }
  records.length = 0;
  if (ids.length === 1) return { records: [] };
  const middle = Math.ceil(ids.length / 2);
  const halves = [ids.slice(0, middle), ids.slice(middle)];
  for (const half of halves) {
    const fetched = await fetchByIds(ctx, walk, half, deadline);
    if ('error' in fetched) return fetched;
    records.push(...fetched.records);
  }
  return { records };
}

/** 404 (other than "integration not found") or "input invalid": some of the ids are unknown. */
function isUnknownIdsAnswer(error: unknown): boolean {
  if (!(error instanceof KomboError) || error instanceof KomboIntegrationUnavailableError) return false;
  return error.status === 404 || error.code === 'PLATFORM.INPUT_INVALID';
}
