import * as z from 'zod';
import { errorMessage } from '../describe';
import { KomboIntegrationUnavailableError } from '../kombo/errors';
import {
  ACTIVE_STATE,
  DELETED_STATE,
  type Deadline,
  type IntegrationRegistry,
  type IntegrationSource,
  type JobQueue,
  type Telemetry,
} from '../ports';
import { runPool } from '../sync/concurrency';
import { laneOf, reconcileJob } from '../sync/job';

/** `{"register": ["<integration id>", …]}`: the bulk registration of a team migrating onto this stack. */
export const registerRequestSchema = z
  .object({ register: z.array(z.string().trim().min(1, 'must be an integration id')).min(1).max(1_000) })
  .strict();

export type RegistrationResult = 'registered' | 'already registered' | 'not found' | 'inactive' | 'deleted' | 'failed';

export interface RegisterDependencies {
  readonly upstream: IntegrationSource;
  readonly registry: Pick<IntegrationRegistry, 'get' | 'register' | 'setState'>;
  readonly queue: JobQueue;
  readonly telemetry: Telemetry;
  readonly now: () => Date;
  /** Lanes the backfills' reconcile jobs go in, as the weekly run's (0: each in its integration's group). */
  readonly bulkLanes: number;
}

/** Kombo lookups at a time: well under its rate limit, which the client honours besides. */
const LOOKUPS_IN_FLIGHT = 4;

/**
 * Looks each id up with Kombo, registers it (tool, category, state, origin id) and, for an active
 * one, enqueues a reconcile job that plans its backfill (configured, available resources). Answers
 * per id. Idempotent: an id already registered is left as it is.
 */
export async function registerIntegrations(
  ids: readonly string[],
  runId: string,
  deadline: Deadline,
  deps: RegisterDependencies,
): Promise<{ runId: string; results: { id: string; result: RegistrationResult; reason?: string }[] }> {
  const unique = [...new Set(ids)];
  const results = new Array<{ id: string; result: RegistrationResult; reason?: string }>(unique.length);
  await runPool(unique, LOOKUPS_IN_FLIGHT, async (id, index) => {
    results[index] = await registerOne(id, runId, deadline, deps).catch((error: unknown) => ({
      id,
      result: 'failed' as const,
      reason: errorMessage(error),
    }));
    return 'next';
  });
  const counts: Partial<Record<RegistrationResult, number>> = {};
  for (const { result } of results) counts[result] = (counts[result] ?? 0) + 1;
  deps.telemetry.info('bulk registration done', { runId, ...counts });
  deps.telemetry.count('IntegrationsRegisteredInBulk', counts.registered ?? 0);
  deps.telemetry.count('IntegrationRegistrationsFailed', counts.failed ?? 0);
  return { runId, results };
}

async function registerOne(
  id: string,
  runId: string,
  deadline: Deadline,
  deps: RegisterDependencies,
): Promise<{ id: string; result: RegistrationResult; reason?: string }> {
  const existing = await deps.registry.get(id);
  if (existing?.state === DELETED_STATE) return { id, result: 'deleted' };
  if (existing) return { id, result: 'already registered' };
  let details: Awaited<ReturnType<IntegrationSource['getIntegration']>>;
  try {
    details = await deps.upstream.getIntegration(id, deadline, 'bulk');
  } catch (error) {
    if (error instanceof KomboIntegrationUnavailableError && error.code === 'PLATFORM.INTEGRATION_NOT_FOUND')
      return { id, result: 'not found' };
    throw error;
  }
  const at = deps.now().toISOString();
  const identity = { id, tool: details.tool, category: details.category, originId: details.originId, at };
  await deps.registry.register(identity);
  await deps.registry.setState({ ...identity, state: details.status, updatedAt: at });
  if (details.status !== ACTIVE_STATE) return { id, result: 'inactive' };
  // The reconcile job plans the backfill of what Kombo offers, the same way the weekly run does.
  await deps.queue.send([reconcileJob(id, { runId, lane: laneOf(`${id}#reconcile`, deps.bulkLanes) })]);
  return { id, result: 'registered' };
}
