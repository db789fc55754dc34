import * as z from 'zod';
import type { IntegrationBlock, IntegrationState } from '../../core/ports';

/** Fields of the `meta` item written before blocks had a model of their own: removed on every block change. */
export const LEGACY_BLOCK_FIELDS = 'blocked_code, blocked_until, blocked_at';

const purgeProgressSchema = z
  .object({
    resourceIndex: z.number().int().nonnegative(),
    key: z.string().nullish(),
    deleted: z.number().int().nonnegative(),
    round: z.number().int().positive().optional().default(1),
  })
  .transform((progress) => ({ ...progress, key: progress.key ?? undefined }));

const blockSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('kombo'), code: z.string(), at: z.string(), until: z.string() }),
  z.object({ by: z.literal('state'), state: z.string(), at: z.string() }),
]);

/** The integration's `meta` item as the engine sees it. */
export function integrationStateOf(meta: Record<string, unknown>): IntegrationState {
  const purge = purgeProgressSchema.safeParse(meta.purge);
  const unavailable = z.array(z.string()).safeParse(meta.unavailable_resources);
  return {
    block: blockOf(meta),
    deletedAt: typeof meta.deleted_at === 'string' ? meta.deleted_at : undefined,
    purge: purge.success ? purge.data : undefined,
    unavailableResources: unavailable.success ? unavailable.data : [],
    dataExpiredAt: typeof meta.data_expired_at === 'string' ? meta.data_expired_at : undefined,
  };
}

/** The block, or one written before blocks had a model (`blocked_until` then bounded both kinds). */
function blockOf(meta: Record<string, unknown>): IntegrationBlock | undefined {
  const block = blockSchema.safeParse(meta.block);
  if (block.success) return block.data;
  const { blocked_code: code, blocked_until: until, blocked_at: at } = meta;
  if (typeof code === 'string' && typeof until === 'string') {
    return { by: 'kombo', code, until, at: typeof at === 'string' ? at : until };
  }
  return undefined;
}
