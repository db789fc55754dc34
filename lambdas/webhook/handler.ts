import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { webhookConfig } from '../core/config';
import { receiveWebhook } from '../core/ingest/receive-webhook';
import { logger, metrics, telemetry } from '../adapters/powertools';
import { CachedSecrets } from '../core/secrets';
import { SqsJobQueue } from '../adapters/sqs/job-queue';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { DynamoRegistry } from '../adapters/dynamodb/registry-store';
import { secretsManagerLoader } from '../adapters/secrets-manager';

// Built once per container: configuration, clients and the secret cache outlive invocations.
const config = webhookConfig();
const secrets = new CachedSecrets(
  config.secrets.secretArn ? secretsManagerLoader(new SecretsManagerClient({}), config.secrets.secretArn) : undefined,
  config.secrets.overrides,
);
// The regional endpoint (or AWS_ENDPOINT_URL_SQS locally) rather than the host named in the queue URL:
// identical in AWS, and it lets local SQS servers whose queue URLs name unresolvable hosts work.
const queue = new SqsJobQueue(new SQSClient({ useQueueUrlAsEndpoint: false }), config.queueUrl);
const registry = new DynamoRegistry(
  dynamoDocumentClient(),
  config.stateTable,
);

async function handleWebhook(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const response = await receiveWebhook(
    {
      body: event.body,
      isBase64Encoded: event.isBase64Encoded,
      signature: headerValue(event.headers, 'x-kombo-signature'),
    },
    {
      webhookSecrets: () => secrets.webhookSecrets(),
      queue,
      registry,
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

/** HTTP APIs lower-case header names; other callers (sam local, tests) may not. */
function headerValue(headers: APIGatewayProxyEventV2['headers'] | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

export const handler = middy(handleWebhook)
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
