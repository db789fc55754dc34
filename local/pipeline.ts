import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalDynamo, type LocalDynamo } from './aws/dynamo-server';
import { localAwsEnvironment } from './aws/environment';
import { startLocalSqs, type LocalSqs } from './aws/sqs-server';
import { startFakeKombo, type FakeKombo, type FakeKomboOptions } from './fake-kombo';
import { pollUntilEmpty, type InvocationReport, type PollOptions, type WorkerHandler } from './runtime/queue-poller';
import { startWebhookEndpoint, type LocalWebhookEndpoint, type WebhookHandler } from './runtime/webhook-server';
import type { Context } from 'aws-lambda';
import { REGISTRY_PARTITION, recordPartition, statePartition } from '../lambdas/core/table-keys';

/**
 * The whole pipeline in this process, every protocol real: the fake Kombo (HTTP), fauxqs (SQS),
 * dynalite (DynamoDB), and the two Lambda handlers behind a local webhook endpoint and queue poller.
 * Start it once per process (or vitest file): the handlers read their environment when first imported.
 */
export interface Pipeline {
  readonly kombo: FakeKombo;
  readonly sqs: LocalSqs;
  readonly dynamo: LocalDynamo;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly webhook: LocalWebhookEndpoint;
  readonly webhookSecret: string;
  /** Lets the worker drain the queue, as Lambda's event source would. */
  runWorker(options?: Partial<Pick<PollOptions, 'timeBudgetMs' | 'onInvoke'>> & { maxInvocations?: number }): Promise<InvocationReport[]>;
  /** Every item of the records table for one integration and resource. */
  storedRecords(integrationId: string, resource: string): Promise<Record<string, unknown>[]>;
  /** Every item of the state table for one integration. */
  stateItems(integrationId: string): Promise<Record<string, unknown>[]>;
  /** The integration registry's items. */
  registryItems(): Promise<Record<string, unknown>[]>;
  /** Invokes the full-sync function, as the schedule or an operator would. */
  invokeFullSync(event: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export const RECORDS_TABLE = 'kombo-sync-records';
export const STATE_TABLE = 'kombo-sync-state';
const WEBHOOK_SECRET = 'whsec_pipeline_test';

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
  } = {},
): Promise<Pipeline> {
  const [kombo, sqs, dynamo] = await Promise.all([
    startFakeKombo(options.kombo),
    startLocalSqs(),
    startLocalDynamo({ path: options.dynamoPath, awsRules: options.awsRules }),
  ]);
  const { queueUrl, deadLetterQueueUrl } = await sqs.createSyncJobsQueue('sync-jobs');
  await Promise.all([dynamo.createTable(RECORDS_TABLE), dynamo.createTable(STATE_TABLE)]);

  Object.assign(process.env, {
    ...localAwsEnvironment({ sqs: sqs.endpoint, dynamodb: dynamo.endpoint }),
    SYNC_JOBS_QUEUE_URL: queueUrl,
    DEAD_LETTER_QUEUE_URL: deadLetterQueueUrl,
    RECORDS_TABLE,
    STATE_TABLE,
    KOMBO_API_URL: kombo.baseUrl,
    KOMBO_API_KEY: kombo.apiKey,
    KOMBO_WEBHOOK_SECRET: options.webhookSecret ?? WEBHOOK_SECRET,
    SYNC_RESOURCES: options.syncResources ?? 'all',
    ...options.workerEnv,
  });
  const { handler: webhookHandler } = (await import('../lambdas/webhook/handler')) as { handler: WebhookHandler };
  const { handler: workerHandler } = (await import('../lambdas/worker/handler')) as { handler: WorkerHandler };
  const { handler: fullSyncHandler } = (await import('../lambdas/full-sync/handler')) as {
    handler: (event: unknown, context: Context) => Promise<unknown>;
  };
  const webhook = await startWebhookEndpoint(webhookHandler);

  const query = async (table: string, pk: string) => {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.documents.send(
        new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  };

  return {
    kombo,
    sqs,
    dynamo,
    queueUrl,
    deadLetterQueueUrl,
    webhook,
    webhookSecret: options.webhookSecret ?? WEBHOOK_SECRET,
    runWorker: (runOptions = {}) => pollUntilEmpty({ sqs: sqs.client, queueUrl, handler: workerHandler, ...runOptions }),
    storedRecords: (integrationId, resource) => query(RECORDS_TABLE, recordPartition(integrationId, resource)),
    stateItems: (integrationId) => query(STATE_TABLE, statePartition(integrationId)),
    registryItems: () => query(STATE_TABLE, REGISTRY_PARTITION),
    invokeFullSync: (event) =>
      fullSyncHandler(event, { functionName: 'full-sync', awsRequestId: `local-${Date.now()}`, getRemainingTimeInMillis: () => 300_000 } as Context),
    async close() {
      await webhook.close();
      await Promise.all([kombo.close(), sqs.close(), dynamo.close()]);
    },
  };
}
