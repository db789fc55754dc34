import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPartition } from '../../lambdas/core/table-keys';
import { type Pipeline, RECORDS_TABLE, startPipeline } from '../../local/pipeline';
import { expectedMirror, mirrorOf, tombstonedIds } from '../support/mirror';

/**
 * Long walks continue: with a time budget that fits only a few pages per invocation, a backfill
 * checkpoints, re-enqueues itself and resumes until it is done.
 */
let pipeline: Pipeline;
const TIME_MARGIN_MS = 10_000;

beforeAll(async () => {
  pipeline = await startPipeline({
    kombo: { seed: 31 },
    workerEnv: { TIME_MARGIN_SECONDS: String(TIME_MARGIN_MS / 1000), COALESCE_WINDOW_SECONDS: '0' },
  });
});
afterAll(async () => pipeline?.close());

describe('a backfill under a tiny time budget', () => {
  it('spans at least 3 invocations and ends with the same table as one long run', async () => {
    const tiny = 'personio:tiny-budget';
    const long = 'personio:long-run';
    for (const id of [tiny, long]) {
      pipeline.kombo.addIntegration({ id, category: 'HRIS' });
      pipeline.kombo.seed(id, 'hris/timesheets', 1_250);
    }
    // Every page takes 150 ms, so a budget of margin + 400 ms fits about two pages; the margin covers
    // writing a page to dynalite and checkpointing.
    pipeline.kombo.injectFault({
      kind: 'latency',
      ms: 150,
      match: { integrationId: tiny, times: Number.POSITIVE_INFINITY },
    });

    const deliver = (integrationId: string) =>
      pipeline.kombo.sendDataChanged({
        url: pipeline.webhook.url,
        secret: pipeline.webhookSecret,
        integrationId,
        changedModels: ['hris_timesheets'],
      });
    expect((await deliver(tiny)).status).toBe(200);
    const invocations = await pipeline.runWorker({ timeBudgetMs: TIME_MARGIN_MS + 400 });
    expect(invocations.length).toBeGreaterThanOrEqual(3);
    expect(invocations.every((report) => report.failed === 0 && !report.crashed)).toBe(true);

    expect((await deliver(long)).status).toBe(200);
    expect(await pipeline.runWorker({ timeBudgetMs: 300_000 })).toHaveLength(1);

    const tinyMirror = mirrorOf(await pipeline.storedRecords(tiny, 'hris/timesheets'));
    expect(tinyMirror).toEqual(expectedMirror(pipeline.kombo, tiny, 'hris/timesheets'));
    const strip = (items: ReturnType<typeof mirrorOf>) =>
      items.map(({ data_encoding, remote_deleted_at }) => ({ data_encoding, remote_deleted_at }));
    expect(strip(tinyMirror)).toEqual(strip(mirrorOf(await pipeline.storedRecords(long, 'hris/timesheets'))));
    expect(tinyMirror).toHaveLength(1_250);

    const state = await pipeline.stateItems(tiny);
    expect(state.find((item) => item.sk === 'cursor#hris/timesheets')?.last_walk).toMatchObject({
      pages: 5,
      written: 1_250,
    });
    const lastWalk = state.find((item) => item.sk === 'cursor#hris/timesheets')?.last_walk as
      | { invocations: number }
      | undefined;
    expect(lastWalk?.invocations).toBeGreaterThanOrEqual(3);
    expect(state.some((item) => item.sk === 'walk#hris/timesheets')).toBe(false);
  });
});

describe('long full walks and purges under a tiny time budget', () => {
  it('a full walk spans at least 3 invocations, ends with the same table as one long run, and sweeps', async () => {
    const id = 'personio:tiny-full';
    pipeline.kombo.addIntegration({ id, category: 'HRIS' });
    pipeline.kombo.seed(id, 'hris/absences', 1_000);
    await pipeline.invokeFullSync({ integration_id: id, resources: ['hris/absences'] });
    await pipeline.runWorker({ timeBudgetMs: 300_000 });
    const vanished = pipeline.kombo
      .records(id, 'hris/absences')
      .slice(0, 20)
      .map((r) => r.id);
    for (const recordId of vanished) pipeline.kombo.vanish(id, 'hris/absences', recordId);

    pipeline.kombo.injectFault({
      kind: 'latency',
      ms: 150,
      match: { integrationId: id, times: Number.POSITIVE_INFINITY },
    });
    await pipeline.invokeFullSync({ integration_id: id, resources: ['hris/absences'] });
    const invocations = await pipeline.runWorker({ timeBudgetMs: TIME_MARGIN_MS + 400 });
    pipeline.kombo.clearFaults();
    expect(invocations.length).toBeGreaterThanOrEqual(3);
    expect(invocations.every((report) => report.failed === 0 && !report.crashed)).toBe(true);

    const stored = await pipeline.storedRecords(id, 'hris/absences');
    expect(mirrorOf(stored.filter((item) => item.data_encoding !== 'tombstone'))).toEqual(
      expectedMirror(pipeline.kombo, id, 'hris/absences'),
    );
    expect(tombstonedIds(stored)).toEqual([...vanished].sort());
    const lastWalk = (await pipeline.stateItems(id)).find((item) => item.sk === 'cursor#hris/absences')?.last_walk;
    expect(lastWalk).toMatchObject({ kind: 'full', pages: 4, swept: 20 });
    expect((lastWalk as { invocations: number }).invocations).toBeGreaterThanOrEqual(3);
  });

  it('purges a deleted integration of 10,000 records in chunks across invocations', async () => {
    const id = 'personio:tiny-purge';
    pipeline.kombo.addIntegration({ id, category: 'HRIS' });
    // The records are written straight into the table: the purge, not the backfill, is under test.
    const items = Array.from({ length: 10_000 }, (_, n) => ({
      pk: recordPartition(id, n % 2 ? 'hris/employees' : 'hris/absences'),
      sk: `rec-${n}`,
      integration_id: id,
      data_encoding: 'map',
      data: { id: `rec-${n}`, first_name: 'Someone' },
    }));
    for (let start = 0; start < items.length; start += 25) {
      const chunk = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
      await pipeline.dynamo.documents.send(new BatchWriteCommand({ RequestItems: { [RECORDS_TABLE]: chunk } }));
    }
    pipeline.kombo.seed(id, 'hris/locations', 3);
    await pipeline.invokeFullSync({ integration_id: id, resources: ['hris/locations'] });
    await pipeline.runWorker({ timeBudgetMs: 300_000 });
    expect((await pipeline.stateItems(id)).length).toBeGreaterThan(0);

    const { status } = await pipeline.kombo.sendWebhook({
      url: pipeline.webhook.url,
      secret: pipeline.webhookSecret,
      type: 'integration-deleted',
      data: { id, tool: 'personio', category: 'HRIS', end_user: null, deleted_at: new Date().toISOString() },
    });
    expect(status).toBe(200);
    const invocations = await pipeline.runWorker({ timeBudgetMs: TIME_MARGIN_MS + 300 });
    expect(invocations.length).toBeGreaterThanOrEqual(2);
    expect(invocations.every((report) => report.failed === 0 && !report.crashed)).toBe(true);

    for (const resource of ['hris/employees', 'hris/absences', 'hris/locations']) {
      expect(await pipeline.storedRecords(id, resource), resource).toEqual([]);
    }
    expect(await pipeline.stateItems(id)).toEqual([
      {
        pk: `integration#${id}`,
        sk: 'meta',
        integration_id: id,
        deleted_at: expect.any(String),
        purged_at: expect.any(String),
      },
    ]);
  });
});
