import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainQueue } from '../../local/aws/drain-queue';
import { type Pipeline, startPipeline } from '../../local/pipeline';
import { expectedMirror, mirrorOf } from '../support/mirror';
import { sendWebhook } from '../support/pipeline-jobs';

/**
 * Integrations reconciled with Kombo (issue: lost or late lifecycle webhooks never freeze an
 * integration) and the bulk registration for teams migrating off sync-finished, on the whole
 * pipeline. Each test uses integrations of its own.
 */
let pipeline: Pipeline;
const MISSING_PURGE_SECONDS = 1.5;

beforeAll(async () => {
  pipeline = await startPipeline({
    kombo: { seed: 91 },
    syncResources: 'hris/employees,hris/absences',
    workerEnv: { COALESCE_WINDOW_SECONDS: '0', MISSING_PURGE_DAYS: String(MISSING_PURGE_SECONDS / 86_400) },
  });
});
afterAll(async () => pipeline?.close());

const webhook = (type: string, data: Record<string, unknown>) => sendWebhook(pipeline, type, data);
const stateChanged = (id: string, state: string, updatedAt: string) =>
  webhook('integration-state-changed', {
    integration_id: id,
    integration_tool: 'personio',
    integration_category: 'HRIS',
    state,
    end_user: null,
    qa_status: 'PASSED',
    setup_status: 'COMPLETED',
    updated_at: updatedAt,
  });
const dataChanged = (id: string, models: string[]) =>
  pipeline.kombo.sendDataChanged({
    url: pipeline.webhook.url,
    secret: pipeline.webhookSecret,
    integrationId: id,
    changedModels: models,
  });
const weeklyRun = async (scheduledTime: string) => {
  await pipeline.invokeFullSync({ source: 'schedule', scheduled_time: scheduledTime });
  return pipeline.runWorker();
};
const registryEntry = async (id: string) => (await pipeline.registryItems()).find((item) => item.sk === id);
const meta = async (id: string) => (await pipeline.stateItems(id)).find((item) => item.sk === 'meta');
const listRequests = (id: string, resource?: string) =>
  pipeline.kombo.requests.filter(
    (r) =>
      r.integrationId === id && r.resource !== 'integrations' && (resource === undefined || r.resource === resource),
  );

/** An integration known to Kombo and to us (created → backfilled). */
async function known(id: string, employees = 30) {
  pipeline.kombo.addIntegration({ id, category: 'HRIS', originId: `origin-${id}` });
  pipeline.kombo.seed(id, 'hris/employees', employees);
  pipeline.kombo.seed(id, 'hris/absences', 10);
  await webhook('integration-created', {
    id,
    tool: 'personio',
    category: 'HRIS',
    end_user: { organization_name: 'Org', creator_email: null, origin_id: `origin-${id}` },
  });
  await pipeline.runWorker();
}

describe('lifecycle events ordered by their own time', () => {
  it('ignores an INACTIVE that arrives after a newer ACTIVE (a retried event), and keeps syncing', async () => {
    const id = 'personio:late-inactive';
    await known(id);
    await stateChanged(id, 'ACTIVE', '2026-11-29T10:00:00Z');
    const late = await stateChanged(id, 'INACTIVE', '2026-11-29T09:00:00Z');
    expect(late).toEqual({ status: 'ignored', reason: 'older than the stored state' });
    expect(await registryEntry(id)).toMatchObject({ state: 'ACTIVE', state_updated_at: '2026-11-29T10:00:00.000Z' });
    expect((await meta(id))?.block).toBeUndefined();
    await pipeline.runWorker();

    pipeline.kombo.resetRequests();
    await dataChanged(id, ['hris_employees']);
    await pipeline.runWorker();
    expect(listRequests(id, 'hris/employees').length).toBeGreaterThan(0);
  });
});

describe('no permanent block from a webhook', () => {
  it('a lost ACTIVE is repaired by the next weekly run, which asks Kombo', async () => {
    const id = 'personio:lost-active';
    await known(id);
    await stateChanged(id, 'INACTIVE', '2026-11-29T08:00:00Z');
    // The ACTIVE that followed at Kombo never arrived. Meanwhile the data changed.
    pipeline.kombo.seed(id, 'hris/employees', 5);
    await dataChanged(id, ['hris_employees']);
    await weeklyRun('2026-12-06T02:00:00Z');
    expect(await registryEntry(id)).toMatchObject({ state: 'ACTIVE' });
    expect((await meta(id))?.block).toBeUndefined();
    expect(mirrorOf(await pipeline.storedRecords(id, 'hris/employees'))).toEqual(
      expectedMirror(pipeline.kombo, id, 'hris/employees'),
    );
  });

  it('a data-changed for an integration we hold as blocked, which Kombo says is ACTIVE, unblocks it and catches up', async () => {
    const id = 'personio:blocked-but-active';
    await known(id);
    await stateChanged(id, 'INVALID', '2026-11-29T08:00:00Z');
    pipeline.kombo.seed(id, 'hris/employees', 7);
    await dataChanged(id, ['hris_employees']);
    await pipeline.runWorker();
    await pipeline.runWorker();
    expect(await registryEntry(id)).toMatchObject({ state: 'ACTIVE' });
    expect((await meta(id))?.block).toBeUndefined();
    expect(mirrorOf(await pipeline.storedRecords(id, 'hris/employees'))).toEqual(
      expectedMirror(pipeline.kombo, id, 'hris/employees'),
    );
  });
});

describe('what Kombo says of models and scope', () => {
  it('does not request a model Kombo says is not available, and backfills it once it is', async () => {
    const id = 'personio:no-absences';
    await known(id);
    pipeline.kombo.setReadModelAvailable(id, 'hris_absences', false);
    pipeline.kombo.resetRequests();
    expect((await weeklyRun('2026-12-06T02:00:00Z')).every((report) => report.failed === 0)).toBe(true);
    expect(listRequests(id, 'hris/absences')).toEqual([]);
    expect(listRequests(id, 'hris/employees').length).toBeGreaterThan(0);
    expect((await meta(id))?.unavailable_resources).toEqual(['hris/absences']);

    // A data-changed naming it does not make the worker ask either.
    await dataChanged(id, ['hris_absences']);
    await pipeline.runWorker();
    expect(listRequests(id, 'hris/absences')).toEqual([]);

    pipeline.kombo.setReadModelAvailable(id, 'hris_absences', true);
    pipeline.kombo.seed(id, 'hris/absences', 3);
    await weeklyRun('2026-12-13T02:00:00Z');
    expect(mirrorOf(await pipeline.storedRecords(id, 'hris/absences'))).toEqual(
      expectedMirror(pipeline.kombo, id, 'hris/absences'),
    );
  });

  it('data_expired_at: a full walk of every resource, so a field the customer opted out of leaves the mirror', async () => {
    const id = 'personio:scope-changed';
    await known(id);
    const [first] = await pipeline.storedRecords(id, 'hris/employees');
    expect(first?.data).toHaveProperty('date_of_birth');
    pipeline.kombo.dropField(id, 'hris/employees', 'date_of_birth');
    pipeline.kombo.setDataExpiredAt(id, new Date().toISOString());
    await weeklyRun('2026-12-06T02:00:00Z');
    const stored = await pipeline.storedRecords(id, 'hris/employees');
    expect(stored.length).toBeGreaterThan(0);
    for (const item of stored) expect(item.data).not.toHaveProperty('date_of_birth');
    expect((await meta(id))?.data_expired_at).toEqual(expect.any(String));
  });
});

describe('an integration Kombo no longer knows', () => {
  it('one answer keeps the data and is counted; a second one the configured time later purges it', async () => {
    const id = 'personio:gone-upstream';
    await known(id);
    pipeline.kombo.removeIntegration(id);
    await weeklyRun('2026-12-06T02:00:00Z');
    expect(await registryEntry(id)).toMatchObject({ missing_since: expect.any(String) });
    expect(await pipeline.storedRecords(id, 'hris/employees')).toHaveLength(30);
    // Asked again at once: still within the grace time, still kept.
    await weeklyRun('2026-12-06T03:00:00Z');
    expect(await pipeline.storedRecords(id, 'hris/employees')).toHaveLength(30);

    await new Promise((resolve) => setTimeout(resolve, MISSING_PURGE_SECONDS * 1000 + 200));
    await weeklyRun('2026-12-13T02:00:00Z');
    await pipeline.runWorker();
    expect(await pipeline.storedRecords(id, 'hris/employees')).toEqual([]);
    expect((await pipeline.stateItems(id)).map((item) => item.sk)).toEqual(['meta']);
    expect(await registryEntry(id)).toMatchObject({ state: 'DELETED' });
  });
});

describe('bulk registration (migrating off sync-finished)', () => {
  it('registers known ids, backfills the active ones, and answers per id', async () => {
    const active = 'personio:bulk-active';
    const inactive = 'personio:bulk-inactive';
    pipeline.kombo.addIntegration({ id: active, category: 'HRIS', originId: 'acme-1' });
    pipeline.kombo.seed(active, 'hris/employees', 12);
    pipeline.kombo.addIntegration({ id: inactive, category: 'HRIS' });
    pipeline.kombo.setIntegrationState(inactive, 'INACTIVE');
    const answer = (await pipeline.invokeFullSync({ register: [active, 'personio:nobody', inactive] })) as {
      results: unknown[];
    };
    expect(answer.results).toEqual([
      { id: active, result: 'registered' },
      { id: 'personio:nobody', result: 'not found' },
      { id: inactive, result: 'inactive' },
    ]);
    await pipeline.runWorker();
    expect(await registryEntry(active)).toMatchObject({
      state: 'ACTIVE',
      origin_id: 'acme-1',
      tool: 'personio',
      category: 'HRIS',
    });
    expect(await registryEntry(inactive)).toMatchObject({ state: 'INACTIVE' });
    expect(await registryEntry('personio:nobody')).toBeUndefined();
    expect(mirrorOf(await pipeline.storedRecords(active, 'hris/employees'))).toEqual(
      expectedMirror(pipeline.kombo, active, 'hris/employees'),
    );

    // Idempotent: the same call again changes nothing.
    const again = (await pipeline.invokeFullSync({ register: [active] })) as { results: unknown[] };
    expect(again.results).toEqual([{ id: active, result: 'already registered' }]);
  });

  it('names what is wrong with a bad request', async () => {
    await expect(pipeline.invokeFullSync({ register: [] })).rejects.toThrow(/invalid full-sync request/);
  });
});

describe('the planner never fails silently', () => {
  it('an invocation that fails 3 times lands in its on-failure queue with the reason', async () => {
    const outcome = await pipeline.invokeFullSyncAsync({ integration_id: 'personio:x', resources: ['hris/nothing'] });
    expect(outcome).toEqual({ succeeded: false, attempts: 3 });
    const failed = await drainQueue(pipeline.sqs.client, pipeline.fullSyncFailureQueueUrl);
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]?.Body ?? '{}')).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { integration_id: 'personio:x' },
      responsePayload: { errorMessage: expect.stringContaining('invalid full-sync request') },
    });
  });
});
