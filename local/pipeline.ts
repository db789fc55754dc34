import type { Context } from 'aws-lambda';
import { awsClients } from '../lambdas/adapters/aws-clients';
import { queryAll } from '../lambdas/adapters/dynamodb/query-items';
import { ENV } from '../lambdas/contracts';
import { fullSyncConfig, webhookConfig, workerConfig } from '../lambdas/core/config';
import { REGISTRY_PARTITION, recordPartition, statePartition } from '../lambdas/core/table-keys';
import { createFullSyncHandler } from '../lambdas/full-sync/create-handler';
import { createWebhookHandler } from '../lambdas/webhook/create-handler';
import { createWorkerHandler } from '../lambdas/worker/create-handler';
import { type LocalDynamo, startLocalDynamo } from './aws/dynamo-server';
import { RECORDS_TABLE, STATE_TABLE, SYNC_JOBS_QUEUE } from './aws/names';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalSqs, startLocalSqs } from './aws/sqs-server';
import { type FakeKombo, type FakeKomboOptions, startFakeKombo } from './fake-kombo';
import { invokeAsync } from './runtime/async-invoke';
import { type InvokableHandler, type LocalLambdaEndpoint, startLambdaEndpoint } from './runtime/lambda-endpoint';
import { type InvocationReport, type PollOptions, pollUntilEmpty, type WorkerHandler } from './runtime/queue-poller';
import type { LocalRuntime } from './runtime/runtime-file';
import { type LocalWebhookEndpoint, startWebhookEndpoint, type WebhookHandler } from './runtime/webhook-server';

/**
 * The whole pipeline in this process, every protocol real: the fake Kombo (HTTP), fauxqs (SQS),
 * dynalite (DynamoDB), and the two Lambda handlers behind a local webhook endpoint and queue poller.
 */
export interface Pipeline {
  readonly kombo: FakeKombo;
  readonly sqs: LocalSqs;
  readonly dynamo: LocalDynamo;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly webhook: LocalWebhookEndpoint;
  readonly webhookSecret: string;
  /** The worker function as Lambda would invoke it. */
  readonly workerHandler: WorkerHandler;
  /** Lets the worker drain the queue, as Lambda's event source would. */
  runWorker(
    options?: Partial<Pick<PollOptions, 'timeBudgetMs' | 'onInvoke'>> & { maxInvocations?: number },
  ): Promise<InvocationReport[]>;
  /** Every item of the records table for one integration and resource. */
  storedRecords(integrationId: string, resource: string): Promise<Record<string, unknown>[]>;
  /** Every item of the state table for one integration. */
  stateItems(integrationId: string): Promise<Record<string, unknown>[]>;
  /** The integration registry's items. */
  registryItems(): Promise<Record<string, unknown>[]>;
  /** Invokes the full-sync function synchronously, as an operator would. */
  invokeFullSync(event: unknown): Promise<unknown>;
  /** Invokes it asynchronously, as the schedule does: 2 retries, then its on-failure queue. */
  invokeFullSyncAsync(event: unknown): Promise<{ succeeded: boolean; attempts: number }>;
  /** The full-sync function's on-failure destination. */
  readonly fullSyncFailureQueueUrl: string;
  /** Lambda's Invoke API for the full-sync function, for callers in another process (the operator CLI). */
  readonly lambda: LocalLambdaEndpoint & { readonly fullSyncFunctionName: string };
  /** What `.local/runtime.json` says of this pipeline (see local/runtime/runtime-file.ts). */
  runtime(): LocalRuntime;
  close(): Promise<void>;
}

// Re-exported for the callers that took the names from here.
export { RECORDS_TABLE, STATE_TABLE };

const WEBHOOK_SECRET = 'whsec_pipeline_test';
/** The name the local Lambda endpoint serves the full-sync function under (a stack would generate one). */
export const FULL_SYNC_FUNCTION = 'kombo-sync-full-sync';
/** The deployed function's timeout (lib/weekly-full-sync.ts). */
const FULL_SYNC_TIMEOUT_MS = 15 * 60_000;

export async function startPipeline(
  options: {
    workerEnv?: Record<string, string>;
    kombo?: FakeKomboOptions;
    syncResources?: string;
    webhookSecret?: string;
    /** Keep DynamoDB's data on disk there, out of the JS heap. */
    dynamoPath?: string;
    /** Put the AWS-rules layer in front of dynalite (default; see local/aws/aws-rules-proxy.ts). */
    awsRules?: boolean;
    /** Benchmarks: dynalite in a child process, off this one's event loop (see LocalDynamoOptions). */
    dynamoSeparateProcess?: boolean;
    /** Attempts per DynamoDB request (the functions' default is 8); fewer make throttles reach the walk sooner. */
    dynamoMaxAttempts?: number;
  } = {},
): Promise<Pipeline> {
  const [kombo, sqs, dynamo] = await Promise.all([
    startFakeKombo(options.kombo),
    startLocalSqs(),
    startLocalDynamo({
      path: options.dynamoPath,
      awsRules: options.awsRules,
      separateProcess: options.dynamoSeparateProcess,
    }),
  ]);
  const { queueUrl, deadLetterQueueUrl } = await sqs.createSyncJobsQueue(SYNC_JOBS_QUEUE);
  const fullSyncFailureQueueUrl = await sqs.createQueue('full-sync-failures');
  await Promise.all([dynamo.createTable(RECORDS_TABLE), dynamo.createTable(STATE_TABLE)]);

  // The functions' environment as the stack would set it, plus the local-only overrides; handed to the
  // factories, never to process.env, so a process may start as many pipelines as it likes.
  const env: Record<string, string> = {
    [ENV.syncJobsQueueUrl]: queueUrl,
    [ENV.deadLetterQueueUrl]: deadLetterQueueUrl,
    [ENV.recordsTable]: RECORDS_TABLE,
    [ENV.stateTable]: STATE_TABLE,
    [ENV.komboApiUrl]: kombo.baseUrl,
    [ENV.localKomboApiKey]: kombo.apiKey,
    [ENV.localWebhookSecret]: options.webhookSecret ?? WEBHOOK_SECRET,
    [ENV.syncResources]: options.syncResources ?? 'all',
    // The fleet's budget as an operator would set it: 90 % of what the (fake) Kombo allows.
    [ENV.komboRequestsPerMinute]: String(
      Math.floor(((kombo.rateLimit.limit * 60_000) / kombo.rateLimit.windowMs) * 0.9),
    ),
    ...options.workerEnv,
  };
  const clients = awsClients({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoints: { sqs: sqs.endpoint, dynamodb: dynamo.endpoint },
    dynamoMaxAttempts: options.dynamoMaxAttempts,
  });
  const webhookHandler: WebhookHandler = createWebhookHandler({ config: webhookConfig(env), clients });
  const workerHandler: WorkerHandler = createWorkerHandler({ config: workerConfig(env), clients });
  const fullSyncHandler = createFullSyncHandler({ config: fullSyncConfig(env), clients }) as InvokableHandler;
  const invokeFullSyncAsync = (event: unknown) =>
    invokeAsync(fullSyncHandler, event, {
      functionName: FULL_SYNC_FUNCTION,
      retryAttempts: 2,
      sqs: sqs.client,
      onFailureQueueUrl: fullSyncFailureQueueUrl,
    });
  const webhook = await startWebhookEndpoint(webhookHandler);
  const lambda = await startLambdaEndpoint({
    [FULL_SYNC_FUNCTION]: {
      handler: fullSyncHandler,
      invokeAsync: invokeFullSyncAsync,
      timeoutMs: FULL_SYNC_TIMEOUT_MS,
    },
  });

  const query = (table: string, pk: string) =>
    queryAll(dynamo.documents, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    });

  return {
    kombo,
    sqs,
    dynamo,
    queueUrl,
    deadLetterQueueUrl,
    webhook,
    webhookSecret: options.webhookSecret ?? WEBHOOK_SECRET,
    workerHandler,
    runWorker: (runOptions = {}) =>
      pollUntilEmpty({ sqs: sqs.client, queueUrl, handler: workerHandler, ...runOptions }),
    storedRecords: (integrationId, resource) => query(RECORDS_TABLE, recordPartition(integrationId, resource)),
    stateItems: (integrationId) => query(STATE_TABLE, statePartition(integrationId)),
    registryItems: () => query(STATE_TABLE, REGISTRY_PARTITION),
    fullSyncFailureQueueUrl,
    invokeFullSyncAsync,
    invokeFullSync: (event) =>
      fullSyncHandler(event, {
        functionName: FULL_SYNC_FUNCTION,
        awsRequestId: `local-${Date.now()}`,
        getRemainingTimeInMillis: () => 300_000,
      } as Context),
    lambda: { endpoint: lambda.endpoint, close: () => lambda.close(), fullSyncFunctionName: FULL_SYNC_FUNCTION },
    runtime: () => ({
      version: 1,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      region: LOCAL_REGION,
      // A copy: the SDK marks the credentials objects it was given (`$source`).
      credentials: { accessKeyId: LOCAL_CREDENTIALS.accessKeyId, secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey },
      endpoints: { dynamodb: dynamo.endpoint, sqs: sqs.endpoint, lambda: lambda.endpoint },
      recordsTable: RECORDS_TABLE,
      stateTable: STATE_TABLE,
      syncJobsQueueUrl: queueUrl,
      deadLetterQueueUrl,
      fullSyncFailureQueueUrl,
      fullSyncFunctionName: FULL_SYNC_FUNCTION,
      syncResources: env[ENV.syncResources] ?? 'all',
      webhookUrl: webhook.url,
      kombo: { apiUrl: kombo.baseUrl, adminUrl: kombo.adminUrl, apiKey: kombo.apiKey },
    }),
    async close() {
      await webhook.close();
      await lambda.close();
      for (const client of [clients.dynamo, clients.sqs, clients.secretsManager]) client.destroy();
      await Promise.all([kombo.close(), sqs.close(), dynamo.close()]);
    },
  };
}
