import { describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_BODY_BYTES, receiveWebhook, type WebhookRequest } from '../../lambdas/core/ingest/receive-webhook';
import { RESOURCE_CATALOGUE } from '../../lambdas/core/kombo/catalogue';
import type { RegisterResult } from '../../lambdas/core/ports';
import { EnqueueError, type JobQueue } from '../../lambdas/core/ports';
import type { QueuedJob } from '../../lambdas/core/sync/job';
import { jobResource } from '../../lambdas/core/sync/job';
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

class MemoryRegistry {
  readonly calls: { method: string; input: unknown }[] = [];
  failWith: Error | undefined;
  private record(method: string, input: unknown) {
    if (this.failWith) throw this.failWith;
    this.calls.push({ method, input });
  }
  /** What register answers next (a new entry unless a test says otherwise). */
  registerResult: RegisterResult = { outcome: 'registered' };
  stateResult: 'applied' | 'stale' | 'deleted' = 'applied';
  async register(input: unknown) {
    this.record('register', input);
    return this.registerResult;
  }
  async setState(input: unknown) {
    this.record('setState', input);
    return this.stateResult;
  }
  async markDeleted(input: unknown) {
    this.record('markDeleted', input);
  }
}

const NOW = new Date('2026-11-27T12:00:00.000Z');

function setup(options: { resources?: ReadonlySet<string>; secrets?: string[] } = {}) {
  const queue = new MemoryQueue();
  const registry = new MemoryRegistry();
  const telemetry = new RecordingTelemetry();
  const deps = {
    webhookSecrets: async () => options.secrets ?? [SECRET],
    queue,
    registry,
    syncResources: options.resources ?? ALL,
    telemetry,
    now: () => NOW,
  };
  const send = (request: WebhookRequest) => receiveWebhook(request, deps);
  const signed = (body: string, secret = SECRET): WebhookRequest => ({
    body,
    isBase64Encoded: false,
    signature: kombosSignature(body, secret),
  });
  return { queue, registry, telemetry, send, signed, deps };
}

describe('receiveWebhook', () => {
  it('enqueues one delta job per affected configured resource, grouped by integration and resource', async () => {
    const { send, signed, queue, telemetry } = setup();
    const body = dataChangedBody({
      eventId: 'evt_42',
      integrationId: 'greenhouse:abc',
      category: 'ATS',
      models: ['ats_jobs', 'ats_offers'],
    });
    const response = await send(signed(body));
    expect(response.statusCode).toBe(200);
    expect(telemetry.counted('WebhookAccepted')).toBe(1);
    expect(queue.sent.map((q) => jobResource(q.job))).toEqual([
      'ats/applications',
      'ats/candidates',
      'ats/interviews',
      'ats/jobs',
      'ats/offers',
    ]);
    expect(queue.sent[0]).toEqual({
      job: {
        v: 1,
        kind: 'delta',
        integrationId: 'greenhouse:abc',
        resource: 'ats/applications',
        cause: { eventId: 'evt_42' },
      },
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
    expect(queue.sent.map((q) => jobResource(q.job))).toEqual(['hris/employees', 'hris/performance-reviews']);
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
    expect(queue.sent.map((q) => jobResource(q.job))).toEqual([
      'hris/employees',
      'hris/locations',
      'hris/staffing-entities',
    ]);
  });

  it('answers 400 naming the problem for a signed body that is not JSON or not a Kombo event', async () => {
    const { send, signed, queue } = setup();
    expect(await send(signed('{"id": '))).toEqual({ statusCode: 400, body: { error: 'body is not valid JSON' } });
    const notKombo = await send(signed(JSON.stringify({ hello: 'world' })));
    expect(notKombo.statusCode).toBe(400);
    expect(notKombo.body.error).toMatch(/^not a Kombo webhook event: id: .*type: .*data: /);
    const badData = await send(
      signed(JSON.stringify({ id: 'e', type: 'data-changed', data: { integration_id: 'x', changed_models: 'all' } })),
    );
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
    expect(telemetry.counted('WebhookAccepted')).toBe(0);
    expect(telemetry.lines.map((line) => line.fields.correlation_id)).toEqual(['evt_9']);
    expect(telemetry.lines.some((l) => l.fields.eventType === 'sync-finished' && l.fields.eventId === 'evt_9')).toBe(
      true,
    );
  });

  it('fetches every configured resource of the category for an unknown model name, and says so', async () => {
    const { send, signed, queue, telemetry } = setup({ resources: new Set(['lms/users', 'lms/courses', 'ats/jobs']) });
    const response = await send(signed(dataChangedBody({ category: 'LMS', models: ['lms_something_new'] })));
    expect(response.statusCode).toBe(200);
    expect(queue.sent.map((q) => jobResource(q.job))).toEqual(['lms/users', 'lms/courses']);
    expect(telemetry.counted('UnknownChangedModel')).toBe(1);
    expect(telemetry.lines.find((l) => l.level === 'warn')?.fields.unknownModels).toEqual(['lms_something_new']);
  });

  it('is lenient on fields Kombo may add', async () => {
    const { send, signed, queue } = setup();
    const body = JSON.stringify({
      id: 'evt_x',
      type: 'data-changed',
      new_top_level: true,
      data: {
        integration_id: 'i',
        integration_tool: 't',
        integration_category: 'ATS',
        changed_models: [{ name: 'ats_tags', extra: 1 }],
        added: {},
      },
    });
    expect((await send(signed(body))).statusCode).toBe(200);
    expect(queue.sent.map((q) => jobResource(q.job))).toEqual(['ats/applications', 'ats/candidates', 'ats/tags']);
  });

  it('answers 500 when enqueueing fails, so Kombo retries', async () => {
    const { send, signed, queue, telemetry } = setup();
    queue.failWith = new EnqueueError('2 job(s) not enqueued', 2);
    const response = await send(signed(dataChangedBody({ models: ['hris_employees'] })));
    expect(response.statusCode).toBe(500);
    expect(telemetry.counted('EnqueueFailed')).toBe(1);
    expect(telemetry.lines.find((l) => l.level === 'error')?.fields).toMatchObject({
      eventId: 'evt_test_1',
      integrationId: 'personio:test123',
      failedJobs: 2,
    });
  });

  it('answers 500 when the webhook secret cannot be read', async () => {
    const { send, signed, deps } = setup();
    const response = await receiveWebhook(signed('{}'), {
      ...deps,
      webhookSecrets: async () => {
        throw new Error('AccessDenied');
      },
    });
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

  it('registers the integration of a data-changed event, and syncs even when the registry is down', async () => {
    const { send, signed, registry, queue, telemetry } = setup();
    await send(signed(dataChangedBody({ integrationId: 'personio:new', models: ['hris_employments'] })));
    expect(registry.calls).toEqual([
      {
        method: 'register',
        input: {
          id: 'personio:new',
          tool: 'personio',
          category: 'HRIS',
          at: NOW.toISOString(),
          dataChangedAt: NOW.toISOString(),
        },
      },
    ]);
    registry.failWith = new Error('DynamoDB throttled');
    const response = await send(
      signed(dataChangedBody({ eventId: 'evt_2', integrationId: 'personio:new', models: ['hris_employments'] })),
    );
    expect(response.statusCode).toBe(200);
    expect(queue.sent).toHaveLength(4);
    expect(telemetry.counted('RegistryWriteFailed')).toBe(1);
  });
});

describe('lifecycle webhooks', () => {
  const lifecycle = (type: string, data: Record<string, unknown>) => JSON.stringify({ id: `evt_${type}`, type, data });
  const endUser = { organization_name: 'Acme', creator_email: 'ops@acme.test', origin_id: 'acme-42' };

  it('integration-created: registers with the origin id and enqueues a full backfill of configured resources', async () => {
    const { send, signed, registry, queue } = setup({
      resources: new Set(['ats/jobs', 'ats/candidates', 'hris/employees']),
    });
    const response = await send(
      signed(
        lifecycle('integration-created', {
          id: 'greenhouse:g9',
          tool: 'greenhouse',
          category: 'ATS',
          end_user: endUser,
        }),
      ),
    );
    expect(response).toEqual({
      statusCode: 200,
      body: { status: 'accepted', jobs: 2, resources: ['ats/candidates', 'ats/jobs'] },
      integrationId: 'greenhouse:g9',
    });
    expect(registry.calls).toEqual([
      {
        method: 'register',
        input: { id: 'greenhouse:g9', tool: 'greenhouse', category: 'ATS', originId: 'acme-42', at: NOW.toISOString() },
      },
    ]);
    expect(queue.sent[0]).toEqual({
      job: {
        v: 1,
        kind: 'full',
        integrationId: 'greenhouse:g9',
        resource: 'ats/candidates',
        runId: 'created-evt_integration-created',
      },
      groupId: 'greenhouse:g9#ats/candidates',
      deduplicationId: 'full#greenhouse:g9#created-evt_integration-created#ats/candidates',
    });
  });

  it('integration-state-changed to ACTIVE: catches up with a full walk of every configured resource', async () => {
    const { send, signed, queue } = setup({ resources: new Set(['hris/employees', 'hris/absences', 'ats/jobs']) });
    const data = {
      integration_id: 'personio:p',
      integration_tool: 'personio',
      integration_category: 'HRIS',
      state: 'ACTIVE',
      end_user: null,
    };
    const response = await send(signed(lifecycle('integration-state-changed', data)));
    expect(response.body).toMatchObject({ status: 'accepted', state: 'ACTIVE', jobs: 2 });
    expect(queue.sent.map((q) => q.job)).toEqual([
      {
        v: 1,
        kind: 'full',
        integrationId: 'personio:p',
        resource: 'hris/employees',
        runId: 'state-evt_integration-state-changed',
      },
      {
        v: 1,
        kind: 'full',
        integrationId: 'personio:p',
        resource: 'hris/absences',
        runId: 'state-evt_integration-state-changed',
      },
    ]);
  });

  it('integration-state-changed: stores the state', async () => {
    const { send, signed, registry, queue } = setup();
    const data = {
      integration_id: 'personio:p',
      integration_tool: 'personio',
      integration_category: 'HRIS',
      state: 'INACTIVE',
      end_user: endUser,
      qa_status: 'PASSED',
      updated_at: '2026-11-27T11:00:00Z',
    };
    expect((await send(signed(lifecycle('integration-state-changed', data)))).statusCode).toBe(200);
    expect(registry.calls).toEqual([
      {
        method: 'setState',
        input: {
          id: 'personio:p',
          tool: 'personio',
          category: 'HRIS',
          state: 'INACTIVE',
          originId: 'acme-42',
          at: NOW.toISOString(),
          updatedAt: '2026-11-27T11:00:00.000Z',
        },
      },
    ]);
    expect(queue.sent).toEqual([]);
  });

  it('integration-state-changed older than the stored state (late or retried) changes nothing, answers 200', async () => {
    const { send, signed, registry, queue, telemetry } = setup();
    registry.stateResult = 'stale';
    const data = {
      integration_id: 'personio:p',
      integration_tool: 'personio',
      integration_category: 'HRIS',
      state: 'ACTIVE',
      updated_at: '2026-11-27T09:00:00Z',
    };
    const response = await send(signed(lifecycle('integration-state-changed', data)));
    expect(response).toEqual({
      statusCode: 200,
      body: { status: 'ignored', reason: 'older than the stored state' },
      integrationId: 'personio:p',
    });
    expect(queue.sent).toEqual([]);
    expect(telemetry.counted('LifecycleEventIgnored')).toBe(1);
  });

  it('data-changed for an integration we hold as not ACTIVE also asks Kombo for its state (a reconcile job)', async () => {
    const { send, signed, registry, queue } = setup();
    registry.registerResult = { outcome: 'refreshed', previousState: 'INACTIVE' };
    await send(
      signed(
        dataChangedBody({ eventId: 'evt_blocked', integrationId: 'personio:blocked', models: ['hris_employees'] }),
      ),
    );
    const reconcile = queue.sent.find((queued) => queued.job.kind === 'reconcile');
    expect(reconcile).toMatchObject({
      job: { kind: 'reconcile', integrationId: 'personio:blocked' },
      groupId: 'personio:blocked#reconcile',
    });
    expect(reconcile?.job).not.toHaveProperty('runId');
  });

  it('integration-deleted: marks it deleted, then enqueues a purge in its own group', async () => {
    const { send, signed, registry, queue } = setup();
    const response = await send(
      signed(
        lifecycle('integration-deleted', {
          id: 'personio:gone',
          tool: 'personio',
          category: 'HRIS',
          end_user: endUser,
          deleted_at: '2026-11-27T10:00:00Z',
        }),
      ),
    );
    expect(response.statusCode).toBe(200);
    expect(registry.calls).toEqual([
      {
        method: 'markDeleted',
        input: { id: 'personio:gone', tool: 'personio', category: 'HRIS', at: NOW.toISOString() },
      },
    ]);
    expect(queue.sent).toEqual([
      {
        job: { v: 1, kind: 'purge', integrationId: 'personio:gone' },
        groupId: 'personio:gone#purge',
        deduplicationId: 'purge#personio:gone#evt_integration-deleted',
      },
    ]);
  });

  it('answers 500 when the registry cannot be written, and 400 naming a bad field', async () => {
    const { send, signed, registry, queue } = setup();
    registry.failWith = new Error('AccessDenied');
    const created = await send(signed(lifecycle('integration-created', { id: 'x:1', tool: 'x', category: 'ATS' })));
    expect(created.statusCode).toBe(500);
    expect(queue.sent).toEqual([]);
    registry.failWith = undefined;
    const bad = await send(signed(lifecycle('integration-deleted', { tool: 'x', category: 'ATS' })));
    expect(bad).toMatchObject({ statusCode: 400, body: { error: expect.stringContaining('data.id') } });
  });
});
