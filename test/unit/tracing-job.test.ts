import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '../../lambdas/adapters/aws-clients';
import { tracedFetch } from '../../lambdas/adapters/tracing/traced-fetch';
import { type JobTracer, traceJob } from '../../lambdas/adapters/tracing/traced-job';
import type { SyncJob } from '../../lambdas/core/sync/job';
import type { JobResult } from '../../lambdas/core/sync/outcomes';
import { FakeSegment } from '../support/fake-trace';

const delta: SyncJob = { v: 1, kind: 'delta', integrationId: 'personio:8d1h', resource: 'hris/employees' };
const completed: JobResult = { outcome: 'completed', walks: 1, pages: 2 };

/** The X-Ray SDK's capture, as far as the helper sees it: a new subsegment of the handler's, given to the job. */
function fakeTracing(enabled = true) {
  const handler = new FakeSegment('## index.handler');
  const tracer: JobTracer = {
    isTracingEnabled: () => enabled,
    provider: { captureAsyncFunc: (name, fcn) => fcn(handler.addNewSubsegment(name)) },
  };
  return { handler, tracer };
}

describe('traceJob', () => {
  it('runs the job in a subsegment annotated with its integration, resource, kind and outcome', async () => {
    const { handler, tracer } = fakeTracing();
    expect(await traceJob(tracer, delta, async () => completed)).toBe(completed);
    expect(handler.subsegments).toHaveLength(1);
    expect(handler.subsegments[0]).toMatchObject({
      name: 'job delta',
      annotations: {
        integrationId: 'personio:8d1h',
        resource: 'hris/employees',
        jobKind: 'delta',
        outcome: 'completed',
      },
      flags: [],
      closed: true,
    });
  });

  it('marks a failed job as a fault and a job without a resource without one', async () => {
    const { handler, tracer } = fakeTracing();
    const purge: SyncJob = { v: 1, kind: 'purge', integrationId: 'personio:8d1h' };
    await traceJob(tracer, purge, async () => ({ outcome: 'failed', code: null, reason: 'DynamoDB: throttled' }));
    expect(handler.subsegments[0]).toMatchObject({
      name: 'job purge',
      annotations: { integrationId: 'personio:8d1h', jobKind: 'purge', outcome: 'failed' },
      flags: ['fault'],
      closed: true,
    });
    expect(handler.subsegments[0]?.annotations).not.toHaveProperty('resource');
  });

  it('records a job that throws, closes its subsegment and throws on', async () => {
    const { handler, tracer } = fakeTracing();
    const outage = new Error('state table unavailable');
    await expect(
      traceJob(tracer, delta, async () => {
        throw outage;
      }),
    ).rejects.toBe(outage);
    expect(handler.subsegments[0]).toMatchObject({ errors: [{ error: outage }], closed: true });
  });

  it('only runs the job when the function does not trace', async () => {
    const { handler, tracer } = fakeTracing(false);
    expect(await traceJob(tracer, delta, async () => completed)).toBe(completed);
    expect(await traceJob(undefined, delta, async () => completed)).toBe(completed);
    expect(handler.subsegments).toEqual([]);
  });
});

describe('jobs running side by side, with the X-Ray SDK context of the Powertools Tracer', () => {
  // Answers every DynamoDB request with an empty item, so that captured calls go through the whole middleware stack.
  let dynamodb: Server;
  let endpoint: string;
  beforeAll(async () => {
    dynamodb = createServer((_request, response) => {
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      response.end('{}');
    });
    await new Promise<void>((resolve) => dynamodb.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(dynamodb.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => dynamodb.close(() => resolve())));

  it("puts each job's Kombo requests and AWS calls under that job's subsegment", async () => {
    // Outside Lambda the Tracer itself is off; its provider still keeps the X-Ray SDK's context per async chain.
    const { provider } = new Tracer();
    const tracing = { isTracingEnabled: () => true };
    const { dynamo } = awsClients({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      endpoints: { dynamodb: endpoint },
      tracer: provider,
    });
    // The first job's page arrives only after the second job has fetched and written: their calls interleave.
    let releaseFirst = () => {};
    const firstAnswered = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const kombo = tracedFetch({ ...tracing, getSegment: () => provider.getSegment() }, async (input) => {
      if (String(input).includes('employees')) await firstAnswered;
      return new Response('{}');
    });
    const job = (resource: string) => async (): Promise<JobResult> => {
      await kombo(`https://api.kombo.dev/v1/${resource}`);
      await dynamo.send(new GetCommand({ TableName: 'records', Key: { pk: resource, sk: 'x' } }));
      return completed;
    };

    const handler = new FakeSegment('## index.handler');
    await provider.getNamespace().runPromise(async () => {
      provider.setSegment(handler as unknown as Parameters<typeof provider.setSegment>[0]);
      const jobTracer: JobTracer = { ...tracing, provider };
      const first = traceJob(jobTracer, delta, job('hris/employees'));
      const second = traceJob(jobTracer, { ...delta, resource: 'hris/absences' }, async () => {
        const result = await job('hris/absences')();
        releaseFirst();
        return result;
      });
      await Promise.all([first, second]);
    });

    const tree = handler.subsegments.map((jobSegment) => ({
      resource: jobSegment.annotations.resource,
      calls: jobSegment.subsegments.map((call) => [call.name, call.attributes.namespace, call.closed]),
    }));
    expect(tree).toEqual([
      {
        resource: 'hris/employees',
        calls: [
          ['api.kombo.dev', 'remote', true],
          ['DynamoDB', 'aws', true],
        ],
      },
      {
        resource: 'hris/absences',
        calls: [
          ['api.kombo.dev', 'remote', true],
          ['DynamoDB', 'aws', true],
        ],
      },
    ]);
  });
});
