import type { Walk } from '../ports';
import type { EngineContext } from './engine-context';

/**
 * Ends every step of a walk that wrote something (or tried to). If the integration was marked
 * deleted meanwhile, its purge may already have passed what the step wrote, so the walk takes that
 * back, forgets its own state items, and must stop: true. Either this (consistent) read sees the
 * mark, or the writes finished before the mark was set and the purge, which starts after it, finds
 * them.
 */
export async function deletedMeanwhile(
  ctx: EngineContext,
  walk: Walk,
  writtenIds: readonly string[],
): Promise<boolean> {
  if (!(await ctx.integrations.integrationState(walk.integrationId))?.deletedAt) return false;
  await ctx.records.remove({ integrationId: walk.integrationId, resource: walk.resource }, writtenIds);
  await ctx.state.forgetResource(walk.integrationId, walk.resource, walk.runId);
  return true;
}

/** A failure goes into the resource's cursor item, which must not outlive a purge either. */
export async function recordFailure(
  ctx: EngineContext,
  walk: Walk,
  failure: { code: string | null; message: string },
): Promise<'recorded' | 'deleted'> {
  await ctx.state.recordFailure(walk.integrationId, walk.resource, { at: ctx.now().toISOString(), ...failure });
  return (await deletedMeanwhile(ctx, walk, [])) ? 'deleted' : 'recorded';
}
