import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { webhookEnvelopeSchema } from '../../lambdas/core/kombo/webhook-events';
import { onDemandRequestSchema } from '../../lambdas/core/plan/full-sync-plan';
import { registerRequestSchema } from '../../lambdas/core/plan/register';
import { jobGroupId, syncJobSchema } from '../../lambdas/core/sync/job';
import { readTestWebhookSecret } from '../../local/test-webhook-secret';
import { kombosSignature } from '../support/webhook-events';

/** The sample events under events/ (for `sam local` and `npm run invoke:webhook`) stay valid as the code changes. */
const eventsDir = path.resolve(import.meta.dirname, '../../events');
const read = <T>(file: string) => JSON.parse(readFileSync(path.join(eventsDir, file), 'utf8')) as T;
const webhookFiles = readdirSync(eventsDir).filter((file) => /^webhook-.*\.json$/.test(file));
const signed = webhookFiles.filter((file) => file !== 'webhook-bad-signature.json');

describe('the sample webhook events', () => {
  it('include the signed data-changed, the lifecycle events and the bad signature', () => {
    expect(webhookFiles.sort()).toEqual([
      'webhook-bad-signature.json',
      'webhook-data-changed.json',
      'webhook-integration-created.json',
      'webhook-integration-deleted.json',
      'webhook-integration-state-changed.json',
    ]);
  });

  // A body edited without signing it again fails here, with the signature it needs.
  it.each(signed)('%s is signed with the test-only secret and is the event its name says', (file) => {
    const event = read<APIGatewayProxyEventV2>(file);
    const body = event.body ?? '';
    expect(event.headers['x-kombo-signature']).toBe(kombosSignature(body, readTestWebhookSecret()));
    const envelope = webhookEnvelopeSchema.parse(JSON.parse(body));
    expect(`webhook-${envelope.type}.json`).toBe(file);
  });

  it('webhook-bad-signature.json carries a signature the test-only secret does not give', () => {
    const event = read<APIGatewayProxyEventV2>('webhook-bad-signature.json');
    expect(event.headers['x-kombo-signature']).not.toBe(kombosSignature(event.body ?? '', readTestWebhookSecret()));
  });
});

describe('the sample worker batch', () => {
  const [delta, continuation, invalid] = read<SQSEvent>('worker-sqs-batch.json').Records;

  it('holds a job and a continuation, each in its own message group', () => {
    for (const record of [delta, continuation]) {
      const job = syncJobSchema.parse(JSON.parse(record?.body ?? ''));
      expect(record?.attributes.MessageGroupId).toBe(jobGroupId(job));
    }
    expect(JSON.parse(continuation?.body ?? '')).toMatchObject({ kind: 'full', requestedAt: expect.any(Number) });
  });

  it('holds a message that is not a sync job', () => {
    expect(syncJobSchema.safeParse(JSON.parse(invalid?.body ?? '')).success).toBe(false);
  });

  it('was sent long enough ago for no coalescing window to hold it back', () => {
    for (const record of [delta, continuation, invalid]) {
      expect(Number(record?.attributes.SentTimestamp)).toBeLessThan(Date.now() - 60_000);
    }
  });
});

describe('the sample full-sync payloads', () => {
  it('are an on-demand request and a bulk registration the function accepts', () => {
    expect(onDemandRequestSchema.safeParse(read('full-sync-on-demand.json')).success).toBe(true);
    expect(registerRequestSchema.safeParse(read('full-sync-register.json')).success).toBe(true);
  });
});
