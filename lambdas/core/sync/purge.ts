import { RESOURCE_CATALOGUE } from '../kombo/catalogue';
import type { Deadline, PurgeProgress } from '../ports';
import { continueLater, type EngineContext, mayStart } from './engine-context';
import type { PurgeJob } from './job';
import type { JobResult } from './outcomes';

/** A purge's rounds: a walk that was mid-page when the purge began may leave items behind once. */
const MAX_PURGE_ROUNDS = 3;

/**
 * Deletes every record and state item of a deleted integration, in chunks that continue. A round
 * ends with a check that deletes as it looks: if a walk that was mid-page when the deletion mark was
 * set wrote anything meanwhile, another round follows.
 */
export async function purgeIntegration(
  ctx: EngineContext,
  runnable: { job: PurgeJob; requestedAt: number },
  deadline: Deadline,
): Promise<JobResult> {
  const { records, state, integrations, telemetry } = ctx;
  const integrationId = runnable.job.integrationId;
  const integration = await integrations.integrationState(integrationId);
  if (!integration?.deletedAt) {
    telemetry.warn('purge skipped: the integration is not marked deleted', { integrationId });
    telemetry.count('PurgeSkipped');
    return { outcome: 'skipped', reason: 'integration-unavailable' };
  }
  let purge: PurgeProgress = integration.purge ?? { resourceIndex: 0, key: undefined, deleted: 0, round: 1 };
  let steps = 0;
  const progress = { walks: 0, pages: 0 };
  const later = () =>
    continueLater(
      ctx,
      runnable,
      `${purge.round}#${purge.resourceIndex}#${purge.key ?? ''}#${ctx.now().getTime()}`,
      progress,
    );
  for (;;) {
    while (purge.resourceIndex < RESOURCE_CATALOGUE.length) {
      if (!mayStart(ctx, steps++, deadline)) return later();
      const resource = (RESOURCE_CATALOGUE[purge.resourceIndex] as { resource: string }).resource;
      const page = await records.purge({ integrationId, resource }, purge.key);
      const deleted = purge.deleted + page.result.deleted;
      purge = page.nextKey
        ? { ...purge, key: page.nextKey, deleted }
        : { ...purge, resourceIndex: purge.resourceIndex + 1, key: undefined, deleted };
      telemetry.count('RecordsPurged', page.result.deleted);
      await integrations.savePurgeProgress(integrationId, purge);
      progress.pages++;
    }
    for (let more = true; more; ) {
      if (!mayStart(ctx, steps++, deadline)) return later();
      more = (await state.purgeStatePage(integrationId)).more;
    }
    if (!mayStart(ctx, steps++, deadline)) return later();
    const leftovers = await purgeCheck(ctx, integrationId);
    if (leftovers === 0) break;
    if (purge.round >= MAX_PURGE_ROUNDS) {
      const reason = `purge of ${integrationId}: items still appear after ${purge.round} rounds`;
      telemetry.error('purge failed', { integrationId, rounds: purge.round, leftovers });
      return { outcome: 'failed', code: null, reason };
    }
    telemetry.warn('purge found items written meanwhile; purging again', {
      integrationId,
      round: purge.round,
      leftovers,
    });
    purge = { resourceIndex: 0, key: undefined, deleted: purge.deleted + leftovers, round: purge.round + 1 };
    await integrations.savePurgeProgress(integrationId, purge);
  }
  await integrations.finishPurge(integrationId, ctx.now().toISOString());
  telemetry.info('integration purged', { integrationId, recordsDeleted: purge.deleted, rounds: purge.round });
  telemetry.count('IntegrationsPurged');
  return { outcome: 'completed', walks: 0, pages: progress.pages };
}

/** Deletes the first page of every resource and of the state items again; returns what there still was. */
async function purgeCheck(ctx: EngineContext, integrationId: string): Promise<number> {
  let found = 0;
  for (const { resource } of RESOURCE_CATALOGUE) {
    found += (await ctx.records.purge({ integrationId, resource }, undefined)).result.deleted;
  }
  return found + (await ctx.state.purgeStatePage(integrationId)).deleted;
}
