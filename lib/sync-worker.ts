import { Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/contracts';
import { allowTableKeyUse } from './mirror-tables';
import { SyncFunction } from './sync-function';
import { allowSecretValueRead } from './sync-secret';

/** Concurrent worker batches (Lambda's SQS event source) unless configured. */
export const DEFAULT_WORKER_MAX_CONCURRENCY = 5;

export interface SyncWorkerProps {
  readonly jobQueue: Queue;
  readonly deadLetterQueue: Queue;
  readonly recordsTable: ITableV2;
  readonly stateTable: ITableV2;
  /** The secret holding the Kombo API key: the function may read it and no other. */
  readonly apiKeySecret: ISecret;
  /** The tables' customer-managed KMS key, which the function may use through DynamoDB. @default none (AWS owned) */
  readonly tableKey?: IKey;
  /** `eu`, `us` or a base URL including `/v1`. @default eu */
  readonly komboApiUrl?: string;
  /** The resources to sync; the worker plans them when it reconciles an integration. @default all */
  readonly syncResources?: readonly string[];
  /** @default 5 minutes. The queue's visibility timeout must be at least six times this. */
  readonly timeout?: Duration;
  /** Concurrent batches at most; protects Kombo's rate limit. @default 5 */
  readonly maxConcurrency?: number;
  /** Extra environment, e.g. CURSOR_OVERLAP_SECONDS or TOMBSTONE_TTL_DAYS (see README). */
  readonly environment?: Record<string, string>;
  /** X-Ray tracing of the worker (a subsegment per job). @default Tracing.ACTIVE */
  readonly tracing?: Tracing;
}

// Query and BatchWriteItem (deletes): the sweep after a full walk and the purge of a deleted integration.
const RECORD_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Query',
  'dynamodb:BatchWriteItem',
];
const STATE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:BatchWriteItem',
];

/**
 * The sync worker: takes jobs from the FIFO queue (batches of 10, partial batch failures), fetches
 * from Kombo and writes the mirror. It may touch only the two tables, the queue and the API key's secret.
 */
export class SyncWorker extends Construct {
  readonly handler: SyncFunction;

  constructor(scope: Construct, id: string, props: SyncWorkerProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(5);
    if (!props.jobQueue.fifo) throw new Error('SyncWorker needs the FIFO sync-jobs queue');

    this.handler = new SyncFunction(this, 'WorkerFunction', {
      handlerDir: 'worker',
      description: 'kombo-sync: runs sync jobs (Kombo fetch into DynamoDB)',
      timeout,
      memorySize: 1024,
      tracing: props.tracing,
      environment: {
        [ENV.recordsTable]: props.recordsTable.tableName,
        [ENV.stateTable]: props.stateTable.tableName,
        [ENV.syncJobsQueueUrl]: props.jobQueue.queueUrl,
        [ENV.deadLetterQueueUrl]: props.deadLetterQueue.queueUrl,
        [ENV.apiKeySecretArn]: props.apiKeySecret.secretArn,
        [ENV.komboApiUrl]: props.komboApiUrl ?? 'eu',
        [ENV.syncResources]: props.syncResources?.join(',') ?? 'all',
        ...props.environment,
      },
    });
    this.handler.addEventSource(
      new SqsEventSource(props.jobQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? DEFAULT_WORKER_MAX_CONCURRENCY,
      }),
    );
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: RECORD_ACTIONS, resources: [props.recordsTable.tableArn] }),
    );
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: STATE_ACTIONS, resources: [props.stateTable.tableArn] }),
    );
    allowTableKeyUse(this.handler, props.tableKey);
    // Continuations go back into the queue; unprocessable messages straight to the dead-letter queue.
    this.handler.addToRolePolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [props.jobQueue.queueArn, props.deadLetterQueue.queueArn],
      }),
    );
    allowSecretValueRead(this.handler, props.apiKeySecret);
    Validations.of(this.handler).acknowledge(
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason:
          "The SQS event source's maximum concurrency (workerMaxConcurrency) bounds it, which also protects Kombo's " +
          "rate limit; reserving concurrency would take it from the account's pool for nothing more.",
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason:
          "Invoked by an SQS event source, which never uses a function's dead-letter queue: a job that keeps failing " +
          "goes to the sync-jobs queue's own dead-letter queue (redrive after 5 receives), which alarms.",
      },
    );
  }
}
