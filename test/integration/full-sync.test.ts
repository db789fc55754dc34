import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRecordStore } from '../../lambdas/adapters/dynamodb/records-store';
import { toRecordItem } from '../../lambdas/core/sync/record-item';
import { recordPartition } from '../../lambdas/core/table-keys';
import { type Pipeline, RECORDS_TABLE, startPipeline } from '../../local/pipeline';
import { expectedMirror, mirrorOf, tombstonedIds } from '../support/mirror';
import { sendWebhook } from '../support/pipeline-jobs';

/**
 * The weekly safety net and the integration lifecycle, on the whole in-process pipeline. Each test
 * uses integrations of its own.
 */
let pipeline: Pipeline;
const RESOURCES = 'hris/employees,hris/absences,ats/candidates,ats/jobs';
const known = new Set<string>();

beforeAll(async () => {
  pipeline = await startPipeline({
    kombo: { seed: 41 },
    syncResources: RESOURCES,
    workerEnv: { COALESCE_WINDOW_SECONDS: '0' },
  });
});
afterAll(async () => pipeline?.close());

const webhook = (type: string, data: Record<string, unknown>) => sendWebhook(pipeline, type, data);
const integrationDeleted = (id: string) =>
  webhook('integration-deleted', {
    id,
    tool: 'personio',
    category: 'HRIS',
    end_user: null,
    deleted_at: new Date().toISOString(),
  });
const created = (id: string, category: 'ATS' | 'HRIS', originId = `origin-${id}`) =>
  webhook('integration-created', {
    id,
    tool: id.split(':')[0],
    category,
    end_user: { organization_name: 'Org', creator_email: null, origin_id: originId },
  });
const stateChanged = (id: string, category: string, state: string) =>
  webhook('integration-state-changed', {
    integration_id: id,
    integration_tool: id.split(':')[0],
    integration_category: category,
    state,
    end_user: null,
    qa_status: 'PASSED',
    setup_status: 'COMPLETED',
    updated_at: new Date().toISOString(),
  });
const fullSyncOf = (integrationId: string, resource: string, extra: Record<string, unknown> = {}) =>
  pipeline.invokeFullSync({ integration_id: integrationId, resources: [resource], ...extra });
const live = (items: Record<string, unknown>[]) => items.filter((item) => item.data_encoding !== 'tombstone');
const lastRun = async (integrationId: string, resource: string) =>
  (await pipeline.stateItems(integrationId)).find((item) => item.sk === `cursor#${resource}`)?.last_walk as
    | Record<string, unknown>
    | undefined;

/** Seeds the resource at the fake (adding the integration on first use) and syncs it fully. */
async function backfilled(id: string, resource: string, count: number) {
  if (!known.has(id)) pipeline.kombo.addIntegration({ id, category: resource.startsWith('ats/') ? 'ATS' : 'HRIS' });
  known.add(id);
  pipeline.kombo.seed(id, resource, count);
  await fullSyncOf(id, resource);
  await pipeline.runWorker();
  expect(await pipeline.storedRecords(id, resource)).toHaveLength(count);
}

describe('integration lifecycle', () => {
  it('integration-created: registers it with its origin id and backfills every configured resource', async () => {
    const id = 'greenhouse:lifecycle-new';
    pipeline.kombo.addIntegration({ id, category: 'ATS' });
    pipeline.kombo.seed(id, 'ats/candidates', 300);
    pipeline.kombo.seed(id, 'ats/jobs', 20);
    await created(id, 'ATS', 'acme-7');
    await pipeline.runWorker();

    expect((await pipeline.registryItems()).find((item) => item.sk === id)).toMatchObject({
      tool: 'greenhouse',
      category: 'ATS',
      state: 'ACTIVE',
      origin_id: 'acme-7',
      first_seen_at: expect.any(String),
      last_seen_at: expect.any(String),
    });
    for (const resource of ['ats/candidates', 'ats/jobs']) {
      expect(mirrorOf(await pipeline.storedRecords(id, resource))).toEqual(
        expectedMirror(pipeline.kombo, id, resource),
      );
    }
    expect(
      pipeline.kombo.requests.filter((r) => r.integrationId === id).every((r) => r.query.updated_after === undefined),
    ).toBe(true);
  });

  it('data-changed from an unknown integration registers it (self-healing)', async () => {
    const id = 'personio:lifecycle-unknown';
    pipeline.kombo.addIntegration({ id, category: 'HRIS' });
    await pipeline.kombo.sendDataChanged({
      url: pipeline.webhook.url,
      secret: pipeline.webhookSecret,
      integrationId: id,
      changedModels: ['hris_absences'],
    });
    expect((await pipeline.registryItems()).find((item) => item.sk === id)).toMatchObject({
      state: 'ACTIVE',
      category: 'HRIS',
    });
    await pipeline.runWorker();
  });

  it('the weekly plan reconciles every integration with Kombo first, and walks only the ones Kombo calls active', async () => {
    const active = 'personio:plan-active';
    const paused = 'personio:plan-paused';
    for (const id of [active, paused]) {
      pipeline.kombo.addIntegration({ id, category: 'HRIS' });
      pipeline.kombo.seed(id, 'hris/employees', 5);
      await created(id, 'HRIS');
    }
    await pipeline.runWorker();
    pipeline.kombo.setIntegrationState(paused, 'INACTIVE');
    await stateChanged(paused, 'HRIS', 'INACTIVE');
    expect((await pipeline.registryItems()).find((item) => item.sk === paused)?.state).toBe('INACTIVE');

    pipeline.kombo.resetRequests();
    const plan = (await pipeline.invokeFullSync({ source: 'schedule', scheduled_time: '2026-11-29T02:00:00Z' })) as {
      runId: string;
      jobs: number;
    };
    expect(plan.runId).toBe('2026-11-29T02:00:00.000Z');
    await pipeline.runWorker();
    const lists = (id: string) =>
      pipeline.kombo.requests.filter((r) => r.integrationId === id && r.resource !== 'integrations');
    const asked = (id: string) =>
      pipeline.kombo.requests.filter((r) => r.integrationId === id && r.resource === 'integrations');
    // Both are asked about; only the active one is walked.
    expect(asked(active)).toHaveLength(1);
    expect(asked(paused)).toHaveLength(1);
    expect(lists(active).length).toBeGreaterThan(0);
    expect(lists(paused)).toEqual([]);
    expect(
      (await pipeline.stateItems(active)).some((item) =>
        String(item.sk).startsWith('run#hris/employees#2026-11-29T02:00:00.000Z'),
      ),
    ).toBe(true);

    // A job that reaches the worker anyway is skipped, not retried in a loop.
    await pipeline.kombo.sendDataChanged({
      url: pipeline.webhook.url,
      secret: pipeline.webhookSecret,
      integrationId: paused,
      changedModels: ['hris_employees'],
    });
    expect((await pipeline.runWorker()).every((report) => report.failed === 0)).toBe(true);
    expect(lists(paused)).toEqual([]);
  });

  it('integration-deleted: nothing of the integration is left, and late jobs do not bring data back', async () => {
    const id = 'personio:lifecycle-gone';
    await backfilled(id, 'hris/employees', 400);
    await backfilled(id, 'hris/absences', 100);
    await integrationDeleted(id);
    await pipeline.kombo
      .sendDataChanged({
        url: pipeline.webhook.url,
        secret: pipeline.webhookSecret,
        integrationId: id,
        changedModels: ['hris_employees'],
      })
      .catch(() => undefined);
    await pipeline.runWorker();

    expect(await pipeline.storedRecords(id, 'hris/employees')).toEqual([]);
    expect(await pipeline.storedRecords(id, 'hris/absences')).toEqual([]);
    const state = await pipeline.stateItems(id);
    expect(state).toEqual([
      {
        pk: `integration#${id}`,
        sk: 'meta',
        integration_id: id,
        deleted_at: expect.any(String),
        purged_at: expect.any(String),
      },
    ]);
    const entry = (await pipeline.registryItems()).find((item) => item.sk === id);
    expect(entry).toMatchObject({ state: 'DELETED', deleted_at: expect.any(String) });
    expect(entry?.origin_id).toBeUndefined();
  });
});

describe('deletion during a walk', () => {
  it('stops a running walk at its next page once the integration is deleted, and leaves nothing behind', async () => {
    const id = 'personio:deleted-mid-walk';
    pipeline.kombo.addIntegration({ id, category: 'HRIS' });
    pipeline.kombo.seed(id, 'hris/timesheets', 1_000);
    pipeline.kombo.injectFault({
      kind: 'latency',
      ms: 300,
      match: { integrationId: id, times: Number.POSITIVE_INFINITY },
    });
    pipeline.kombo.resetRequests();
    await fullSyncOf(id, 'hris/timesheets');
    const running = pipeline.runWorker();
    await new Promise((resolve) => setTimeout(resolve, 450));
    await integrationDeleted(id);
    await running;
    await pipeline.runWorker();
    pipeline.kombo.clearFaults();

    expect(pipeline.kombo.requests.filter((r) => r.integrationId === id).length).toBeLessThan(4);
    expect(await pipeline.storedRecords(id, 'hris/timesheets')).toEqual([]);
    expect((await pipeline.stateItems(id)).map((item) => item.sk)).toEqual(['meta']);
  });
});

describe('full sync and sweep', () => {
  it('tombstones what vanished upstream, and leaves a run summary', async () => {
    const id = 'personio:sweep';
    await backfilled(id, 'hris/employees', 100);
    const vanished = pipeline.kombo
      .records(id, 'hris/employees')
      .slice(0, 10)
      .map((r) => r.id);
    for (const recordId of vanished) pipeline.kombo.vanish(id, 'hris/employees', recordId);
    await fullSyncOf(id, 'hris/employees');
    await pipeline.runWorker();

    const stored = await pipeline.storedRecords(id, 'hris/employees');
    const swept = stored.filter((item) => item.data_encoding === 'tombstone');
    expect(swept.map((item) => item.id).sort()).toEqual([...vanished].sort());
    expect(
      swept.every((item) => item.data === undefined && item.swept_at && item.remote_deleted_at && item.expires_at),
    ).toBe(true);
    expect(mirrorOf(live(stored))).toEqual(expectedMirror(pipeline.kombo, id, 'hris/employees'));
    expect(await lastRun(id, 'hris/employees')).toMatchObject({
      kind: 'full',
      swept: 10,
      sweep_candidates: 10,
      live: 100,
      sweep_braked: false,
      unchanged: 90,
      written: 0,
    });
    expect(
      (await pipeline.stateItems(id)).filter((item) => String(item.sk).startsWith('run#hris/employees#')),
    ).toHaveLength(2);
  });

  it('does not bring back a tombstone after its TTL: deletions older than the TTL only replace what we hold', async () => {
    const id = 'personio:old-deletions';
    await backfilled(id, 'hris/employees', 3);
    const [held, kept, neverHeld] = pipeline.kombo.records(id, 'hris/employees');
    const longAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
    // One we hold, deleted (as far as we learn) a month ago; one deleted before we ever saw it, and gone here.
    pipeline.kombo.update(id, 'hris/employees', held!.id, { remote_deleted_at: longAgo });
    pipeline.kombo.update(id, 'hris/employees', neverHeld!.id, { remote_deleted_at: longAgo });
    await pipeline.dynamo.documents.send(
      new DeleteCommand({
        TableName: RECORDS_TABLE,
        Key: { pk: recordPartition(id, 'hris/employees'), sk: neverHeld!.id },
      }),
    );

    for (let run = 0; run < 2; run++) {
      await fullSyncOf(id, 'hris/employees');
      await pipeline.runWorker();
      const stored = await pipeline.storedRecords(id, 'hris/employees');
      expect(stored.map((item) => [item.id, item.data_encoding]).sort()).toEqual(
        [
          [held!.id, 'tombstone'],
          [kept!.id, 'map'],
        ].sort(),
      );
    }
    expect(await lastRun(id, 'hris/employees')).toMatchObject({ swept: 0, tombstoned: 0 });
  });

  it('asks Kombo for each candidate by id before sweeping: a record the walk missed is kept', async () => {
    const id = 'personio:sweep-missed';
    await backfilled(id, 'hris/employees', 20);
    const [missed, ...rest] = pipeline.kombo.records(id, 'hris/employees');
    // The walk's only page lacks one record (as when pagination shifts while data changes).
    const page = { status: 'success', data: { next: null, results: rest } };
    pipeline.kombo.injectFault({ kind: 'malformed', body: JSON.stringify(page), match: { integrationId: id } });
    pipeline.kombo.resetRequests();
    await fullSyncOf(id, 'hris/employees');
    await pipeline.runWorker();

    expect(live(await pipeline.storedRecords(id, 'hris/employees'))).toHaveLength(20);
    expect(pipeline.kombo.requests.filter((r) => r.integrationId === id).at(-1)?.query).toMatchObject({
      ids: missed!.id,
      include_deleted: 'true',
    });
    expect(await lastRun(id, 'hris/employees')).toMatchObject({ sweep_candidates: 1, sweep_recovered: 1, swept: 0 });
  });

  it('keeps a record a concurrent writer stored after the walk began', async () => {
    const id = 'personio:sweep-concurrent';
    await backfilled(id, 'hris/employees', 50);
    const [late] = pipeline.kombo.records(id, 'hris/employees');
    pipeline.kombo.vanish(id, 'hris/employees', late!.id);
    pipeline.kombo.injectFault({ kind: 'latency', ms: 400, match: { integrationId: id } });
    await fullSyncOf(id, 'hris/employees');
    const running = pipeline.runWorker();
    await new Promise((resolve) => setTimeout(resolve, 150));
    // While the walk waits for Kombo, a delta (say) writes the record anew.
    const store = new DynamoRecordStore(pipeline.dynamo.documents, RECORDS_TABLE);
    const rewritten = toRecordItem(
      id,
      'hris/employees',
      { ...late!, changed_at: new Date().toISOString(), first_name: 'Late' },
      { now: new Date(), tombstoneTtlSeconds: 60 },
    );
    expect(await store.write(rewritten)).toEqual({ outcome: 'written' });
    await running;

    const item = (await pipeline.storedRecords(id, 'hris/employees')).find((stored) => stored.id === late!.id);
    expect(item).toMatchObject({ data_encoding: 'map', data: expect.objectContaining({ first_name: 'Late' }) });
    expect(await lastRun(id, 'hris/employees')).toMatchObject({ swept: 0, sweep_candidates: 0 });
  });

  it('sweeps nothing after a walk that failed midway, and sweeps once the walk completes', async () => {
    const id = 'personio:sweep-failed';
    await backfilled(id, 'hris/absences', 600);
    const vanished = pipeline.kombo
      .records(id, 'hris/absences')
      .slice(0, 5)
      .map((r) => r.id);
    for (const recordId of vanished) pipeline.kombo.vanish(id, 'hris/absences', recordId);
    pipeline.kombo.injectFault({ kind: 'status', status: 409, match: { integrationId: id, page: 2 } });
    await fullSyncOf(id, 'hris/absences');
    const { pollOnce } = await import('../../local/runtime/queue-poller');
    const handler = pipeline.workerHandler;
    expect(await pollOnce({ sqs: pipeline.sqs.client, queueUrl: pipeline.queueUrl, handler })).toMatchObject({
      failed: 1,
    });
    expect(live(await pipeline.storedRecords(id, 'hris/absences'))).toHaveLength(600);

    await pipeline.runWorker();
    const stored = await pipeline.storedRecords(id, 'hris/absences');
    expect(tombstonedIds(stored)).toEqual([...vanished].sort());
  });

  it('brakes a sweep that would remove more than 20%, until an operator forces it', async () => {
    const id = 'personio:sweep-brake';
    await backfilled(id, 'hris/employees', 40);
    for (const record of pipeline.kombo.records(id, 'hris/employees').slice(0, 12))
      pipeline.kombo.vanish(id, 'hris/employees', record.id);
    await fullSyncOf(id, 'hris/employees');
    await pipeline.runWorker();
    expect(live(await pipeline.storedRecords(id, 'hris/employees'))).toHaveLength(40);
    expect(await lastRun(id, 'hris/employees')).toMatchObject({
      sweep_braked: true,
      sweep_candidates: 12,
      live: 40,
      swept: 0,
    });

    await fullSyncOf(id, 'hris/employees', { force_sweep: true });
    await pipeline.runWorker();
    expect(live(await pipeline.storedRecords(id, 'hris/employees'))).toHaveLength(28);
    expect(await lastRun(id, 'hris/employees')).toMatchObject({ sweep_braked: false, swept: 12 });
  });

  it('never empties the mirror when Kombo returns empty lists', async () => {
    const id = 'personio:sweep-outage';
    await backfilled(id, 'hris/employees', 30);
    for (const record of pipeline.kombo.records(id, 'hris/employees'))
      pipeline.kombo.vanish(id, 'hris/employees', record.id);
    await fullSyncOf(id, 'hris/employees');
    await pipeline.runWorker();
    expect(live(await pipeline.storedRecords(id, 'hris/employees'))).toHaveLength(30);
  });

  it('rejects a bad on-demand request, naming the problem', async () => {
    await expect(pipeline.invokeFullSync({ integration_id: 'x:1', resources: ['hris/nope'] })).rejects.toThrow(
      /resources.0: is not a resource in the catalogue/,
    );
    await expect(pipeline.invokeFullSync({ integration: 'x' })).rejects.toThrow(/invalid full-sync request/);
    await expect(pipeline.invokeFullSync({ integration_id: 'never:registered' })).rejects.toThrow(/not registered/);
  });
});
