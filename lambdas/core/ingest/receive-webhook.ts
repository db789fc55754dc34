import { describeIssues, errorMessage } from '../describe';
import { webhookEnvelopeSchema } from '../kombo/webhook-events';
import { onDataChanged } from './on-data-changed';
import { onIntegrationCreated, onIntegrationDeleted, onIntegrationStateChanged } from './on-lifecycle';
import { failure, reply, type WebhookDependencies, type WebhookResponse } from './responses';
import { isValidSignature } from './signature';

export type { WebhookDependencies, WebhookResponse } from './responses';

/** Kombo's webhooks are small; anything this big is not one of them. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

export interface WebhookRequest {
  readonly body: string | undefined;
  readonly isBase64Encoded: boolean;
  readonly signature: string | undefined;
}

/** `data-changed` names its integration `integration_id`, the lifecycle events `id`. */
function integrationNamed(data: Record<string, unknown>): { integrationId?: string } {
  const id = data.integration_id ?? data.id;
  return typeof id === 'string' && id !== '' ? { integrationId: id } : {};
}

/**
 * The secrets to verify with, or why there is none. A blank secret is a configuration mistake, not a
 * key (anyone could sign with it): it is skipped, and without another one the answer is a 500, as
 * for an unreadable secret, so Kombo retries once the secret is fixed.
 */
async function usableSecrets(deps: WebhookDependencies): Promise<readonly string[] | string> {
  let secrets: readonly string[];
  try {
    secrets = await deps.webhookSecrets();
  } catch (error) {
    return errorMessage(error);
  }
  const usable = secrets.filter((secret) => secret.trim() !== '');
  return usable.length > 0 ? usable : 'the configured webhook secret is blank';
}

const HANDLERS = {
  'data-changed': onDataChanged,
  'integration-created': onIntegrationCreated,
  'integration-state-changed': onIntegrationStateChanged,
  'integration-deleted': onIntegrationDeleted,
} as const;

/**
 * Verifies, validates and turns one Kombo webhook into sync jobs. Answers 200 only when everything
 * the event asks for is enqueued (or deliberately needs nothing), so Kombo retries anything else.
 */
export async function receiveWebhook(request: WebhookRequest, deps: WebhookDependencies): Promise<WebhookResponse> {
  const { telemetry } = deps;
  const rawBody = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8');
  if (rawBody.length > MAX_WEBHOOK_BODY_BYTES) {
    telemetry.warn('webhook rejected: body too large', { bytes: rawBody.length });
    telemetry.count('WebhookRejected');
    return failure(413, `body is ${rawBody.length} bytes; the limit is ${MAX_WEBHOOK_BODY_BYTES}`);
  }

  const secrets = await usableSecrets(deps);
  if (typeof secrets === 'string') {
    telemetry.error('webhook secret unavailable', { reason: secrets });
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
  // From here on every log line carries the event's id as its correlation id, as do the jobs' lines.
  const scoped = telemetry.with({ correlation_id: event.id });
  if (Object.hasOwn(HANDLERS, event.type)) {
    const response = await HANDLERS[event.type as keyof typeof HANDLERS](event, { ...deps, telemetry: scoped });
    if (response.statusCode === 200 && response.body.status === 'accepted') scoped.count('WebhookAccepted');
    return { ...response, ...integrationNamed(event.data) };
  }

  // Answering anything but 200 would only make Kombo retry an event we do not act on.
  scoped.info('webhook ignored: event type not handled', { eventId: event.id, eventType: event.type });
  scoped.count('WebhookIgnored');
  return reply(200, { status: 'ignored', reason: `event type ${event.type} is not handled` });
}
