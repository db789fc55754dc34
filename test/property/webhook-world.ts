import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { awsClients } from '../../lambdas/adapters/aws-clients';
import { logger } from '../../lambdas/adapters/powertools';
import { webhookConfig } from '../../lambdas/core/config';
import { createWebhookHandler } from '../../lambdas/webhook/create-handler';

/**
 * The real webhook function over mocked AWS clients: a Secrets Manager that holds, lacks or garbles
 * the secret, an SQS that refuses what the real one refuses (or is down), a registry table that may be down.
 */
export type WebhookHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export type SecretSetup =
  | { readonly kind: 'stored'; readonly current: string; readonly previous?: string }
  | { readonly kind: 'unreadable' }
  | { readonly kind: 'garbled'; readonly raw: string };

export interface Faults {
  readonly sqsDown: boolean;
  readonly registryDown: boolean;
}

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/sync-jobs.fifo';
const BASE_ENV = { SYNC_JOBS_QUEUE_URL: QUEUE_URL, SYNC_RESOURCES: 'all', STATE_TABLE: 'kombo-sync-state' };
export const CONTEXT = {
  functionName: 'webhook',
  awsRequestId: 'property',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

/** The characters SQS takes in a message body (anything else fails the send with InvalidMessageContents). */
const SQS_BODY = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const SQS_ID = /^[\x21-\x7e]{1,128}$/;

/** What SQS refuses of a batch as a whole (it then fails the call). */
function batchRefusal(input: SendMessageBatchCommandInput): string | undefined {
  const entries = input.Entries ?? [];
  if (entries.length === 0 || entries.length > 10) return `${entries.length} entries in one batch`;
  if (new Set(entries.map((entry) => entry.Id)).size !== entries.length) return 'entry ids not distinct';
  return undefined;
}

/** What SQS refuses of one entry (it reports that entry as failed, the sender's fault). */
function entryRefusal(entry: SendMessageBatchRequestEntry): string | undefined {
  if (!SQS_BODY.test(entry.MessageBody ?? '')) return 'InvalidMessageContents';
  if (!SQS_ID.test(entry.MessageGroupId ?? '') || !SQS_ID.test(entry.MessageDeduplicationId ?? '')) {
    return 'InvalidParameterValue';
  }
  return undefined;
}

export function webhookWorld() {
  const sqs = mockClient(SQSClient);
  const secretsManager = mockClient(SecretsManagerClient);
  const dynamo = mockClient(DynamoDBDocumentClient);
  const clients = awsClients({ region: 'eu-west-1' });
  const storedSecretConfig = webhookConfig({
    ...BASE_ENV,
    WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kombo-sync-webhook-AbCdEf',
  });
  const enqueued: SendMessageBatchRequestEntry[] = [];
  let registryCalls = 0;
  // The scene of the current run; the mocks below read it (cheaper than re-mocking for every run).
  let secret: SecretSetup = { kind: 'unreadable' };
  let faults: Faults = { sqsDown: false, registryDown: false };

  // The function logs every rejected webhook; hundreds of runs of that would bury the test output.
  for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(logger, level).mockImplementation(() => undefined);

  sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
    if (faults.sqsDown) throw new Error('connect ECONNREFUSED (SQS down)');
    const refused = batchRefusal(input);
    if (refused) throw new Error(`SQS refused the batch: ${refused}`);
    const entries = input.Entries ?? [];
    const taken = entries.filter((entry) => entryRefusal(entry) === undefined);
    enqueued.push(...taken);
    return {
      Successful: taken.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
      Failed: entries
        .filter((entry) => !taken.includes(entry))
        .map((entry) => ({ Id: entry.Id, Code: entryRefusal(entry), SenderFault: true })),
    };
  });
  const registry = () => {
    registryCalls++;
    if (faults.registryDown) throw new Error('DynamoDB down');
    return {};
  };
  dynamo.on(UpdateCommand).callsFake(registry);
  dynamo.on(GetCommand).callsFake(registry);
  secretsManager.on(GetSecretValueCommand).callsFake(() => {
    if (secret.kind === 'unreadable') throw new Error('AccessDeniedException');
    if (secret.kind === 'garbled') return { SecretString: secret.raw };
    return {
      SecretString: JSON.stringify({ webhook_secret: secret.current, previous_webhook_secret: secret.previous }),
    };
  });

  return {
    /** Sets the scene for one run. */
    arrange(nextSecret: SecretSetup, nextFaults: Faults): void {
      secret = nextSecret;
      faults = nextFaults;
      enqueued.length = 0;
      registryCalls = 0;
    },
    /** A fresh function (its secret cache empty), reading its secret from Secrets Manager. */
    handler: (): WebhookHandler => createWebhookHandler({ config: storedSecretConfig, clients }),
    /** A function verifying with a fixed local secret (KOMBO_WEBHOOK_SECRET), as `npm start` runs it. */
    handlerWithLocalSecret: (localSecret: string): WebhookHandler =>
      createWebhookHandler({ config: webhookConfig({ ...BASE_ENV, KOMBO_WEBHOOK_SECRET: localSecret }), clients }),
    /** Every entry SQS accepted since the last arrange(). */
    enqueued,
    /** Registry reads and writes since the last arrange(). */
    registryCalls: () => registryCalls,
    restore: () => {
      sqs.restore();
      secretsManager.restore();
      dynamo.restore();
      vi.restoreAllMocks();
    },
  };
}
