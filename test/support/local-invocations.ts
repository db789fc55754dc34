import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type AwsClients, awsClients } from '../../lambdas/adapters/aws-clients';
import { ENV, type SyncFunctionName } from '../../lambdas/contracts';
import { fullSyncConfig, webhookConfig, workerConfig } from '../../lambdas/core/config';
import { recordPartition } from '../../lambdas/core/table-keys';
import { createFullSyncHandler } from '../../lambdas/full-sync/create-handler';
import { createWebhookHandler } from '../../lambdas/webhook/create-handler';
import { createWorkerHandler } from '../../lambdas/worker/create-handler';
import { type FauxqsMessage, queuedMessages } from '../../local/sam/inspect';
import type { LocalAws } from '../../local/sam/local-aws';

/**
 * The three functions as `sam local invoke` runs them against `npm run local:aws`: each built from the environment
 * SAM would give it (test/support/sam-environment.ts), with AWS clients pointed where that environment's
 * AWS_ENDPOINT_URL_* variables point the SDK, and invoked on the sample events in events/.
 */
export interface LocalInvocations {
  webhook(eventFile: string): Promise<{ statusCode: number; body: Record<string, unknown> }>;
  worker(eventFile: string): Promise<SQSBatchResponse>;
  fullSync(eventFile: string): Promise<unknown>;
  /** The sync jobs on the queue, waiting or in flight, left there. */
  jobs(): Promise<{ kind: string; integrationId: string; resource?: string }[]>;
  deadLetters(): Promise<FauxqsMessage[]>;
  recordCount(integrationId: string, resource: string): Promise<number>;
  tableNames(): Promise<string[]>;
  close(): void;
}

const eventsDir = path.resolve(import.meta.dirname, '../../events');
const readEvent = <T>(file: string) => JSON.parse(readFileSync(path.join(eventsDir, file), 'utf8')) as T;
const context = (functionName: string) =>
  ({ functionName, awsRequestId: 'sam-local', getRemainingTimeInMillis: () => 300_000 }) as Context;

function clientsFor(env: Record<string, string>): AwsClients {
  return awsClients({
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID ?? '', secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' },
    endpoints: { sqs: env[ENV.localSqsEndpoint], dynamodb: env[ENV.localDynamoDbEndpoint] },
  });
}

export function localInvocations(
  local: LocalAws,
  environments: Record<SyncFunctionName, Record<string, string>>,
): LocalInvocations {
  const clients = {
    webhook: clientsFor(environments.webhook),
    worker: clientsFor(environments.worker),
    fullSync: clientsFor(environments.fullSync),
  };
  const webhook = createWebhookHandler({ config: webhookConfig(environments.webhook), clients: clients.webhook });
  const worker = createWorkerHandler({ config: workerConfig(environments.worker), clients: clients.worker });
  const fullSync = createFullSyncHandler({ config: fullSyncConfig(environments.fullSync), clients: clients.fullSync });
  const queueName = (url: string) => url.slice(url.lastIndexOf('/') + 1);
  const messages = async (url: string) => {
    const { waiting, inFlight } = await queuedMessages(local.served.sqsEndpoint, queueName(url));
    return [...waiting, ...inFlight];
  };

  return {
    async webhook(eventFile) {
      const answer = await webhook(readEvent<APIGatewayProxyEventV2>(eventFile), context('webhook'));
      return { statusCode: answer.statusCode ?? 0, body: JSON.parse(answer.body ?? '{}') as Record<string, unknown> };
    },
    worker: (eventFile) => worker(readEvent<SQSEvent>(eventFile), context('worker')),
    fullSync: (eventFile) => fullSync(readEvent<unknown>(eventFile), context('full-sync')),
    jobs: async () =>
      (await messages(local.served.queueUrl)).map(
        (message) => JSON.parse(message.body) as { kind: string; integrationId: string; resource?: string },
      ),
    deadLetters: () => messages(local.served.deadLetterQueueUrl),
    async recordCount(integrationId, resource) {
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page = await local.dynamo.documents.send(
          new QueryCommand({
            TableName: local.served.recordsTable,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': recordPartition(integrationId, resource) },
            Select: 'COUNT',
            ExclusiveStartKey: start,
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return count;
    },
    tableNames: async () => ((await local.dynamo.client.send(new ListTablesCommand({}))).TableNames ?? []).sort(),
    close() {
      for (const set of Object.values(clients)) for (const client of Object.values(set)) client.destroy();
    },
  };
}
