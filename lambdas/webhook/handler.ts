import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { webhookConfig } from '../core/config';
import { receiveWebhook } from '../core/ingest/receive-webhook';
import { logger, metrics, telemetry } from '../core/observability';
import { CachedSecrets } from '../core/secrets';
import { SqsJobQueue } from '../core/store/job-queue';
import { secretsManagerLoader } from '../core/store/secrets-manager';

// Built once per container: configuration, clients and the secret cache outlive invocations.
const config = webhookConfig();
const secrets = new CachedSecrets(
  config.secrets.secretArn ? secretsManagerLoader(new SecretsManagerClient({}), config.secrets.secretArn) : undefined,
  config.secrets.overrides,
);
const queue = new SqsJobQueue(new SQSClient({}), config.queueUrl);

async function handleWebhook(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const response = await receiveWebhook(
    {
      body: event.body,
      isBase64Encoded: event.isBase64Encoded,
      signature: event.headers?.['x-kombo-signature'],
    },
    {
      webhookSecrets: () => secrets.webhookSecrets(),
      queue,
      syncResources: config.syncResources,
      telemetry,
    },
  );
  return {
    statusCode: response.statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(response.body),
  };
}

export const handler = middy(handleWebhook)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
