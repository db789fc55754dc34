import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { workerConfig } from '../core/config';
import { KomboClient } from '../core/kombo/client';
import { logger, metrics, telemetry } from '../adapters/powertools';
import { CachedSecrets } from '../core/secrets';
import { sqsDeadLetter } from '../adapters/sqs/dead-letter';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { SqsJobQueue } from '../adapters/sqs/job-queue';
import { DynamoRecordStore } from '../adapters/dynamodb/records-store';
import { secretsManagerLoader } from '../adapters/secrets-manager';
import { DynamoStateStore } from '../adapters/dynamodb/state-store';
import { processBatch } from '../core/sync/batch';
import { createJobRunner } from '../core/sync/job-runner';

// Built once per container.
const config = workerConfig();
const secrets = new CachedSecrets(
  config.secrets.secretArn ? secretsManagerLoader(new SecretsManagerClient({}), config.secrets.secretArn) : undefined,
  config.secrets.overrides,
);
const dynamo = dynamoDocumentClient();
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const engine = createJobRunner(
  {
    kombo: new KomboClient({
      baseUrl: config.komboApiUrl,
      apiKey: () => secrets.komboApiKey(),
      requestTimeoutMs: config.requestTimeoutMs,
      onRetry: (notice) => {
        logger.warn('retrying a Kombo request', { ...notice });
        metrics.addMetric('KomboRetries', 'Count', 1);
      },
    }),
    records: new DynamoRecordStore(dynamo, config.recordsTable),
    state: new DynamoStateStore(dynamo, config.stateTable),
    queue: new SqsJobQueue(sqs, config.queueUrl),
    telemetry,
  },
  config.engine,
);
const deadLetter = sqsDeadLetter(sqs, config.deadLetterQueueUrl);

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
    { run: (job, deadline) => engine.run(job, deadline), deadLetter, telemetry },
  );
  return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
}

export const handler = middy(handleBatch)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
