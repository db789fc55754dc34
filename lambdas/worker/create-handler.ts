import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { type AwsClients, awsClients } from '../adapters/aws-clients';
import { DynamoIntegrationStore } from '../adapters/dynamodb/integration-store';
import { DynamoRecordStore } from '../adapters/dynamodb/records-store';
import { DynamoStateStore } from '../adapters/dynamodb/state-store';
import { functionKomboClient } from '../adapters/kombo-client';
import { logger, metrics, telemetry } from '../adapters/powertools';
import { sqsDeadLetter } from '../adapters/sqs/dead-letter';
import { SqsJobQueue } from '../adapters/sqs/job-queue';
import { traceJob } from '../adapters/tracing/traced-job';
import { functionTracer, traceInvocation } from '../adapters/tracing/tracer';
import { type WorkerConfig, workerConfig } from '../core/config';
import { processBatch } from '../core/sync/batch';
import { createJobRunner } from '../core/sync/job-runner';

export interface WorkerWiring {
  readonly config: WorkerConfig;
  readonly clients: AwsClients;
  /** When the function traces: the invocation, each job, its AWS calls and Kombo requests become subsegments. */
  readonly tracer?: Tracer;
}

/** The configuration and clients from the function's environment, as in AWS. */
export const workerFromEnvironment = (env: Record<string, string | undefined> = process.env): WorkerWiring => ({
  config: workerConfig(env),
  clients: awsClients({ tracer: functionTracer }),
  tracer: functionTracer,
});

/** The sync worker: everything it builds lives as long as the handler (one container). */
export function createWorkerHandler({ config, clients, tracer }: WorkerWiring) {
  const kombo = functionKomboClient(config, clients, tracer);
  const integrations = new DynamoIntegrationStore(clients.dynamo, config.stateTable);
  const engine = createJobRunner(
    {
      kombo,
      records: new DynamoRecordStore(clients.dynamo, config.recordsTable),
      state: new DynamoStateStore(clients.dynamo, config.stateTable),
      integrations,
      upstream: kombo,
      registry: integrations,
      syncResources: config.syncResources,
      queue: new SqsJobQueue(clients.sqs, config.queueUrl),
      telemetry,
    },
    config.engine,
  );
  const deadLetter = sqsDeadLetter(clients.sqs, config.deadLetterQueueUrl);

  async function handleBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const messages = event.Records.map((record) => ({
      messageId: record.messageId,
      body: record.body,
      groupId: record.attributes.MessageGroupId ?? '',
      sentAt: Number(record.attributes.SentTimestamp),
    }));
    const { failedMessageIds } = await processBatch(
      messages,
      { remainingMs: () => context.getRemainingTimeInMillis() },
      {
        run: (runnable, deadline) => traceJob(tracer, runnable.job, () => engine.run(runnable, deadline)),
        deadLetter,
        telemetry,
      },
    );
    return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
  }

  return middy(handleBatch)
    .use(traceInvocation(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
