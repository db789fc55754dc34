import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../../local/pipeline';
import { pollOnce } from '../../local/runtime/queue-poller';
import { expectedMirror, mirrorOf } from '../support/mirror';
import { sendDeltaJob } from '../support/pipeline-jobs';

/**
 * The worker's promises, each on the whole in-process pipeline (fake Kombo, fauxqs, dynalite).
 * Each test uses its own integration, so their tables and queues do not interfere.
 */
let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline({ kombo: { seed: 23 }, workerEnv: { COALESCE_WINDOW_SECONDS: '1' } });
});
afterAll(async () => pipeline?.close());

function integration(id: string, category: 'ATS' | 'HRIS' = 'HRIS') {
  pipeline.kombo.addIntegration({ id, category });
  return id;
}

const sendJob = (integrationId: string, resource: string, deduplicationId: string) =>
  sendDeltaJob(pipeline, integrationId, resource, deduplicationId);

const fullTable = async (integrationId: string, resource: string) =>
  (await pipeline.storedRecords(integrationId, resource)).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
const cursorOf = async (integrationId: string, resource: string) =>
  (await pipeline.stateItems(integrationId)).find((item) => item.sk === `cursor#${resource}`)?.delta_cursor;
const passes = (integrationId: string, resource: string) =>
  pipeline.kombo.requests.filter(
    (r) => r.integrationId === integrationId && r.resource === resource && r.query.cursor === undefined,
  ).length;

describe('worker properties', () => {
  it('leaves the same table when the same job is delivered three times', async () => {
    const id = integration('personio:thrice');
    pipeline.kombo.seed(id, 'hris/employees', 300);
    await sendJob(id, 'hris/employees', 'first');
    await pipeline.runWorker();
    const once = await fullTable(id, 'hris/employees');
    expect(mirrorOf(once)).toEqual(expectedMirror(pipeline.kombo, id, 'hris/employees'));

    await sendJob(id, 'hris/employees', 'second');
    await sendJob(id, 'hris/employees', 'third');
    await pipeline.runWorker();
    expect(await fullTable(id, 'hris/employees')).toEqual(once);
  });

  it('never lets a stale page overwrite newer data', async () => {
    const id = integration('personio:stale');
    const [record] = pipeline.kombo.seed(id, 'hris/employees', 1);
    // A strictly later changed_at: with an equal one, different content is a legitimate nested change.
    await new Promise((resolve) => setTimeout(resolve, 5));
    pipeline.kombo.update(id, 'hris/employees', record!.id, { first_name: 'Newer' });
    await sendJob(id, 'hris/employees', 'sync-newer');
    await pipeline.runWorker();

    // Kombo (or a cache in front of it) answers with the record as it was before the update.
    const stalePage = { status: 'success', data: { next: null, results: [{ ...record, first_name: 'Older' }] } };
    pipeline.kombo.injectFault({ kind: 'malformed', body: JSON.stringify(stalePage), match: { integrationId: id } });
    await sendJob(id, 'hris/employees', 'sync-stale');
    await pipeline.runWorker();

    const [stored] = await pipeline.storedRecords(id, 'hris/employees');
    expect(stored?.data).toMatchObject({ first_name: 'Newer' });
    const state = (await pipeline.stateItems(id)).find((item) => item.sk === 'cursor#hris/employees');
    expect(state?.last_walk).toMatchObject({ stale: 1, written: 0 });
  });

  it('converges after a failure on page 3: redelivered, resumed from the checkpoint, cursor untouched until done', async () => {
    const id = integration('personio:crash');
    pipeline.kombo.seed(id, 'hris/employments', 1_100);
    pipeline.kombo.injectFault({
      kind: 'status',
      status: 409,
      code: 'PLATFORM.UNKNOWN_CONFLICT',
      match: { integrationId: id, page: 3 },
    });
    await sendJob(id, 'hris/employments', 'crash-1');

    const poll = { sqs: pipeline.sqs.client, queueUrl: pipeline.queueUrl, handler: pipeline.workerHandler };
    const first = await pollOnce(poll);
    expect(first).toMatchObject({ messages: 1, failed: 1 });
    const walk = (await pipeline.stateItems(id)).find((item) => item.sk === 'walk#hris/employments');
    expect(walk).toMatchObject({ pages: 2, next: expect.any(String) });
    expect(await cursorOf(id, 'hris/employments')).toBeUndefined();
    expect(await pipeline.storedRecords(id, 'hris/employments')).toHaveLength(500);

    pipeline.kombo.resetRequests();
    await pipeline.runWorker();
    expect(pipeline.kombo.requests.filter((r) => r.integrationId === id)[0]?.query.cursor).toBe(walk?.next);
    expect(mirrorOf(await pipeline.storedRecords(id, 'hris/employments'))).toEqual(
      expectedMirror(pipeline.kombo, id, 'hris/employments'),
    );
    expect(await cursorOf(id, 'hris/employments')).toEqual(expect.any(String));
  });

  it('turns a burst of 50 data-changed events into one fetch pass per coalescing window it spans, plus one', async () => {
    const id = integration('personio:burst');
    pipeline.kombo.seed(id, 'hris/employees', 260);
    pipeline.kombo.seed(id, 'hris/employments', 260);
    pipeline.kombo.resetRequests();

    let sending = true;
    const worker = (async () => {
      while (sending) await pipeline.runWorker();
    })();
    // All at once, as Kombo's retries and several syncs of one integration may deliver them.
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        pipeline.kombo.sendDataChanged({
          url: pipeline.webhook.url,
          secret: pipeline.webhookSecret,
          integrationId: id,
          changedModels: ['hris_employments'],
        }),
      ),
    );
    const spanMs = Date.now() - started;
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    sending = false;
    await worker;
    await pipeline.runWorker();

    // A walk waits a coalescing window (1 s) after the newest job it covers: a burst within a second
    // takes at most 2 passes, and each further second the burst lasted (a loaded machine) one more.
    const allowed = 1 + Math.max(1, Math.ceil(spanMs / 1_000));
    for (const resource of ['hris/employees', 'hris/employments']) {
      expect(passes(id, resource), resource).toBeGreaterThanOrEqual(1);
      expect(passes(id, resource), `${resource}: burst over ${spanMs} ms`).toBeLessThanOrEqual(allowed);
      expect(mirrorOf(await pipeline.storedRecords(id, resource))).toEqual(
        expectedMirror(pipeline.kombo, id, resource),
      );
    }
  });

  it('rides out a storm of 429s: delayed, nothing lost', async () => {
    const id = integration('personio:storm');
    pipeline.kombo.seed(id, 'hris/absences', 700);
    pipeline.kombo.injectFault({ kind: 'rate-limit', resetSeconds: 1, match: { integrationId: id, times: 3 } });
    pipeline.kombo.resetRequests();
    await sendJob(id, 'hris/absences', 'storm');
    const invocations = await pipeline.runWorker();
    expect(invocations.every((report) => report.failed === 0)).toBe(true);
    expect(pipeline.kombo.requests.filter((r) => r.integrationId === id && r.status === 429)).toHaveLength(3);
    expect(mirrorOf(await pipeline.storedRecords(id, 'hris/absences'))).toEqual(
      expectedMirror(pipeline.kombo, id, 'hris/absences'),
    );
  });
});

describe('worker recovery', () => {
  it('restarts a walk from the beginning when Kombo rejects the checkpointed cursor', async () => {
    const id = integration('personio:expired-cursor');
    pipeline.kombo.seed(id, 'hris/locations', 600);
    pipeline.kombo.injectFault({ kind: 'status', status: 409, match: { integrationId: id, page: 2 } });
    await sendJob(id, 'hris/locations', 'expired-1');
    const poll = { sqs: pipeline.sqs.client, queueUrl: pipeline.queueUrl, handler: pipeline.workerHandler };
    expect(await pollOnce(poll)).toMatchObject({ failed: 1 });

    pipeline.kombo.injectFault({ kind: 'reject-cursor', match: { integrationId: id } });
    pipeline.kombo.resetRequests();
    await pipeline.runWorker();
    const requests = pipeline.kombo.requests.filter((r) => r.integrationId === id);
    expect(requests[0]).toMatchObject({ status: 400, query: expect.objectContaining({ cursor: expect.any(String) }) });
    expect(requests[1]?.query.cursor).toBeUndefined();
    expect(mirrorOf(await pipeline.storedRecords(id, 'hris/locations'))).toEqual(
      expectedMirror(pipeline.kombo, id, 'hris/locations'),
    );
  });

  it('treats a setup sync in progress as "try later": skipped, recorded, not retried in a loop', async () => {
    const id = integration('personio:pending');
    pipeline.kombo.setIntegrationState(id, 'SETUP_SYNC_PENDING');
    await sendJob(id, 'hris/employees', 'pending-1');
    const invocations = await pipeline.runWorker();
    expect(invocations).toEqual([{ messages: 1, failed: 0, crashed: false }]);
    const cursor = (await pipeline.stateItems(id)).find((item) => item.sk === 'cursor#hris/employees');
    expect(cursor?.last_error).toMatchObject({ code: 'INTEGRATION.SETUP_SYNC_PENDING' });
    expect(cursor?.delta_cursor).toBeUndefined();
  });
});

describe('worker limits', () => {
  it('abandons a walk whose cursors Kombo keeps rejecting after 3 jobs, instead of restarting forever or dead-lettering', async () => {
    const id = integration('personio:cursor-loop');
    pipeline.kombo.seed(id, 'hris/groups', 600);
    pipeline.kombo.injectFault({
      kind: 'reject-cursor',
      match: { integrationId: id, times: Number.POSITIVE_INFINITY },
    });
    await sendJob(id, 'hris/groups', 'loop-1');
    const invocations = await pipeline.runWorker({ maxInvocations: 20 });
    pipeline.kombo.clearFaults();
    // Two failed deliveries keep the checkpoint; the third abandons it and acknowledges the job.
    expect(invocations.map((report) => report.failed)).toEqual([1, 1, 0]);
    const { drainQueue } = await import('../../local/aws/drain-queue');
    expect(await drainQueue(pipeline.sqs.client, pipeline.deadLetterQueueUrl)).toEqual([]);
    const state = await pipeline.stateItems(id);
    expect(state.find((item) => item.sk === 'walk#hris/groups')).toBeUndefined();
    const cursor = state.find((item) => item.sk === 'cursor#hris/groups');
    expect(cursor?.delta_cursor).toBeUndefined();
    expect(cursor?.last_error).toMatchObject({ message: expect.stringContaining('rejected a cursor again') });

    // The next delta re-reads from the (unmoved) cursor and completes.
    await sendJob(id, 'hris/groups', 'loop-2');
    await pipeline.runWorker();
    expect(mirrorOf(await pipeline.storedRecords(id, 'hris/groups'))).toEqual(
      expectedMirror(pipeline.kombo, id, 'hris/groups'),
    );
  });
});
