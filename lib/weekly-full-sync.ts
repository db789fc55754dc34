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
import { parseWeeklyCron, shiftWeeklyCron, WEEKLY_CRON_FORM } from './cron-shift';
import { allowTableKeyUse } from './mirror-tables';
import { SyncFunction } from './sync-function';
import { allowSecretValueRead } from './sync-secret';

export const DEFAULT_FULL_SYNC_CRON = 'cron(0 2 ? * SUN *)';
export const DEFAULT_FULL_SYNC_SPREAD_MINUTES = 240;
export const DEFAULT_FULL_SYNC_SLOT_MINUTES = 15;
/** The function holds a schedule's input to the same limit (lambdas/core/plan/spread-slot.ts). */
const MAX_FULL_SYNC_SLOTS = 96;
const WEEK_MINUTES = 7 * 24 * 60;

/**
 * How many slots (schedules) a run spread over `spreadMinutes` has, or why it cannot be spread so.
 * 0 minutes, or one slot's length, is one slot: everything at once.
 */
export function fullSyncSlotCount(
  spreadMinutes: number,
  slotMinutes: number,
): { ok: true; slots: number } | { ok: false; problem: string } {
  const spread = `the spread (${spreadMinutes} minutes)`;
  if (!Number.isInteger(slotMinutes) || slotMinutes < 1)
    return { ok: false, problem: `the slot (${slotMinutes} minutes) must be a whole number of minutes, at least 1` };
  if (!Number.isInteger(spreadMinutes) || spreadMinutes < 0)
    return { ok: false, problem: `${spread} must be a whole number of minutes, 0 or more` };
  if (spreadMinutes % slotMinutes !== 0)
    return { ok: false, problem: `${spread} must be a multiple of the slot (${slotMinutes} minutes)` };
  // Longer, and a run's last slots would fire after the next run's first: no longer a weekly pass.
  if (spreadMinutes >= WEEK_MINUTES)
    return { ok: false, problem: `${spread} must be shorter than a week (${WEEK_MINUTES} minutes)` };
  const slots = spreadMinutes / slotMinutes;
  if (slots > MAX_FULL_SYNC_SLOTS)
    return {
      ok: false,
      problem: `${spread} makes ${slots} slots of ${slotMinutes} minutes, more than ${MAX_FULL_SYNC_SLOTS}: make them longer`,
    };
  return { ok: true, slots: Math.max(1, slots) };
}

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
  /**
   * An EventBridge Scheduler cron expression: when the run (its first slot) starts. Spread over slots, it must
   * have the form `cron(M H ? * DAYS *)`. @default Sunday 02:00
   */
  readonly cronExpression?: string;
  /**
   * Minutes the run is spread over: a schedule per slot, each planning its share of the integrations (by a
   * hash of the id), so Kombo is not asked about all of them at once. 0 is everything at once, one schedule.
   * @default 240
   */
  readonly spreadMinutes?: number;
  /** Minutes from one slot to the next; the spread must be a multiple of it, in at most 96 slots. @default 15 */
  readonly slotMinutes?: number;
  /** IANA time zone the cron expression is read in; always written into the schedule. @default UTC */
  readonly timeZone?: string;
  /** X-Ray tracing of the full-sync function. @default Tracing.ACTIVE */
  readonly tracing?: Tracing;
}

/**
 * The weekly safety net: EventBridge Scheduler schedules (with retries and a dead-letter queue), one
 * per slot of the spread, invoke the full-sync function, which enqueues a reconcile job per registered
 * integration of the slot (each plans a full walk of every configured resource if Kombo says ACTIVE).
 * The same function runs on-demand full syncs and bulk registration (`{"register": [ids…]}`, which
 * calls Kombo itself). An invocation that still fails after Lambda's retries lands in the failure queue.
 */
export class WeeklyFullSync extends Construct {
  readonly handler: SyncFunction;
  /** The first slot's schedule (the only one when the run is not spread). */
  readonly schedule: Schedule;
  /** Every slot's schedule, in slot order. */
  readonly schedules: readonly Schedule[];
  readonly deadLetterQueue: Queue;
  /** Asynchronous invocations (the schedule's included) that failed after Lambda's retries. */
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: WeeklyFullSyncProps) {
    super(scope, id);
    const slotMinutes = props.slotMinutes ?? DEFAULT_FULL_SYNC_SLOT_MINUTES;
    const slotCount = fullSyncSlotCount(props.spreadMinutes ?? DEFAULT_FULL_SYNC_SPREAD_MINUTES, slotMinutes);
    if (!slotCount.ok) throw new Error(`WeeklyFullSync spreadMinutes/slotMinutes: ${slotCount.problem}`);
    const slots = slotSchedules(props.cronExpression ?? DEFAULT_FULL_SYNC_CRON, slotCount.slots, slotMinutes);

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
          'Invoked weekly by the schedules (a slot at a time) and by operators on demand, so it never runs wide; ' +
          "reserving concurrency would take it from the account's pool for nothing.",
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
      reason: 'This is the dead-letter queue of the full-sync schedules; it needs none of its own.',
    });

    const timeZone = TimeZone.of(props.timeZone ?? 'UTC');
    this.schedules = slots.map(
      ({ cron, slotFields, about }, slot) =>
        // Slot 0 keeps the id the single schedule had, so an upgrade keeps that resource.
        new Schedule(this, slot === 0 ? 'Schedule' : `ScheduleSlot${slot}`, {
          description: `kombo-sync weekly full sync (the safety net for lost webhooks)${about}`,
          schedule: ScheduleExpression.expression(cron, timeZone),
          target: new LambdaInvoke(this.handler, {
            // The scheduled time names the run, so a retried invocation enqueues the same (deduplicated) jobs.
            input: ScheduleTargetInput.fromObject({
              source: 'schedule',
              scheduled_time: ContextAttribute.scheduledTime,
              ...slotFields,
            }),
            retryAttempts: 3,
            maxEventAge: Duration.hours(2),
            deadLetterQueue: this.deadLetterQueue,
          }),
        }),
    );
    this.schedule = this.schedules[0] as Schedule;
    // The scheduler's role (created by aws-scheduler-targets at stack level) may invoke this one
    // function and its versions/aliases, which is what `<arn>:*` expresses.
    const stack = Stack.of(this);
    const functionLogicalId = stack.getLogicalId(this.handler.node.defaultChild as CfnFunction);
    Validations.of(stack).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason: 'The scheduler may invoke only the full-sync function; the :* suffix covers its versions and aliases.',
    });
    // aws-scheduler-targets shares one role among the schedules of one function; every schedule's role is looked
    // up all the same, so a role per schedule would be acknowledged too.
    const targetRoleArns = new Set(
      this.schedules.map(
        (schedule) => ((schedule.node.defaultChild as CfnSchedule).target as CfnSchedule.TargetProperty).roleArn,
      ),
    );
    const schedulerRoles = stack.node.children.filter(
      (child): child is Role => child instanceof Role && targetRoleArns.has(child.roleArn),
    );
    for (const schedulerRole of schedulerRoles)
      Validations.of(schedulerRole).acknowledge({
        id: 'NIST.800.53.R5-IAMNoInlinePolicy',
        reason:
          'aws-scheduler-targets writes this role its policy: invoke the full-sync function, send to the schedule ' +
          'dead-letter queue. It belongs to this role alone; a managed policy would only make it attachable elsewhere.',
      });
  }
}

/**
 * Each slot's cron and what its input adds: slot k fires k × `slotMinutes` after the base cron and
 * names its slot, so the function plans that slot's integrations. One slot keeps the plain input.
 */
function slotSchedules(
  cronExpression: string,
  slots: number,
  slotMinutes: number,
): { cron: string; slotFields: Record<string, number>; about: string }[] {
  if (slots === 1) return [{ cron: cronExpression, slotFields: {}, about: '' }];
  const base = parseWeeklyCron(cronExpression);
  if (!base)
    throw new Error(
      `WeeklyFullSync: the full-sync cron ${cronExpression} cannot be spread over ${slots} slots: use the form ` +
        `${WEEKLY_CRON_FORM} (whole minute and hour, DAYS a comma list of SUN..SAT or 1..7, or *), or set ` +
        'fullSyncSpreadMinutes=0 (spreadMinutes: 0) for one schedule',
    );
  return Array.from({ length: slots }, (_, slot) => ({
    // Slot 0 is the base cron as written: an upgrade leaves that schedule's expression alone.
    cron: slot === 0 ? cronExpression : shiftWeeklyCron(base, slot * slotMinutes),
    slotFields: { slot, slots, slot_minutes: slotMinutes },
    about: `: slot ${slot} of 0-${slots - 1}`,
  }));
}
