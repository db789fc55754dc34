import type { z } from 'zod';
import { describeIssues, errorMessage } from '../describe';
import { configuredResourcesOf } from '../kombo/catalogue';
import {
  integrationCreatedDataSchema,
  integrationDeletedDataSchema,
  integrationStateChangedDataSchema,
  type WebhookEnvelope,
} from '../kombo/webhook-events';
import { ACTIVE_STATE } from '../ports';
import { fullJob, purgeJob } from '../sync/job';
import { enqueueOrFail } from './enqueue';
import { failure, reply, type WebhookDependencies, type WebhookResponse } from './responses';

/**
 * Kombo's integration lifecycle webhooks. Each answers 200 only when what it must do is done, so
 * Kombo retries the rest; a repeat of the same event does no harm.
 */

/** `integration-created`: register it, and backfill every configured resource with a full walk. */
export async function onIntegrationCreated(
  event: WebhookEnvelope,
  deps: WebhookDependencies,
): Promise<WebhookResponse> {
  const parsed = parseData(event, integrationCreatedDataSchema, deps);
  if (!parsed.ok) return parsed.response;
  const data = parsed.data;
  const context = { eventId: event.id, integrationId: data.id };
  const registered = await registryWrite(deps, context, () =>
    deps.registry.register({
      id: data.id,
      tool: data.tool,
      category: data.category,
      originId: data.end_user?.origin_id ?? null,
      at: now(deps),
    }),
  );
  if (!registered.ok) return registered.response;

  const resources = configuredResourcesOf(data.category, deps.syncResources);
  const runId = `created-${event.id}`;
  const failed = await enqueueOrFail(
    resources.map((resource) => fullJob(data.id, resource, runId)),
    deps,
    context,
  );
  if (failed) return failed;
  deps.telemetry.info('integration created: registered, backfill enqueued', {
    ...context,
    category: data.category,
    resources,
  });
  deps.telemetry.count('IntegrationsCreated');
  return reply(200, { status: 'accepted', jobs: resources.length, resources });
}

/**
 * `integration-state-changed`: store the state; anything but ACTIVE pauses the integration's jobs.
 * ACTIVE (again, or once its setup completed) starts a full walk of every configured resource: what
 * changed while it was paused, or while jobs were skipped, is caught up now rather than on Sunday.
 */
export async function onIntegrationStateChanged(
  event: WebhookEnvelope,
  deps: WebhookDependencies,
): Promise<WebhookResponse> {
  const parsed = parseData(event, integrationStateChangedDataSchema, deps);
  if (!parsed.ok) return parsed.response;
  const data = parsed.data;
  const context = { eventId: event.id, integrationId: data.integration_id, state: data.state };
  const stored = await registryWrite(deps, context, () =>
    deps.registry.setState({
      id: data.integration_id,
      tool: data.integration_tool,
      category: data.integration_category,
      state: data.state,
      originId: data.end_user?.origin_id ?? undefined,
      at: now(deps),
      updatedAt: data.updated_at ? new Date(data.updated_at).toISOString() : now(deps),
    }),
  );
  if (!stored.ok) return stored.response;
  if (stored.value !== 'applied') {
    // A late or retried event, older than the state we hold (or the integration is deleted): it changes nothing.
    deps.telemetry.info('integration state change ignored', { ...context, reason: stored.value });
    deps.telemetry.count('LifecycleEventIgnored');
    return reply(200, {
      status: 'ignored',
      reason: stored.value === 'stale' ? 'older than the stored state' : 'integration deleted',
    });
  }
  const resources =
    data.state === ACTIVE_STATE ? configuredResourcesOf(data.integration_category, deps.syncResources) : [];
  const failed = await enqueueOrFail(
    resources.map((resource) => fullJob(data.integration_id, resource, `state-${event.id}`)),
    deps,
    context,
  );
  if (failed) return failed;
  deps.telemetry.info('integration state changed', { ...context, catchUpResources: resources });
  deps.telemetry.count('IntegrationStateChanges');
  return reply(200, { status: 'accepted', state: data.state, jobs: resources.length });
}

/** `integration-deleted`: the customer left. Mark it deleted, then purge everything we hold of it. */
export async function onIntegrationDeleted(
  event: WebhookEnvelope,
  deps: WebhookDependencies,
): Promise<WebhookResponse> {
  const parsed = parseData(event, integrationDeletedDataSchema, deps);
  if (!parsed.ok) return parsed.response;
  const data = parsed.data;
  const context = { eventId: event.id, integrationId: data.id };
  const marked = await registryWrite(deps, context, () =>
    deps.registry.markDeleted({ id: data.id, tool: data.tool, category: data.category, at: now(deps) }),
  );
  if (!marked.ok) return marked.response;
  const failed = await enqueueOrFail([purgeJob(data.id, event.id)], deps, context);
  if (failed) return failed;
  deps.telemetry.info('integration deleted: purge enqueued', context);
  deps.telemetry.count('IntegrationsDeleted');
  return reply(200, { status: 'accepted', jobs: 1 });
}

function parseData<T extends z.ZodType>(
  event: WebhookEnvelope,
  schema: T,
  deps: WebhookDependencies,
): { ok: true; data: z.infer<T> } | { ok: false; response: WebhookResponse } {
  const parsed = schema.safeParse(event.data);
  if (parsed.success) return { ok: true, data: parsed.data };
  const problem = describeIssues(parsed.error, 'data');
  deps.telemetry.warn(`webhook rejected: invalid ${event.type} event`, { eventId: event.id, problem });
  deps.telemetry.count('WebhookRejected');
  return { ok: false, response: failure(400, `invalid ${event.type} event: ${problem}`) };
}

async function registryWrite<T>(
  deps: WebhookDependencies,
  context: Record<string, unknown>,
  write: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; response: WebhookResponse }> {
  try {
    return { ok: true, value: await write() };
  } catch (error) {
    deps.telemetry.error('registry write failed; answering 500 so Kombo retries', {
      ...context,
      reason: errorMessage(error),
    });
    deps.telemetry.count('RegistryWriteFailed');
    return { ok: false, response: failure(500, 'could not record the integration change; please retry') };
  }
}

const now = (deps: WebhookDependencies) => (deps.now ?? (() => new Date()))().toISOString();
