import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPartition } from '../../lambdas/core/table-keys';
import { drainQueue } from '../../local/aws/drain-queue';
import { type Pipeline, startPipeline } from '../../local/pipeline';
import { pollOnce, type WorkerHandler } from '../../local/runtime/queue-poller';
import { expectedMirror, mirrorOf, tombstonedIds } from '../support/mirror';
import { sendDeltaJob } from '../support/pipeline-jobs';

/**
 * What AWS does and the local servers do not, on the whole pipeline: the AWS-rules layer in front of
 * dynalite refuses what DynamoDB refuses, throttles and fails requests on demand, and logs every
 * request with its arrival time. Each test uses integrations of its own.
 */
let pipeline: Pipeline;
let workerHandler: WorkerHandler;

beforeAll(async () => {
  // Two attempts per DynamoDB request, so that an injected throttle reaches the walk quickly.
  pipeline = await startPipeline({
    kombo: { seed: 71 },
    workerEnv: { COALESCE_WINDOW_SECONDS: '0' },
    dynamoMaxAttempts: 2,
  });
  workerHandler = pipeline.workerHandler;
});
afterAll(async () => pipeline?.close());

const rules = () => {
  if (!pipeline.dynamo.rules) throw new Error('the pipeline must run behind the AWS-rules layer');
  return pipeline.dynamo.rules;
};

function integration(id: string) {
  pipeline.kombo.addIntegration({ id, category: 'HRIS' });
  return id;
}

const sendDelta = (integrationId: string, resource: string, deduplicationId: string) =>
  sendDeltaJob(pipeline, integrationId, resource, deduplicationId);

const cursorItem = async (integrationId: string, resource: string) =>
  (await pipeline.stateItems(integrationId)).find((item) => item.sk === `cursor#${resource}`);
const deadLetters = async () => drainQueue(pipeline.sqs.client, pipeline.deadLetterQueueUrl);

describe('a record DynamoDB refuses as a map', () => {
  it('with a field named "" (at any depth) is stored verbatim, compressed, and its resource keeps syncing', async () => {
    const id = integration('personio:empty-name');
    const [odd] = pipeline.kombo.seed(id, 'hris/employees', 300);
    const oddRecord = pipeline.kombo.update(id, 'hris/employees', odd!.id, {
      custom_fields: { '': 'unnamed', nested: { deeper: { '': 1 } } },
    });
    await sendDelta(id, 'hris/employees', 'empty-name-1');
    await pipeline.runWorker();

    const stored = await pipeline.storedRecords(id, 'hris/employees');
    expect(stored).toHaveLength(300);
    const item = stored.find((candidate) => candidate.id === odd!.id);
    expect(item?.data_encoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(item?.data_gzip as Uint8Array).toString('utf8'))).toEqual(oddRecord);
    expect(stored.filter((candidate) => candidate.data_encoding === 'map')).toHaveLength(299);
    const firstCursor = String((await cursorItem(id, 'hris/employees'))?.delta_cursor);
    expect(firstCursor).toMatch(/^2\d{3}-/);

    // Later changes of the resource are still synced, and the cursor moves on.
    const [, changed] = pipeline.kombo.records(id, 'hris/employees');
    await new Promise((resolve) => setTimeout(resolve, 5));
    pipeline.kombo.update(id, 'hris/employees', changed!.id, { first_name: 'Changed' });
    await sendDelta(id, 'hris/employees', 'empty-name-2');
    await pipeline.runWorker();
    expect(
      (await pipeline.storedRecords(id, 'hris/employees')).find((candidate) => candidate.id === changed!.id)?.data,
    ).toMatchObject({ first_name: 'Changed' });
    expect(String((await cursorItem(id, 'hris/employees'))?.delta_cursor) > firstCursor).toBe(true);
    expect(await deadLetters()).toEqual([]);
  });

  it('that DynamoDB refuses for a reason no rule foresaw is stored compressed, counted in the walk, and the page goes on', async () => {
    const id = integration('personio:unforeseen');
    pipeline.kombo.seed(id, 'hris/absences', 40);
    // The batch of new records is refused, then the first record's own write: that record takes the gzip step.
    const refusal = {
      partitionKey: recordPartition(id, 'hris/absences'),
      errorType: 'ValidationException',
      times: 1,
      message: 'One or more parameter values were invalid',
    };
    rules().fail({ operation: 'BatchWriteItem', ...refusal });
    rules().fail({ operation: 'PutItem', ...refusal });
    await sendDelta(id, 'hris/absences', 'unforeseen-1');
    await pipeline.runWorker();
    const stored = await pipeline.storedRecords(id, 'hris/absences');
    expect(stored).toHaveLength(40);
    expect(stored.filter((item) => item.data_encoding === 'gzip')).toHaveLength(1);
    expect((await cursorItem(id, 'hris/absences'))?.last_walk).toMatchObject({ rejected: 1, written: 40 });
  });
});

describe('a page whose writes fail', () => {
  it('issues no DynamoDB request after the worker returned', async () => {
    const id = integration('personio:late-writes');
    const seeded = pipeline.kombo.seed(id, 'hris/employees', 250);
    await sendDelta(id, 'hris/employees', 'late-writes-0');
    await pipeline.runWorker();
    // Every record changes upstream: the next delta writes each one with its own conditional write.
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (const record of seeded) pipeline.kombo.update(id, 'hris/employees', record.id, { first_name: 'Changed' });
    await sendDelta(id, 'hris/employees', 'late-writes-1');
    // A non-retryable refusal of the page's first write: the page fails.
    rules().fail({
      operation: 'PutItem',
      partitionKey: recordPartition(id, 'hris/employees'),
      errorType: 'AccessDeniedException',
      times: 1,
    });
    let returnedAt = Number.POSITIVE_INFINITY;
    const handler: WorkerHandler = async (event, context) => {
      try {
        return await workerHandler(event, context);
      } finally {
        returnedAt = Date.now();
      }
    };
    expect(await pollOnce({ sqs: pipeline.sqs.client, queueUrl: pipeline.queueUrl, handler })).toMatchObject({
      failed: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const late = rules()
      .requests()
      .filter((request) => request.at > returnedAt);
    expect(late).toEqual([]);
    // Only the writes that were in flight when the first one failed were made.
    const changed = (await pipeline.storedRecords(id, 'hris/employees')).filter(
      (item) => (item.data as { first_name?: string }).first_name === 'Changed',
    );
    expect(changed.length).toBeLessThan(20);

    await pipeline.runWorker();
    expect(mirrorOf(await pipeline.storedRecords(id, 'hris/employees'))).toEqual(
      expectedMirror(pipeline.kombo, id, 'hris/employees'),
    );
  });
});

describe('a partition DynamoDB throttles', () => {
  it('converges without failing a job or dead-lettering: the page is written again after a pause', async () => {
    const id = integration('personio:throttled');
    pipeline.kombo.seed(id, 'hris/employments', 600);
    // More refusals than the client's own attempts: the walk must back off and write the page again.
    rules().throttle({ operation: 'BatchWriteItem', partitionKey: recordPartition(id, 'hris/employments'), times: 4 });
    rules().resetRequests();
    await sendDelta(id, 'hris/employments', 'throttled-1');
    const invocations = await pipeline.runWorker();
    expect(invocations.every((report) => report.failed === 0)).toBe(true);
    expect(
      rules()
        .requests()
        .filter((request) => request.outcome === 'fault'),
    ).toHaveLength(4);
    expect(mirrorOf(await pipeline.storedRecords(id, 'hris/employments'))).toEqual(
      expectedMirror(pipeline.kombo, id, 'hris/employments'),
    );
    expect((await cursorItem(id, 'hris/employments'))?.delta_cursor).toEqual(expect.any(String));
    expect(await deadLetters()).toEqual([]);
  });
});

describe('the sweep when Kombo answers 404 to unknown ids (an older version of its docs)', () => {
  it('splits the recheck down to single ids and tombstones exactly what vanished', async () => {
    const id = integration('personio:ids-404');
    const seeded = pipeline.kombo.seed(id, 'hris/locations', 120);
    await pipeline.invokeFullSync({ integration_id: id, resources: ['hris/locations'] });
    await pipeline.runWorker();
    const vanished = seeded.slice(10, 13).map((record) => record.id);
    for (const recordId of vanished) pipeline.kombo.vanish(id, 'hris/locations', recordId);
    pipeline.kombo.setUnknownIdsAnswer('not-found');
    try {
      pipeline.kombo.resetRequests();
      await pipeline.invokeFullSync({ integration_id: id, resources: ['hris/locations'] });
      const invocations = await pipeline.runWorker();
      expect(invocations.every((report) => report.failed === 0)).toBe(true);
    } finally {
      pipeline.kombo.setUnknownIdsAnswer('omit');
    }
    expect(pipeline.kombo.requests.some((request) => request.status === 404)).toBe(true);
    const stored = await pipeline.storedRecords(id, 'hris/locations');
    expect(tombstonedIds(stored)).toEqual([...vanished].sort());
    expect((await cursorItem(id, 'hris/locations'))?.last_walk).toMatchObject({
      swept: 3,
      sweep_candidates: 3,
      sweep_braked: false,
    });
  });
});
