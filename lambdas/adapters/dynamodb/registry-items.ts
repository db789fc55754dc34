import * as z from 'zod';
import type { RegisteredIntegration } from '../../core/ports';

const registryItemSchema = z.object({
  sk: z.string(),
  tool: z.string(),
  category: z.string(),
  state: z.string(),
  origin_id: z.string().nullish(),
  first_seen_at: z.string(),
  last_seen_at: z.string(),
  state_updated_at: z.string().optional(),
  missing_since: z.string().optional(),
  first_data_changed_at: z.string().optional(),
  last_data_changed_at: z.string().optional(),
  data_changed_count: z.number().optional(),
});

/** A registry item (`pk` = `registry`, `sk` = the integration id) as the domain sees it. */
export function registeredIntegrationOf(item: Record<string, unknown>): RegisteredIntegration {
  const parsed = registryItemSchema.parse(item);
  const { first_data_changed_at: first, last_data_changed_at: last, data_changed_count: count } = parsed;
  return {
    id: parsed.sk,
    tool: parsed.tool,
    category: parsed.category,
    state: parsed.state,
    originId: parsed.origin_id ?? null,
    firstSeenAt: parsed.first_seen_at,
    lastSeenAt: parsed.last_seen_at,
    stateUpdatedAt: parsed.state_updated_at,
    missingSince: parsed.missing_since,
    dataChanged: first && last && count ? { first, last, count } : undefined,
  };
}
