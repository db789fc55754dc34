import { describeIssues, errorMessage } from '../describe';
import { isCategory, resourcesForChangedModels } from '../kombo/catalogue';
import { dataChangedDataSchema, type WebhookEnvelope } from '../kombo/webhook-events';
import { ACTIVE_STATE, DELETED_STATE } from '../ports';
import { deltaJobForEvent, reconcileJob } from '../sync/job';
import { enqueueOrFail } from './enqueue';
import { failure, reply, type WebhookDependencies, type WebhookResponse } from './responses';

/**
 * `data-changed`: registers the integration if it is new to us (self-healing), maps the changed
 * models to the configured resources and enqueues one delta job per (integration, resource).
 */
export async function onDataChanged(event: WebhookEnvelope, deps: WebhookDependencies): Promise<WebhookResponse> {
  const { telemetry } = deps;
  const parsed = dataChangedDataSchema.safeParse(event.data);
  if (!parsed.success) {
    const problem = describeIssues(parsed.error, 'data');
    telemetry.warn('webhook rejected: invalid data-changed event', { eventId: event.id, problem });
    telemetry.count('WebhookRejected');
    return failure(400, `invalid data-changed event: ${problem}`);
  }
  const data = parsed.data;
  const context = { eventId: event.id, integrationId: data.integration_id };
  const category = data.integration_category;
  if (!isCategory(category)) {
    telemetry.info('data-changed ignored: category has no readable resources', { ...context, category });
    telemetry.count('WebhookIgnored');
    return reply(200, { status: 'ignored', reason: `category ${category} has no resources to sync` });
  }

  const changedModels = data.changed_models.map((model) => model.name);
  const { resources, unknownModels } = resourcesForChangedModels(category, changedModels, deps.syncResources);
  if (unknownModels.length > 0) {
    telemetry.warn('data-changed names unknown models; fetching every configured resource of the category', {
      ...context,
      unknownModels,
    });
    telemetry.count('UnknownChangedModel', unknownModels.length);
  }

  const jobs = resources.map((resource) => deltaJobForEvent(event.id, data.integration_id, resource));
  try {
    const now = (deps.now ?? (() => new Date()))().toISOString();
    const registered = await deps.registry.register({
      id: data.integration_id,
      tool: data.integration_tool,
      category,
      at: now,
      dataChangedAt: now,
    });
    // Kombo says the data changed, so the integration works, whatever state we hold: ask Kombo again.
    if (
      registered.outcome === 'refreshed' &&
      registered.previousState !== ACTIVE_STATE &&
      registered.previousState !== DELETED_STATE
    ) {
      jobs.push(reconcileJob(data.integration_id, { eventId: event.id }));
      telemetry.info('data-changed for a blocked integration; asking Kombo for its state', {
        ...context,
        state: registered.previousState,
      });
    }
  } catch (error) {
    // The sync itself does not depend on the registry; the weekly plan picks it up on a later event.
    telemetry.error('could not register the integration; syncing anyway', { ...context, reason: errorMessage(error) });
    telemetry.count('RegistryWriteFailed');
  }

  const failed = await enqueueOrFail(jobs, deps, context);
  if (failed) return failed;
  telemetry.info('data-changed accepted', { ...context, changedModels, resources });
  telemetry.count('SyncJobsEnqueued', jobs.length);
  return reply(200, { status: 'accepted', jobs: jobs.length, resources });
}
