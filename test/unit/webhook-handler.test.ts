import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsClients } from '../../lambdas/adapters/aws-clients';
import { logger } from '../../lambdas/adapters/powertools';
import { webhookConfig } from '../../lambdas/core/config';
import { createWebhookHandler, webhookFromEnvironment } from '../../lambdas/webhook/create-handler';
import { apiGatewayEvent, dataChangedBody, kombosSignature } from '../support/webhook-events';

const sqs = mockClient(SQSClient);
const secretsManager = mockClient(SecretsManagerClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const SECRET = 'whsec_from_secrets_manager';
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/sync-jobs.fifo';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;

const context = { functionName: 'webhook', awsRequestId: 'req', getRemainingTimeInMillis: () => 10_000 } as Context;
const invoke = (event: APIGatewayProxyEventV2) => handler(event, context);
const signedEvent = (body: string) => apiGatewayEvent(body, { 'x-kombo-signature': kombosSignature(body, SECRET) });
const batchInputs = () =>
  sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input as SendMessageBatchCommandInput);

beforeAll(async () => {
  const config = webhookConfig({
    SYNC_JOBS_QUEUE_URL: QUEUE_URL,
    WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kombo-sync-webhook-AbCdEf',
    SYNC_RESOURCES: 'all',
    STATE_TABLE: 'kombo-sync-state',
  });
  handler = createWebhookHandler({ config, clients: awsClients({ region: 'eu-west-1' }) });
});

beforeEach(() => {
  sqs.reset();
  secretsManager.reset();
  dynamo.reset();
  dynamo.on(UpdateCommand).resolves({});
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhook_secret: SECRET }) });
});

describe('webhook handler', () => {
  it('sends 13 HRIS jobs in batches of at most 10 and answers 200', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: 'x' })),
      Failed: [],
    }));
    // An unknown model name means "everything of the category may have changed".
    const response = await invoke(signedEvent(dataChangedBody({ category: 'HRIS', models: ['hris_future_model'] })));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '')).toMatchObject({ status: 'accepted', jobs: 13 });
    const batches = batchInputs();
    expect(batches.map((b) => b.Entries?.length)).toEqual([10, 3]);
    const first = batches[0]?.Entries?.[0];
    expect(first).toMatchObject({
      MessageGroupId: 'personio:test123#hris/employees',
      MessageDeduplicationId: 'evt_test_1#hris/employees',
    });
    expect(JSON.parse(first?.MessageBody ?? '')).toEqual({
      v: 1,
      kind: 'delta',
      integrationId: 'personio:test123',
      resource: 'hris/employees',
      cause: { eventId: 'evt_test_1' },
    });
    expect(batches.every((b) => b.QueueUrl === QUEUE_URL)).toBe(true);
  });

  it('retries only the failed entries of a partial batch failure', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: '0', MessageId: 'a', MD5OfMessageBody: 'x' }],
        Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }],
      })
      .resolves({ Successful: [{ Id: '1', MessageId: 'b', MD5OfMessageBody: 'x' }], Failed: [] });
    const response = await invoke(signedEvent(dataChangedBody({ models: ['hris_employees'] })));
    expect(response.statusCode).toBe(200);
    const batches = batchInputs();
    expect(batches.map((b) => b.Entries?.map((e) => e.MessageGroupId))).toEqual([
      ['personio:test123#hris/employees', 'personio:test123#hris/performance-reviews'],
      ['personio:test123#hris/performance-reviews'],
    ]);
  });

  it('answers 500 when entries keep failing', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] });
    const response = await invoke(signedEvent(dataChangedBody({ models: ['hris_employments'] })));
    expect(response.statusCode).toBe(500);
    expect(batchInputs()).toHaveLength(3);
  });

  it('answers 500 when SQS is down', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('connect ECONNREFUSED'));
    const response = await invoke(signedEvent(dataChangedBody({ models: ['hris_employees'] })));
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? '')).toEqual({ error: 'could not enqueue sync jobs; please retry' });
  });

  it('answers 401 without touching SQS for a bad signature', async () => {
    const body = dataChangedBody({ models: ['hris_employees'] });
    const response = await invoke(apiGatewayEvent(body, { 'x-kombo-signature': kombosSignature(body, 'wrong') }));
    expect(response.statusCode).toBe(401);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('records a deleted integration with UpdateItem only (the one DynamoDB action its role allows)', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'a', MD5OfMessageBody: 'x' }], Failed: [] });
    const body = JSON.stringify({
      id: 'evt_del',
      type: 'integration-deleted',
      data: { id: 'personio:gone', tool: 'personio', category: 'HRIS', end_user: null },
    });
    const response = await invoke(signedEvent(body));
    expect(response.statusCode).toBe(200);
    expect(dynamo.calls().map((call) => call.args[0].constructor.name)).toEqual(['UpdateCommand', 'UpdateCommand']);
  });

  it('reads the header case-insensitively and decodes base64 bodies', async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'a', MD5OfMessageBody: 'x' }], Failed: [] });
    const body = dataChangedBody({ models: ['hris_employments'] });
    const response = await invoke(
      apiGatewayEvent(body, { 'X-Kombo-Signature': kombosSignature(body, SECRET) }, { base64: true }),
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('in Lambda with WEBHOOK_SECRET_ARN set, refuses a planted KOMBO_WEBHOOK_SECRET and warns once, naming no value', async () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    sqs
      .on(SendMessageBatchCommand)
      .resolves({ Successful: [{ Id: '0', MessageId: 'a', MD5OfMessageBody: 'x' }], Failed: [] });
    const planted = 'whsec_planted_by_a_configuration_edit';
    const edited = createWebhookHandler(
      webhookFromEnvironment({
        SYNC_JOBS_QUEUE_URL: QUEUE_URL,
        WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kombo-sync-webhook-AbCdEf',
        STATE_TABLE: 'kombo-sync-state',
        AWS_LAMBDA_FUNCTION_NAME: 'KomboSyncStack-IngressWebhookFunction',
        AWS_SAM_LOCAL: 'true',
        KOMBO_WEBHOOK_SECRET: planted,
      }),
    );
    const body = dataChangedBody({ models: ['hris_employments'] });
    const forged = await edited(
      apiGatewayEvent(body, { 'x-kombo-signature': kombosSignature(body, planted) }),
      context,
    );
    expect(forged.statusCode).toBe(401);
    expect((await edited(signedEvent(body), context)).statusCode).toBe(200);
    // It reads its own secret, the webhook secret, and no other.
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId)).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kombo-sync-webhook-AbCdEf',
    ]);
    // Once per container (the forged request's own warning aside), by name only.
    const ignored = warn.mock.calls.filter(([message]) => String(message).startsWith('local-only secret overrides'));
    expect(ignored).toEqual([
      [
        'local-only secret overrides ignored: a deployable bundle, or a secret ARN set in Lambda',
        { ignoredVariables: ['KOMBO_WEBHOOK_SECRET'] },
      ],
    ]);
    expect(JSON.stringify(warn.mock.calls)).not.toContain(planted);
    warn.mockRestore();
  });
});
