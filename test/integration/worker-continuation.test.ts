import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline, type Pipeline } from '../../local/pipeline';
import { expectedMirror, mirrorOf } from '../support/mirror';

/**
 * Long walks continue: with a time budget that fits only a few pages per invocation, a backfill
 * checkpoints, re-enqueues itself and resumes until it is done.
 */
let pipeline: Pipeline;
const TIME_MARGIN_MS = 1_000;

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
    pipeline.kombo.injectFault({ kind: 'latency', ms: 150, match: { integrationId: tiny, times: Number.POSITIVE_INFINITY } });

    const deliver = (integrationId: string) =>
      pipeline.kombo.sendDataChanged({ url: pipeline.webhook.url, secret: pipeline.webhookSecret, integrationId, changedModels: ['hris_timesheets'] });
    expect((await deliver(tiny)).status).toBe(200);
    const invocations = await pipeline.runWorker({ timeBudgetMs: TIME_MARGIN_MS + 400 });
    expect(invocations.length).toBeGreaterThanOrEqual(3);
    expect(invocations.every((report) => report.failed === 0 && !report.crashed)).toBe(true);

    expect((await deliver(long)).status).toBe(200);
    expect(await pipeline.runWorker({ timeBudgetMs: 300_000 })).toHaveLength(1);

    const tinyMirror = mirrorOf(await pipeline.storedRecords(tiny, 'hris/timesheets'));
    expect(tinyMirror).toEqual(expectedMirror(pipeline.kombo, tiny, 'hris/timesheets'));
    const strip = (items: ReturnType<typeof mirrorOf>) => items.map(({ data_encoding, remote_deleted_at }) => ({ data_encoding, remote_deleted_at }));
    expect(strip(tinyMirror)).toEqual(strip(mirrorOf(await pipeline.storedRecords(long, 'hris/timesheets'))));
    expect(tinyMirror).toHaveLength(1_250);

    const state = await pipeline.stateItems(tiny);
    expect(state.find((item) => item.sk === 'cursor#hris/timesheets')?.last_walk).toMatchObject({ pages: 5, written: 1_250 });
    expect((state.find((item) => item.sk === 'cursor#hris/timesheets')?.last_walk as { invocations: number }).invocations).toBeGreaterThanOrEqual(3);
    expect(state.some((item) => item.sk === 'walk#hris/timesheets')).toBe(false);
  });
});
