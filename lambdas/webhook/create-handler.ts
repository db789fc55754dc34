import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AwsClients, awsClients } from '../adapters/aws-clients';
import { DynamoIntegrationStore } from '../adapters/dynamodb/integration-store';
import { logger, metrics, telemetry } from '../adapters/powertools';
import { webhookSecrets } from '../adapters/secrets-manager';
import { SqsJobQueue } from '../adapters/sqs/job-queue';
import { functionTracer, traceInvocation } from '../adapters/tracing/tracer';
import { type WebhookConfig, webhookConfig } from '../core/config';
import { receiveWebhook } from '../core/ingest/receive-webhook';

export interface WebhookWiring {
  readonly config: WebhookConfig;
  readonly clients: Pick<AwsClients, 'dynamo' | 'sqs' | 'secretsManager'>;
  /** When the function traces: the invocation and its AWS calls become X-Ray (sub)segments. */
  readonly tracer?: Tracer;
}

/** The configuration and clients from the function's environment, as in AWS. */
export const webhookFromEnvironment = (env: Record<string, string | undefined> = process.env): WebhookWiring => ({
  config: webhookConfig(env),
  clients: awsClients({ tracer: functionTracer }),
  tracer: functionTracer,
});

/** The webhook function: everything it builds lives as long as the handler (one container). */
export function createWebhookHandler({ config, clients, tracer }: WebhookWiring) {
  const deps = {
    webhookSecrets: webhookSecrets(config.webhookSecret, clients.secretsManager),
    queue: new SqsJobQueue(clients.sqs, config.queueUrl),
    registry: new DynamoIntegrationStore(clients.dynamo, config.stateTable),
    syncResources: config.syncResources,
    telemetry,
  };

  async function handleWebhook(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const signature = headerValue(event.headers, 'x-kombo-signature');
    const response = await receiveWebhook(
      { body: event.body, isBase64Encoded: event.isBase64Encoded, signature },
      deps,
    );
    // Only a verified event names its integration: an unsigned body never reaches the trace.
    if (response.integrationId) tracer?.putAnnotation('integrationId', response.integrationId);
    return {
      statusCode: response.statusCode,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(response.body),
    };
  }

  return middy(handleWebhook)
    .use(traceInvocation(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/** HTTP APIs lower-case header names; other callers (sam local, tests) may not. */
function headerValue(headers: APIGatewayProxyEventV2['headers'] | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}
