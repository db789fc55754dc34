import { backoffMs } from '../backoff';
import { KomboCursorRejectedError, KomboPaginationError } from '../kombo/errors';
import type { Deadline, ListQuery, Page, Walk } from '../ports';
import { deletedMeanwhile } from './deletion-fence';
import { type EngineContext, mayStart, requestDeadline } from './engine-context';
import { type PageWrite, writePage } from './page-writer';

/** Where a walk through Kombo's pages stopped. */
export type PagesOutcome =
  | { readonly status: 'done' }
  /** Time ran short, or DynamoDB kept throttling: carry on from the checkpoint in a new invocation. */
  | { readonly status: 'out-of-time' }
  | { readonly status: 'deleted' }
  | { readonly status: 'failed'; readonly error: unknown };

type PageIterator = AsyncGenerator<Page & { cursor: string | undefined }>;

/**
 * Walks from the walk's checkpoint until the last page, or until time runs short. Every page is
 * written, then checkpointed; the next page is fetched while one is written. Whatever way the walk
 * stops, the request in flight is settled first. A checkpointed cursor Kombo rejects restarts the
 * walk from the beginning, once.
 */
export async function walkPages(
  ctx: EngineContext,
  walk: Walk,
  deadline: Deadline,
  progress: { pages: number },
): Promise<PagesOutcome> {
  for (;;) {
    const outcome = await walkFromCheckpoint(ctx, walk, deadline, progress);
    if (outcome.status !== 'restart') return outcome;
    await restart(ctx, walk);
  }
}

async function walkFromCheckpoint(
  ctx: EngineContext,
  walk: Walk,
  deadline: Deadline,
  progress: { pages: number },
): Promise<PagesOutcome | { readonly status: 'restart' }> {
  if (walk.pages > 0 && walk.next === null) return { status: 'done' };
  const pages = openPages(ctx, walk, deadline);
  let pending = pages.next();
  try {
    for (;;) {
      let result: IteratorResult<Page & { cursor: string | undefined }>;
      try {
        result = await pending;
      } catch (error) {
        if (!(error instanceof KomboCursorRejectedError)) return { status: 'failed', error };
        if (!(walk.pages > 0 && walk.next !== null && walk.restarts === 0)) {
          // Once more would loop: the walk fails, and is abandoned if that keeps happening.
          const again = new KomboPaginationError(
            `${walk.resource}: Kombo rejected a cursor again after a restart`,
            error.code,
            error.status,
          );
          return { status: 'failed', error: again };
        }
        return { status: 'restart' };
      }
      if (result.done) return { status: 'done' };
      const page = result.value;
      const more = page.next !== null;
      // The next page is requested while this one is written.
      if (more) {
        pending = pages.next();
        // Awaited below (or settled on the way out); this only keeps a failure meanwhile from counting as unhandled.
        pending.catch(() => undefined);
      }
      const written = await writeWithBackoff(ctx, walk, page, deadline);
      const ids = page.records.map((record) => record.id);
      if (written.status !== 'written') {
        if (await deletedMeanwhile(ctx, walk, ids)) return { status: 'deleted' };
        return written.status === 'throttled' ? { status: 'out-of-time' } : { status: 'failed', error: written.error };
      }
      // A full walk records what each page saw, so the sweep spares those records without a write to each.
      if (walk.kind === 'full') await ctx.state.saveSeenPage(walk, walk.pages + 1, ids);
      walk.next = page.next;
      walk.pages++;
      walk.throttles = 0;
      // A checkpoint that moved is no longer the one that failed.
      walk.failure = undefined;
      progress.pages++;
      // A delta page whose records were all stored already wrote nothing a purge could miss, so its
      // checkpoint (and the fence that guards the checkpoint) waits for a page that writes or for the
      // walk to stop (out of time here; done: the completion and its fence follow): an unchanged
      // re-read then costs its batch reads only. A crash meanwhile re-reads those pages, at the cost
      // of the reads.
      const deferCheckpoint = walk.kind === 'delta' && written.wroteNothing;
      if (!deferCheckpoint && (await checkpoint(ctx, walk, ids)) === 'deleted') return { status: 'deleted' };
      if (!more) return { status: 'done' };
      if (!mayStart(ctx, 1, deadline)) {
        if (deferCheckpoint && (await checkpoint(ctx, walk, [])) === 'deleted') return { status: 'deleted' };
        return { status: 'out-of-time' };
      }
    }
  } finally {
    // A prefetch still in flight is settled, and the generator closed, before the walk returns.
    await pending.then(
      () => undefined,
      () => undefined,
    );
    await pages.return(undefined).catch(() => undefined);
  }
}

function openPages(ctx: EngineContext, walk: Walk, deadline: Deadline): PageIterator {
  const query: ListQuery = {
    integrationId: walk.integrationId,
    resource: walk.resource,
    updatedAfter: walk.updatedAfter,
    includeDeleted: true,
  };
  return ctx.kombo.pages(query, {
    deadline: requestDeadline(ctx, deadline),
    startCursor: walk.pages > 0 ? (walk.next ?? undefined) : undefined,
    maxPages: ctx.settings.maxPages - walk.pages,
    // Someone waits for a delta's change; a full walk is the weekly safety net and may wait its turn, and
    // so is a delta without a cursor: it walks the whole list, a backfill by another name.
    priority: walk.kind === 'delta' && walk.updatedAfter !== undefined ? 'realtime' : 'bulk',
  });
}

/** Saves the walk's place, then checks that the integration was not deleted meanwhile. */
async function checkpoint(ctx: EngineContext, walk: Walk, writtenIds: readonly string[]): Promise<'saved' | 'deleted'> {
  await ctx.state.saveWalk(walk);
  return (await deletedMeanwhile(ctx, walk, writtenIds)) ? 'deleted' : 'saved';
}

async function restart(ctx: EngineContext, walk: Walk): Promise<void> {
  ctx.telemetry.warn('Kombo rejected the checkpointed cursor; restarting the walk from the beginning', {
    integrationId: walk.integrationId,
    resource: walk.resource,
    pagesDiscarded: walk.pages,
  });
  ctx.telemetry.count('WalkRestarted');
  walk.restarts++;
  walk.pages = 0;
  walk.next = null;
  await ctx.state.saveWalk(walk);
}

/**
 * Writes a page; while DynamoDB throttles it and time allows, waits (exponentially longer, with
 * jitter) and writes it again. The throttles in a row are kept with the walk, so a continuation
 * waits as long as this invocation would have.
 */
async function writeWithBackoff(ctx: EngineContext, walk: Walk, page: Page, deadline: Deadline): Promise<PageWrite> {
  for (;;) {
    if (walk.throttles > 0) {
      const wait = throttleBackoffMs(ctx, walk.throttles);
      if (deadline.remainingMs() - wait < ctx.settings.timeMarginMs) return { status: 'throttled' };
      await ctx.sleep(wait);
    }
    const written = await writePage(ctx, walk, page.records);
    if (written.status !== 'throttled') return written;
    walk.throttles++;
    ctx.telemetry.warn('DynamoDB throttled a page; writing it again after a pause', {
      integrationId: walk.integrationId,
      resource: walk.resource,
      throttlesInARow: walk.throttles,
    });
    await ctx.state.saveWalk(walk);
  }
}

/** Exponential, capped, with jitter over the upper half of the step. */
export function throttleBackoffMs(ctx: EngineContext, throttles: number): number {
  // Half the step plus jitter over the other half: a throttle wants a real pause every time.
  const step = backoffMs(throttles, {
    baseMs: ctx.settings.throttleBackoffMs,
    maxMs: ctx.settings.maxThrottleBackoffMs,
  });
  return Math.ceil(step / 2 + (ctx.random() * step) / 2);
}
