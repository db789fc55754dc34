import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import {
  type CfnSchedule,
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../lambdas/contracts';
import { allowTableKeyUse } from './mirror-tables';
import { SyncFunction } from './sync-function';
import { allowSecretValueRead } from './sync-secret';

export const DEFAULT_FULL_SYNC_CRON = 'cron(0 2 ? * SUN *)';

export interface WeeklyFullSyncProps {
  readonly jobQueue: IQueue;
  readonly stateTable: ITableV2;
  /** The secret holding Kombo's API key (bulk registration calls Kombo): the function may read it and no other. */
  readonly apiKeySecret: ISecret;
  /** The tables' customer-managed KMS key, which the function may use through DynamoDB. @default none (AWS owned) */
  readonly tableKey?: IKey;
  /** `eu`, `us` or a base URL including `/v1`; the same as the worker's. @default eu */
  readonly komboApiUrl?: string;
  readonly syncResources?: readonly string[];
  /** An EventBridge Scheduler cron expression. @default Sunday 02:00 */
  readonly cronExpression?: string;
  /** IANA time zone the cron expression is read in; always written into the schedule. @default UTC */
  readonly timeZone?: string;
  /** X-Ray tracing of the full-sync function. @default Tracing.ACTIVE */
  readonly tracing?: Tracing;
}

/**
 * The weekly safety net: an EventBridge Scheduler schedule (with retries and a dead-letter queue)
 * invokes the full-sync function, which enqueues a full walk of every configured resource of every
 * active integration and a reconcile job per registered integration. The same function runs
 * on-demand full syncs and bulk registration (`{"register": [ids…]}`, which calls Kombo itself).
 * An invocation that still fails after Lambda's retries lands in the failure queue.
 */
export class WeeklyFullSync extends Construct {
  readonly handler: SyncFunction;
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;
  /** Asynchronous invocations (the schedule's included) that failed after Lambda's retries. */
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: WeeklyFullSyncProps) {
    super(scope, id);
    this.failureQueue = new Queue(this, 'FailureQueue', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This is the full-sync function's on-failure destination (failed asynchronous invocations); it needs none of its own.",
    });

    this.handler = new SyncFunction(this, 'FullSyncFunction', {
      handlerDir: 'full-sync',
      description: 'kombo-sync: plans full syncs (weekly schedule or on demand)',
      // Bulk registration of hundreds of integrations, paced under Kombo's rate limit.
      timeout: Duration.minutes(15),
      tracing: props.tracing,
      environment: {
        [ENV.syncJobsQueueUrl]: props.jobQueue.queueUrl,
        [ENV.stateTable]: props.stateTable.tableName,
        [ENV.syncResources]: props.syncResources?.join(',') ?? 'all',
        [ENV.apiKeySecretArn]: props.apiKeySecret.secretArn,
        [ENV.komboApiUrl]: props.komboApiUrl ?? 'eu',
      },
      // Its own errors are retried twice by Lambda, then kept in the failure queue instead of dropped.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.failureQueue),
    });
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.jobQueue.queueArn] }),
    );
    // UpdateItem: registry entries and integration meta items written by bulk registration.
    this.handler.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.stateTable.tableArn],
      }),
    );
    allowTableKeyUse(this.handler, props.tableKey);
    allowSecretValueRead(this.handler, props.apiKeySecret);
    Validations.of(this.handler).acknowledge(
      {
        id: 'NIST.800.53.R5-LambdaConcurrency',
        reason:
          'Invoked once a week by the schedule and by operators on demand, so it never runs wide; reserving ' +
          "concurrency would take it from the account's pool for nothing.",
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason:
          'Its failed asynchronous invocations go to an on-failure destination (the failure queue, alarmed), which ' +
          'keeps the error with the event, unlike a dead-letter queue.',
      },
    );

    this.deadLetterQueue = new Queue(this, 'ScheduleDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the full-sync schedule; it needs none of its own.',
    });

    const timeZone = TimeZone.of(props.timeZone ?? 'UTC');
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'kombo-sync weekly full sync (the safety net for lost webhooks)',
      schedule: ScheduleExpression.expression(props.cronExpression ?? DEFAULT_FULL_SYNC_CRON, timeZone),
      target: new LambdaInvoke(this.handler, {
        // The scheduled time names the run, so a retried invocation enqueues the same (deduplicated) jobs.
        input: ScheduleTargetInput.fromObject({ source: 'schedule', scheduled_time: ContextAttribute.scheduledTime }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    // The scheduler's role (created by aws-scheduler-targets at stack level) may invoke this one
    // function and its versions/aliases, which is what `<arn>:*` expresses.
    const stack = Stack.of(this);
    const functionLogicalId = stack.getLogicalId(this.handler.node.defaultChild as CfnFunction);
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason: 'The scheduler may invoke only the full-sync function; the :* suffix covers its versions and aliases.',
    });
    const targetRoleArn = ((this.schedule.node.defaultChild as CfnSchedule).target as CfnSchedule.TargetProperty)
      .roleArn;
    const schedulerRole = stack.node.children.find(
      (child): child is Role => child instanceof Role && child.roleArn === targetRoleArn,
    );
    if (schedulerRole)
      Validations.of(schedulerRole).acknowledge({
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason:
          'aws-scheduler-targets writes this role its policy: invoke the full-sync function, send to the schedule ' +
          'dead-letter queue. It belongs to this role alone; a managed policy would only make it attachable elsewhere.',
      });
  }
}
