/**
 * Sends webhooks the way Kombo does: a JSON body `{ id, type, data }` and the header
 * `X-Kombo-Signature`, the base64url (unpadded) HMAC-SHA256 of the exact body bytes keyed with
 * the webhook secret. Signed here with node:crypto, independently of the project's verifier.
 */
import { createHmac } from 'node:crypto';
import { handOut } from './confidential';
import type { WebhookDelivery } from './types';

/** Kombo does not document its delivery timeout; long enough for a cold local Lambda. */
const DELIVERY_TIMEOUT_MS = 30_000;

export function kombosSignature(rawBody: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64url');
}

export interface WebhookEnvelope {
  readonly id: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

export async function deliverWebhook(url: string, secret: string, envelope: WebhookEnvelope): Promise<WebhookDelivery> {
  const rawBody = Buffer.from(JSON.stringify(envelope), 'utf8');
  const signature = kombosSignature(rawBody, secret);
  handOut({ kind: 'webhook secret', value: secret });
  handOut({ kind: 'signature', value: signature });
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-kombo-signature': signature,
      'user-agent': 'fake-kombo-webhooks',
    },
    body: rawBody,
    signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.text(), eventId: envelope.id };
}
