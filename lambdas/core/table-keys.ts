/**
 * Key layout of the two tables, shared by the stores, the CDK constructs and the local servers.
 *
 * Records table: `pk` = `<integration_id>#<resource>`, `sk` = Kombo `id`.
 * State table: one partition per integration, `pk` = `integration#<id>`, so a purge is one Query.
 */
export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
/** Epoch seconds; DynamoDB's TTL deletes tombstones and finished-run summaries after it. */
export const TTL_ATTRIBUTE = 'expires_at';

export const recordPartition = (integrationId: string, resource: string) => `${integrationId}#${resource}`;

export const statePartition = (integrationId: string) => `integration#${integrationId}`;
export const STATE_META_KEY = 'meta';
export const cursorKey = (resource: string) => `cursor#${resource}`;
export const walkKey = (resource: string) => `walk#${resource}`;
/** Who walks the resource now (see StateStore.acquireWalkLease). */
export const leaseKey = (resource: string) => `lease#${resource}`;
export const runKey = (resource: string, runId: string) => `run#${resource}#${runId}`;
/** What one page of a full walk saw: the walk (by its start) and the page, sortable. */
export const seenPrefix = (resource: string, walkStartedAt: string) => `seen#${resource}#${walkStartedAt}#`;
export const seenKey = (resource: string, walkStartedAt: string, page: number) =>
  `${seenPrefix(resource, walkStartedAt)}${String(page).padStart(6, '0')}`;

/** The registry of integrations: one partition, one item per integration, listed with one Query. */
export const REGISTRY_PARTITION = 'registry';

/**
 * The fleet's Kombo request budget: one partition, one item per budget window (the window's start,
 * epoch ms), removed by TTL. Every container counts its requests there.
 */
export const REQUEST_BUDGET_PARTITION = 'kombo-request-budget';
export const budgetWindowKey = (windowStartMs: number) => `window#${windowStartMs}`;
