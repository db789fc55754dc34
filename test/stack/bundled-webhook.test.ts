import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainQueue } from '../../local/aws/drain-queue';
import { type LocalDynamo, startLocalDynamo } from '../../local/aws/dynamo-server';
import { localAwsEnvironment } from '../../local/aws/environment';
import { type LocalSqs, startLocalSqs } from '../../local/aws/sqs-server';
import { bundledFunction, WEBHOOK_FUNCTION } from '../../local/cdk-out';
import { synthApp } from '../support/synth';

/**
 * The done-when check of the ingest issue, on the real artefact: synthesize with esbuild bundling,
 * load the webhook function's bundle from the cloud assembly, and give it the sample events.
 */
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const root = path.resolve(import.meta.dirname, '../..');
// Inside the project, so the bundle resolves the AWS SDK (external, as in Lambda) from node_modules.
const outdir = mkdtempSync(path.join(root, '.cdk.out-test-'));
const readEvent = (name: string) =>
  JSON.parse(readFileSync(path.join(root, 'events', name), 'utf8')) as APIGatewayProxyEventV2;
const context = { functionName: 'webhook', awsRequestId: 'req', getRemainingTimeInMillis: () => 10_000 } as Context;

let sqs: LocalSqs;
let dynamo: LocalDynamo;
let queueUrl: string;
let handler: Handler;

beforeAll(async () => {
  const { app } = synthApp({ bundle: true, outdir });
  app.synth();
  const { entry } = bundledFunction(outdir, 'KomboSyncStack', WEBHOOK_FUNCTION);
  expect(existsSync(entry)).toBe(true);

  sqs = await startLocalSqs();
  ({ queueUrl } = await sqs.createSyncJobsQueue('bundled'));
  dynamo = await startLocalDynamo();
  await dynamo.createTable('state');
  // The environment `sam local invoke --env-vars events/env.json` would give, pointed at fauxqs.
  const env = JSON.parse(readFileSync(path.join(root, 'events/env.json'), 'utf8')) as {
    Parameters: Record<string, string>;
  };
  Object.assign(process.env, env.Parameters, localAwsEnvironment({ sqs: sqs.endpoint, dynamodb: dynamo.endpoint }), {
    SYNC_JOBS_QUEUE_URL: queueUrl,
    STATE_TABLE: 'state',
    SYNC_RESOURCES: 'all',
  });
  ({ handler } = (await import(pathToFileURL(entry).href)) as { handler: Handler });
}, 120_000);

afterAll(async () => {
  await sqs?.close();
  await dynamo?.close();
  rmSync(outdir, { recursive: true, force: true });
});

describe('bundled webhook function from the cloud assembly', () => {
  it('enqueues one FIFO job per affected configured resource for the signed sample event', async () => {
    const response = await handler(readEvent('webhook-data-changed.json'), context);
    expect(response.statusCode).toBe(200);
    const messages = await drainQueue(sqs.client, queueUrl);
    // hris_employees → employees, performance reviews; hris_absences → absences.
    expect(messages.map((m) => m.Attributes?.MessageGroupId).sort()).toEqual([
      'personio:sample123#hris/absences',
      'personio:sample123#hris/employees',
      'personio:sample123#hris/performance-reviews',
    ]);
  });

  it('answers 401 and enqueues nothing for the bad-signature sample', async () => {
    const response = await handler(readEvent('webhook-bad-signature.json'), context);
    expect(response.statusCode).toBe(401);
    expect(await drainQueue(sqs.client, queueUrl)).toEqual([]);
  });

  it('ships the sample secret next to the events, matching the signed sample', () => {
    const secret = readFileSync(path.join(root, 'events/test-webhook-secret.txt'), 'utf8').trim();
    const env = JSON.parse(readFileSync(path.join(root, 'events/env.json'), 'utf8')) as {
      Parameters: Record<string, string>;
    };
    expect(env.Parameters.KOMBO_WEBHOOK_SECRET).toBe(secret);
  });
});
