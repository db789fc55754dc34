import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { ENV, type SyncFunctionName } from '../lambdas/contracts';
import { DEFAULT_REQUEST_BUDGET } from '../lambdas/core/config';
import type { AlarmId } from './alarm-catalogue';
import { declareLocalOnlyVariables, LOCAL_INVOKE_CONTEXT_KEY } from './local-invoke';
import { MirrorTables, type MirrorTablesEncryption } from './mirror-tables';
import { SyncAlarms } from './sync-alarms';
import { SyncDashboard } from './sync-dashboard';
import type { SyncFunction } from './sync-function';
import { SyncJobQueue } from './sync-job-queue';
import { type ExistingSecret, SyncSecrets } from './sync-secret';
import { DEFAULT_WORKER_MAX_CONCURRENCY, SyncWorker } from './sync-worker';
import { WebhookIngress } from './webhook-ingress';
import { WeeklyFullSync } from './weekly-full-sync';

export interface KomboSyncStackProps extends StackProps {
  /**
   * ARN of one existing secret holding the webhook secret(s) and the API key, read by every function (the layout
   * before the two were split: the webhook function can read the API key). Not with the two below.
   * @default two secrets
   */
  readonly existingSecretArn?: string;
  /** ARN of the customer-managed KMS key that existing secret is encrypted with. @default aws/secretsmanager */
  readonly existingSecretKeyArn?: string;
  /** The existing secret holding the webhook secret(s), read by the webhook function only. @default created */
  readonly existingWebhookSecret?: ExistingSecret;
  /** The existing secret holding the Kombo API key, read by the worker and full-sync only. @default created */
  readonly existingApiKeySecret?: ExistingSecret;
  /** Resources to sync, e.g. `['ats/applications', 'hris/employees']`. @default all */
  readonly syncResources?: readonly string[];
  /** Throttling of the webhook endpoint. @default 50 requests/s, burst 100 */
  readonly webhookThrottle?: ThrottleSettings;
  /** `eu`, `us` or a base URL including `/v1`. @default eu */
  readonly komboApiUrl?: string;
  /** @default 300 */
  readonly workerTimeoutSeconds?: number;
  /** Concurrent worker batches at most. @default 5 */
  readonly workerMaxConcurrency?: number;
  /**
   * The fleet's share of Kombo's rate limit (per API key): requests per minute for every function and container
   * together (0: paced by Kombo's headers only), and the share kept for deltas. @default 270 a minute, 20 %
   */
  readonly komboRequestBudget?: { readonly requestsPerMinute?: number; readonly realtimeSharePercent?: number };
  /** Write units a second one walk may spend on its resource's partition (one takes about 1,000). @default 800 */
  readonly partitionWriteUnitsPerSecond?: number;
  /**
   * Message groups (lanes) the weekly run's and bulk registrations' jobs share: SQS fills a batch from one group,
   * so each lane may hold one of the worker's concurrent batches; the others stay free for deltas. Fewer than
   * workerMaxConcurrency; 0 turns lanes off. @default workerMaxConcurrency - 2, at least 1 (3 by default)
   */
  readonly bulkLanes?: number;
  /** Seconds the bulk jobs of one invocation work before they continue in new ones. @default 10 */
  readonly bulkSliceSeconds?: number;
  /** Keep the records and state tables when the stack is deleted. @default true */
  readonly retainTables?: boolean;
  /** Deletion protection on the records and state tables. @default true */
  readonly deletionProtection?: boolean;
  /** How the tables and the records stream are encrypted at rest. @default { kind: 'aws-owned' } */
  readonly tableEncryption?: MirrorTablesEncryption;
  /** Worker settings passed as environment (CURSOR_OVERLAP_SECONDS, TOMBSTONE_TTL_DAYS, …). */
  readonly workerEnvironment?: Record<string, string>;
  /** EventBridge Scheduler cron expression of the weekly full sync. @default cron(0 2 ? * SUN *) */
  readonly fullSyncCron?: string;
  /** Time zone of the full-sync schedule. @default UTC */
  readonly fullSyncTimeZone?: string;
  /**
   * Minutes the weekly full sync is spread over, from `fullSyncCron` on: a schedule per slot, each planning its
   * share of the integrations. 0 plans everything at once (one schedule, any cron form). @default 240
   */
  readonly fullSyncSpreadMinutes?: number;
  /** Minutes from one full-sync slot to the next; the spread is a multiple of it, in at most 96 slots. @default 15 */
  readonly fullSyncSlotMinutes?: number;
  /** E-mail address subscribed to the alarm topic. @default none (the topic exists) */
  readonly alarmEmail?: string;
  /** Alarm thresholds that replace the catalogue's (lib/alarm-catalogue.ts). @default the catalogue's */
  readonly alarmThresholds?: Partial<Record<AlarmId, number>>;
  /** A template for `sam local` only: the functions declare their local-only variables. @default false */
  readonly localInvoke?: boolean;
  /** X-Ray active tracing and the Powertools Tracer in all three functions. @default true */
  readonly tracing?: boolean;
}

export class KomboSyncStack extends Stack {
  readonly functions: Record<SyncFunctionName, SyncFunction>;

  constructor(scope: Construct, id: string, props: KomboSyncStackProps = {}) {
    super(scope, id, props);
    // Read by every SyncFunction below: what its bundle is built for (see bundleKindOf).
    this.node.setContext(LOCAL_INVOKE_CONTEXT_KEY, props.localInvoke === true);
    const secrets = new SyncSecrets(this, 'Secret', {
      legacySecret: props.existingSecretArn
        ? { secretArn: props.existingSecretArn, keyArn: props.existingSecretKeyArn }
        : undefined,
      webhookSecret: props.existingWebhookSecret,
      apiKeySecret: props.existingApiKeySecret,
    });
    const tracing = props.tracing === false ? Tracing.DISABLED : Tracing.ACTIVE;
    const workerTimeout = Duration.seconds(props.workerTimeoutSeconds ?? 300);
    // AWS: the queue's visibility timeout should be at least six times the consumer's timeout.
    const jobs = new SyncJobQueue(this, 'SyncJobs', {
      visibilityTimeout: Duration.seconds(Math.max(1800, workerTimeout.toSeconds() * 6)),
    });
    const tables = new MirrorTables(this, 'Mirror', {
      removalPolicy: props.retainTables === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      deletionProtection: props.deletionProtection,
      encryption: props.tableEncryption,
    });
    const worker = new SyncWorker(this, 'Worker', {
      jobQueue: jobs.queue,
      deadLetterQueue: jobs.deadLetterQueue,
      recordsTable: tables.records,
      stateTable: tables.state,
      apiKeySecret: secrets.apiKeySecret,
      tableKey: tables.encryptionKey,
      komboApiUrl: props.komboApiUrl,
      syncResources: props.syncResources,
      timeout: workerTimeout,
      maxConcurrency: props.workerMaxConcurrency,
      environment: props.workerEnvironment,
      tracing,
    });
    const ingress = new WebhookIngress(this, 'Ingress', {
      jobQueue: jobs.queue,
      stateTable: tables.state,
      webhookSecret: secrets.webhookSecret,
      tableKey: tables.encryptionKey,
      syncResources: props.syncResources,
      throttle: props.webhookThrottle,
      tracing,
    });

    const fullSync = new WeeklyFullSync(this, 'FullSync', {
      jobQueue: jobs.queue,
      stateTable: tables.state,
      apiKeySecret: secrets.apiKeySecret,
      tableKey: tables.encryptionKey,
      komboApiUrl: props.komboApiUrl,
      syncResources: props.syncResources,
      cronExpression: props.fullSyncCron,
      timeZone: props.fullSyncTimeZone,
      spreadMinutes: props.fullSyncSpreadMinutes,
      slotMinutes: props.fullSyncSlotMinutes,
      tracing,
    });

    this.functions = { webhook: ingress.handler, worker: worker.handler, fullSync: fullSync.handler };
    // Both functions that call Kombo draw from one budget, so they are given the same one.
    for (const [name, value] of Object.entries(requestBudgetEnvironment(props.komboRequestBudget))) {
      worker.handler.addEnvironment(name, value);
      fullSync.handler.addEnvironment(name, value);
    }
    if (props.partitionWriteUnitsPerSecond !== undefined)
      worker.handler.addEnvironment(ENV.partitionWriteUnitsPerSecond, String(props.partitionWriteUnitsPerSecond));
    const concurrency = props.workerMaxConcurrency ?? DEFAULT_WORKER_MAX_CONCURRENCY;
    const bulkLanes = props.bulkLanes ?? Math.max(1, concurrency - 2);
    if (bulkLanes >= concurrency) {
      throw new Error(
        `bulkLanes (${bulkLanes}) must be fewer than workerMaxConcurrency (${concurrency}): SQS fills a batch from one group, so each lane may hold a whole batch, and deltas need one free`,
      );
    }
    worker.handler.addEnvironment(ENV.bulkLanes, String(bulkLanes));
    fullSync.handler.addEnvironment(ENV.bulkLanes, String(bulkLanes));
    if (props.bulkSliceSeconds !== undefined)
      worker.handler.addEnvironment(ENV.bulkSliceSeconds, String(props.bulkSliceSeconds));
    if (props.localInvoke) declareLocalOnlyVariables(this.functions);

    const deadLetterQueues = {
      SyncJobs: jobs.deadLetterQueue,
      FullSyncSchedule: fullSync.deadLetterQueue,
      FullSyncFailures: fullSync.failureQueue,
    };
    const alarms = new SyncAlarms(this, 'Alarms', {
      deadLetterQueues,
      jobQueue: jobs.queue,
      functions: this.functions,
      api: ingress.api,
      thresholds: props.alarmThresholds,
      email: props.alarmEmail,
    });

    const dashboard = new SyncDashboard(this, 'Dashboard', {
      jobQueue: jobs.queue,
      deadLetterQueues,
      functions: this.functions,
      api: ingress.api,
      alarms: Object.values(alarms.alarms),
    });

    new CfnOutput(this, 'WebhookUrl', {
      description: "Paste into Kombo's dashboard (Configuration → Webhooks), event type data-changed",
      value: ingress.webhookUrl,
    });
    new CfnOutput(this, 'WebhookSecretArn', {
      description: "Store Kombo's webhook secret here (README: Set the secrets); only the webhook function reads it",
      value: secrets.webhookSecret.secretArn,
    });
    new CfnOutput(this, 'ApiKeySecretArn', {
      description: "Store Kombo's API key here (README: Set the secrets); the webhook function cannot read it",
      value: secrets.apiKeySecret.secretArn,
    });
    // The name scripts read before the secrets were split: it still names the same secret, the one with the API key.
    new CfnOutput(this, 'SecretArn', {
      description: 'The same as ApiKeySecretArn, kept for scripts that read this name',
      value: secrets.apiKeySecret.secretArn,
    });
    new CfnOutput(this, 'SyncJobsQueueUrl', { value: jobs.queue.queueUrl });
    new CfnOutput(this, 'RecordsTableName', { value: tables.records.tableName });
    new CfnOutput(this, 'RecordsTableStreamArn', { value: tables.records.tableStreamArn ?? '' });
    if (tables.encryptionKey)
      new CfnOutput(this, 'TableKeyArn', {
        description: "The tables' and stream's KMS key: a stream consumer needs kms:Decrypt on it",
        value: tables.encryptionKey.keyArn,
      });
    new CfnOutput(this, 'StateTableName', { value: tables.state.tableName });
    new CfnOutput(this, 'FullSyncFunctionName', {
      description:
        'Invoke with {"integration_id": …, "resources": […]} for an on-demand full sync, or {"register": [ids…]} (README)',
      value: fullSync.handler.functionName,
    });
    new CfnOutput(this, 'SyncJobsDeadLetterQueueUrl', { value: jobs.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ScheduleDeadLetterQueueUrl', { value: fullSync.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'FullSyncFailureQueueUrl', {
      description: 'Full-sync invocations (scheduled or on demand) that failed after retries, with their event',
      value: fullSync.failureQueue.queueUrl,
    });
    new CfnOutput(this, 'DashboardUrl', {
      description: 'The whole pipeline on one CloudWatch dashboard',
      value: dashboard.url,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe to be told about dead letters, braked sweeps and failing jobs',
      value: alarms.topic.topicArn,
    });
  }
}

/** The request budget's variables, written out even at their defaults so the template shows the pace. */
function requestBudgetEnvironment(budget: KomboSyncStackProps['komboRequestBudget']): Record<string, string> {
  return {
    [ENV.komboRequestsPerMinute]: String(budget?.requestsPerMinute ?? DEFAULT_REQUEST_BUDGET.requestsPerMinute),
    [ENV.komboRealtimeSharePercent]: String(budget?.realtimeSharePercent ?? DEFAULT_REQUEST_BUDGET.realtimeShare * 100),
  };
}
