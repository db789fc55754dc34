import { isCategory, resourcesForChangedModels } from '../kombo/catalogue';
import { dataChangedDataSchema, describeIssues, webhookEnvelopeSchema, type WebhookEnvelope } from '../kombo/webhook-events';
import { EnqueueError } from '../store/job-queue';
import type { JobQueue } from '../sync/ports';
import { deltaJobForEvent } from '../sync/job';
import type { Telemetry } from '../telemetry';
import { isValidSignature } from '../webhook/signature';

/** Kombo's webhooks are small; anything this big is not one of them. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

export interface WebhookRequest {
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
  readonly signature: string | undefined;
}

export interface WebhookResponse {
  readonly statusCode: number;
  readonly body: Record<string, unknown>;
}

export interface WebhookDependencies {
  readonly webhookSecrets: () => Promise<readonly string[]>;
  readonly queue: JobQueue;
  readonly syncResources: ReadonlySet<string>;
  readonly telemetry: Telemetry;
}

const reply = (statusCode: number, body: Record<string, unknown>): WebhookResponse => ({ statusCode, body });
const failure = (statusCode: number, error: string) => reply(statusCode, { error });

/**
 * Verifies, validates and turns one Kombo webhook into sync jobs. Answers 200 only when everything
 * the event asks for is enqueued (or deliberately needs nothing), so Kombo retries anything else.
 */
export async function receiveWebhook(
  request: WebhookRequest,
  deps: WebhookDependencies,
): Promise<WebhookResponse> {
  const { telemetry } = deps;
  const rawBody = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8');
  if (rawBody.length > MAX_WEBHOOK_BODY_BYTES) {
    telemetry.warn('webhook rejected: body too large', { bytes: rawBody.length });
    telemetry.count('WebhookRejected');
    return failure(413, `body is ${rawBody.length} bytes; the limit is ${MAX_WEBHOOK_BODY_BYTES}`);
  }

  let secrets: readonly string[];
  try {
    secrets = await deps.webhookSecrets();
  } catch (error) {
    telemetry.error('webhook secret unavailable', { reason: errorMessage(error) });
    telemetry.count('WebhookSecretUnavailable');
    return failure(500, 'webhook secret unavailable');
  }
  // Verified on the raw bytes before anything parses them.
  if (!isValidSignature(rawBody, request.signature, secrets)) {
    telemetry.warn('webhook rejected: invalid signature', { signaturePresent: Boolean(request.signature) });
    telemetry.count('WebhookUnauthorized');
    return failure(401, request.signature ? 'invalid X-Kombo-Signature' : 'missing X-Kombo-Signature');
  }

  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    telemetry.warn('webhook rejected: body is not JSON');
    telemetry.count('WebhookRejected');
    return failure(400, 'body is not valid JSON');
  }
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    const problem = describeIssues(envelope.error);
    telemetry.warn('webhook rejected: not a Kombo event', { problem });
    telemetry.count('WebhookRejected');
    return failure(400, `not a Kombo webhook event: ${problem}`);
  }

  const event = envelope.data;
  if (event.type === 'data-changed') return onDataChanged(event, deps);

  // Answering anything but 200 would only make Kombo retry an event we do not act on.
  telemetry.info('webhook ignored: event type not handled', { eventId: event.id, eventType: event.type });
  telemetry.count('WebhookIgnored');
  return reply(200, { status: 'ignored', reason: `event type ${event.type} is not handled` });
}

async function onDataChanged(event: WebhookEnvelope, deps: WebhookDependencies): Promise<WebhookResponse> {
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
    await deps.queue.send(jobs);
  } catch (error) {
    telemetry.error('enqueue failed; answering 500 so Kombo retries', {
      ...context,
      jobs: jobs.length,
      reason: errorMessage(error),
      failedJobs: error instanceof EnqueueError ? error.failedJobs : jobs.length,
    });
    telemetry.count('EnqueueFailed');
    return failure(500, 'could not enqueue sync jobs; please retry');
  }
  telemetry.info('data-changed accepted', { ...context, changedModels, resources });
  telemetry.count('SyncJobsEnqueued', jobs.length);
  return reply(200, { status: 'accepted', jobs: jobs.length, resources });
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
