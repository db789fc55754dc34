import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '../../lambdas/adapters/aws-clients';
import { webhookConfig } from '../../lambdas/core/config';
import { createWebhookHandler } from '../../lambdas/webhook/create-handler';
import { drainQueue } from '../../local/aws/drain-queue';
import { type LocalDynamo, startLocalDynamo } from '../../local/aws/dynamo-server';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalSqs, startLocalSqs } from '../../local/aws/sqs-server';
import { apiGatewayEvent, dataChangedBody, kombosSignature } from '../support/webhook-events';

const SECRET = 'whsec_integration';
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

let sqs: LocalSqs;
let dynamo: LocalDynamo;
let queueUrl: string;
let handler: Handler;
const context = { functionName: 'webhook', awsRequestId: 'req', getRemainingTimeInMillis: () => 10_000 } as Context;
const deliver = (body: string, secret = SECRET) =>
  handler(apiGatewayEvent(body, { 'x-kombo-signature': kombosSignature(body, secret) }), context);

beforeAll(async () => {
  sqs = await startLocalSqs();
  ({ queueUrl } = await sqs.createSyncJobsQueue('webhook-it'));
  dynamo = await startLocalDynamo();
  await dynamo.createTable('state');
  const config = webhookConfig({
    STATE_TABLE: 'state',
    SYNC_JOBS_QUEUE_URL: queueUrl,
    KOMBO_WEBHOOK_SECRET: SECRET,
    SYNC_RESOURCES: 'ats/applications,ats/candidates,ats/jobs,hris/employees',
  });
  const clients = awsClients({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoints: { sqs: sqs.endpoint, dynamodb: dynamo.endpoint },
  });
  handler = createWebhookHandler({ config, clients });
});

afterAll(async () => {
  await sqs?.close();
  await dynamo?.close();
});

describe('webhook → FIFO queue (fauxqs)', () => {
  it('enqueues the expected jobs with one message group per integration and resource', async () => {
    const body = dataChangedBody({
      eventId: 'evt_a',
      integrationId: 'greenhouse:g1',
      category: 'ATS',
      models: ['ats_candidates'],
    });
    const response = await deliver(body);
    expect(response.statusCode).toBe(200);
    const messages = await drainQueue(sqs.client, queueUrl);
    const jobs = messages.map((m) => ({ group: m.Attributes?.MessageGroupId, job: JSON.parse(m.Body ?? '') }));
    expect(jobs.sort((a, b) => String(a.group).localeCompare(String(b.group)))).toEqual([
      {
        group: 'greenhouse:g1#ats/applications',
        job: {
          v: 1,
          kind: 'delta',
          integrationId: 'greenhouse:g1',
          resource: 'ats/applications',
          cause: { eventId: 'evt_a' },
        },
      },
      {
        group: 'greenhouse:g1#ats/candidates',
        job: {
          v: 1,
          kind: 'delta',
          integrationId: 'greenhouse:g1',
          resource: 'ats/candidates',
          cause: { eventId: 'evt_a' },
        },
      },
    ]);
  });

  it('turns the same event delivered three times into one job per resource', async () => {
    const body = dataChangedBody({
      eventId: 'evt_b',
      integrationId: 'greenhouse:g2',
      category: 'ATS',
      models: ['ats_jobs'],
    });
    for (let delivery = 0; delivery < 3; delivery++) expect((await deliver(body)).statusCode).toBe(200);
    const messages = await drainQueue(sqs.client, queueUrl);
    expect(messages.map((m) => m.Attributes?.MessageGroupId).sort()).toEqual([
      'greenhouse:g2#ats/applications',
      'greenhouse:g2#ats/candidates',
      'greenhouse:g2#ats/jobs',
    ]);
  });

  it('enqueues nothing for a bad signature', async () => {
    const body = dataChangedBody({ eventId: 'evt_c', integrationId: 'personio:p1', models: ['hris_employees'] });
    expect((await deliver(body, 'not-the-secret')).statusCode).toBe(401);
    expect(await drainQueue(sqs.client, queueUrl)).toEqual([]);
  });
});
