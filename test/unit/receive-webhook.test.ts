import { describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_BODY_BYTES, receiveWebhook, type WebhookRequest } from '../../lambdas/core/ingest/receive-webhook';
import { RESOURCE_CATALOGUE } from '../../lambdas/core/kombo/catalogue';
import { EnqueueError } from '../../lambdas/core/store/job-queue';
import type { JobQueue } from '../../lambdas/core/sync/ports';
import type { QueuedJob } from '../../lambdas/core/sync/job';
import { RecordingTelemetry } from '../support/recording-telemetry';
import { dataChangedBody, kombosSignature } from '../support/webhook-events';

const SECRET = 'whsec_unit';
const ALL = new Set(RESOURCE_CATALOGUE.map((d) => d.resource));

class MemoryQueue implements JobQueue {
  readonly sent: QueuedJob[] = [];
  failWith: Error | undefined;
  async send(jobs: readonly QueuedJob[]) {
    if (this.failWith) throw this.failWith;
    this.sent.push(...jobs);
  }
}

function setup(options: { resources?: ReadonlySet<string>; secrets?: string[] } = {}) {
  const queue = new MemoryQueue();
  const telemetry = new RecordingTelemetry();
  const deps = {
    webhookSecrets: async () => options.secrets ?? [SECRET],
    queue,
    syncResources: options.resources ?? ALL,
    telemetry,
  };
  const send = (request: WebhookRequest) => receiveWebhook(request, deps);
  const signed = (body: string, secret = SECRET): WebhookRequest => ({
    body,
    isBase64Encoded: false,
    signature: kombosSignature(body, secret),
  });
  return { queue, telemetry, send, signed, deps };
}

describe('receiveWebhook', () => {
  it('enqueues one delta job per affected configured resource, grouped by integration and resource', async () => {
    const { send, signed, queue } = setup();
    const body = dataChangedBody({ eventId: 'evt_42', integrationId: 'greenhouse:abc', category: 'ATS', models: ['ats_jobs', 'ats_offers'] });
    const response = await send(signed(body));
    expect(response.statusCode).toBe(200);
    expect(queue.sent.map((q) => q.job.resource)).toEqual(['ats/applications', 'ats/candidates', 'ats/interviews', 'ats/jobs', 'ats/offers']);
    expect(queue.sent[0]).toEqual({
      job: { v: 1, kind: 'delta', integrationId: 'greenhouse:abc', resource: 'ats/applications', cause: { eventId: 'evt_42' } },
      groupId: 'greenhouse:abc#ats/applications',
      deduplicationId: 'evt_42#ats/applications',
    });
    expect(response.body).toMatchObject({ status: 'accepted', jobs: 5 });
  });

  it('verifies a base64-encoded body after decoding it', async () => {
    const { send, queue } = setup();
    const body = dataChangedBody({ models: ['hris_employees'] });
    const response = await send({
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      signature: kombosSignature(body, SECRET),
    });
    expect(response.statusCode).toBe(200);
    expect(queue.sent.map((q) => q.job.resource)).toEqual(['hris/employees', 'hris/performance-reviews']);
  });

  it('answers 401 and enqueues nothing for a missing, wrong or tampered signature', async () => {
    const { send, signed, queue, telemetry } = setup();
    const body = dataChangedBody({ models: ['hris_employees'] });
    expect((await send({ body, isBase64Encoded: false, signature: undefined })).statusCode).toBe(401);
    expect((await send(signed(body, 'other-secret'))).statusCode).toBe(401);
    const tampered = { ...signed(body), body: body.replace('personio:test123', 'personio:evil') };
    const response = await send(tampered);
    expect(response).toEqual({ statusCode: 401, body: { error: 'invalid X-Kombo-Signature' } });
    expect(queue.sent).toEqual([]);
    expect(telemetry.counted('WebhookUnauthorized')).toBe(3);
  });

  it('checks the signature before parsing: an unsigned non-JSON body is 401, not 400', async () => {
    const { send } = setup();
    expect((await send({ body: 'not json', isBase64Encoded: false, signature: 'x' })).statusCode).toBe(401);
  });

  it('accepts the previous secret during a rotation', async () => {
    const { send, signed, queue } = setup({ secrets: ['whsec_new', SECRET] });
    const response = await send(signed(dataChangedBody({ models: ['hris_locations'] })));
    expect(response.statusCode).toBe(200);
    expect(queue.sent.map((q) => q.job.resource)).toEqual(['hris/employees', 'hris/locations', 'hris/staffing-entities']);
  });

  it('answers 400 naming the problem for a signed body that is not JSON or not a Kombo event', async () => {
    const { send, signed, queue } = setup();
    expect(await send(signed('{"id": '))).toEqual({ statusCode: 400, body: { error: 'body is not valid JSON' } });
    const notKombo = await send(signed(JSON.stringify({ hello: 'world' })));
    expect(notKombo.statusCode).toBe(400);
    expect(notKombo.body.error).toMatch(/^not a Kombo webhook event: id: .*type: .*data: /);
    const badData = await send(signed(JSON.stringify({ id: 'e', type: 'data-changed', data: { integration_id: 'x', changed_models: 'all' } })));
    expect(badData.statusCode).toBe(400);
    expect(badData.body.error).toContain('data.changed_models');
    expect(queue.sent).toEqual([]);
  });

  it('answers 413 for a body over 256 KB', async () => {
    const { send, signed } = setup();
    const big = JSON.stringify({ id: 'e', type: 'data-changed', data: { pad: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) } });
    expect((await send(signed(big))).statusCode).toBe(413);
  });

  it('answers 200, logs and counts an event type it does not handle, enqueuing nothing', async () => {
    const { send, signed, queue, telemetry } = setup();
    const body = JSON.stringify({ id: 'evt_9', type: 'sync-finished', data: { sync_id: 's' } });
    const response = await send(signed(body));
    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({ status: 'ignored' });
    expect(queue.sent).toEqual([]);
    expect(telemetry.counted('WebhookIgnored')).toBe(1);
    expect(telemetry.lines.some((l) => l.fields.eventType === 'sync-finished' && l.fields.eventId === 'evt_9')).toBe(true);
  });

  it('fetches every configured resource of the category for an unknown model name, and says so', async () => {
    const { send, signed, queue, telemetry } = setup({ resources: new Set(['lms/users', 'lms/courses', 'ats/jobs']) });
    const response = await send(signed(dataChangedBody({ category: 'LMS', models: ['lms_something_new'] })));
    expect(response.statusCode).toBe(200);
    expect(queue.sent.map((q) => q.job.resource)).toEqual(['lms/users', 'lms/courses']);
    expect(telemetry.counted('UnknownChangedModel')).toBe(1);
    expect(telemetry.lines.find((l) => l.level === 'warn')?.fields.unknownModels).toEqual(['lms_something_new']);
  });

  it('is lenient on fields Kombo may add', async () => {
    const { send, signed, queue } = setup();
    const body = JSON.stringify({
      id: 'evt_x', type: 'data-changed', new_top_level: true,
      data: { integration_id: 'i', integration_tool: 't', integration_category: 'ATS', changed_models: [{ name: 'ats_tags', extra: 1 }], added: {} },
    });
    expect((await send(signed(body))).statusCode).toBe(200);
    expect(queue.sent.map((q) => q.job.resource)).toEqual(['ats/applications', 'ats/candidates', 'ats/tags']);
  });

  it('answers 500 when enqueueing fails, so Kombo retries', async () => {
    const { send, signed, queue, telemetry } = setup();
    queue.failWith = new EnqueueError('2 job(s) not enqueued', 2);
    const response = await send(signed(dataChangedBody({ models: ['hris_employees'] })));
    expect(response.statusCode).toBe(500);
    expect(telemetry.counted('EnqueueFailed')).toBe(1);
    expect(telemetry.lines.find((l) => l.level === 'error')?.fields).toMatchObject({ eventId: 'evt_test_1', integrationId: 'personio:test123', failedJobs: 2 });
  });

  it('answers 500 when the webhook secret cannot be read', async () => {
    const { send, signed, deps } = setup();
    const response = await receiveWebhook(signed('{}'), { ...deps, webhookSecrets: async () => { throw new Error('AccessDenied'); } });
    expect(response.statusCode).toBe(500);
    expect((await send(signed('{}'))).statusCode).toBe(400);
  });

  it('never logs the secret or the body', async () => {
    const { send, signed, telemetry } = setup();
    const body = dataChangedBody({ models: ['hris_employees', 'x_unknown'] });
    await send(signed(body));
    await send(signed('{"id":'));
    await send({ body, isBase64Encoded: false, signature: 'forged' });
    const logged = JSON.stringify(telemetry.lines);
    expect(logged).not.toContain(SECRET);
    expect(logged).not.toContain(body);
    expect(logged).not.toContain('forged');
  });
});
