import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthTemplate } from '../support/synth';

let template: Template;
beforeAll(() => {
  template = synthTemplate();
});

/** The schedules in slot order (by the slot their input names; a schedule without one is the only one). */
function schedules(t: Template) {
  const slotOf = (properties: { Target: { Input: string } }) => Number(JSON.parse(properties.Target.Input).slot ?? 0);
  return Object.entries(t.findResources('AWS::Scheduler::Schedule'))
    .map(([id, resource]) => ({ id, ...resource.Properties }))
    .sort((a, b) => slotOf(a) - slotOf(b));
}
const inputs = (t: Template) => schedules(t).map((schedule) => JSON.parse(schedule.Target.Input));
const crons = (t: Template) => schedules(t).map((schedule) => schedule.ScheduleExpression);

describe('weekly full sync', () => {
  it('runs on EventBridge Scheduler schedules from Sunday 02:00 UTC by default, time zone written', () => {
    for (const schedule of schedules(template))
      expect(schedule).toMatchObject({
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
      });
    expect(schedules(template)[0]?.ScheduleExpression).toBe('cron(0 2 ? * SUN *)');
  });

  it('spreads the run over 4 hours by default: 16 schedules, 15 minutes apart, each naming its slot', () => {
    expect(crons(template)).toEqual([
      'cron(0 2 ? * SUN *)',
      'cron(15 2 ? * SUN *)',
      'cron(30 2 ? * SUN *)',
      'cron(45 2 ? * SUN *)',
      'cron(0 3 ? * SUN *)',
      'cron(15 3 ? * SUN *)',
      'cron(30 3 ? * SUN *)',
      'cron(45 3 ? * SUN *)',
      'cron(0 4 ? * SUN *)',
      'cron(15 4 ? * SUN *)',
      'cron(30 4 ? * SUN *)',
      'cron(45 4 ? * SUN *)',
      'cron(0 5 ? * SUN *)',
      'cron(15 5 ? * SUN *)',
      'cron(30 5 ? * SUN *)',
      'cron(45 5 ? * SUN *)',
    ]);
    expect(inputs(template)).toEqual(
      Array.from({ length: 16 }, (_, slot) => ({
        source: 'schedule',
        scheduled_time: '<aws.scheduler.scheduled-time>',
        slot,
        slots: 16,
        slot_minutes: 15,
      })),
    );
    // Slot 0 keeps the single schedule's logical id, so an upgrade keeps that resource.
    expect(schedules(template)[0]?.id).toMatch(/^FullSyncSchedule[0-9A-F]{8}$/);
  });

  it('every slot retries, dead-letters to one queue, and invokes the one function', () => {
    for (const { Target: target } of schedules(template)) {
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 });
      expect(target.DeadLetterConfig).toEqual({
        Arn: { 'Fn::GetAtt': [expect.stringMatching(/^FullSyncScheduleDeadLetterQueue/), 'Arn'] },
      });
      expect(target.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FullSyncFullSyncFunction/), 'Arn'] });
    }
    // aws-scheduler-targets gives the targets of one function one role.
    expect(new Set(schedules(template).map((s) => JSON.stringify(s.Target.RoleArn))).size).toBe(1);
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
      FifoQueue: Match.absent(),
    });
  });

  it('shifts the day when the window crosses midnight', () => {
    const late = synthTemplate({
      context: { fullSyncCron: 'cron(30 23 ? * SAT *)', fullSyncSpreadMinutes: '60', fullSyncSlotMinutes: '30' },
    });
    expect(crons(late)).toEqual(['cron(30 23 ? * SAT *)', 'cron(0 0 ? * SUN *)']);
    expect(inputs(late).map(({ slot, slots, slot_minutes }) => [slot, slots, slot_minutes])).toEqual([
      [0, 2, 30],
      [1, 2, 30],
    ]);
  });

  it('with a spread of 0 keeps one schedule, naming the run by its scheduled time, for any cron', () => {
    const single = synthTemplate({
      context: { fullSyncSpreadMinutes: 0, fullSyncCron: 'cron(0/30 2-3 ? * MON-FRI *)' },
    });
    expect(crons(single)).toEqual(['cron(0/30 2-3 ? * MON-FRI *)']);
    expect(inputs(single)).toEqual([{ source: 'schedule', scheduled_time: '<aws.scheduler.scheduled-time>' }]);
  });

  it('refuses to spread a cron it cannot shift, naming the fix', () => {
    expect(() => synthTemplate({ context: { fullSyncCron: 'cron(0 2 ? * MON-FRI *)' } })).toThrow(
      /cron\(0 2 \? \* MON-FRI \*\) cannot be spread over 16 slots: use the form cron\(M H \? \* DAYS \*\).*Minutes=0/,
    );
  });

  it('rejects a spread that is not a whole number of slots, or too many, by name', () => {
    expect(() => synthTemplate({ context: { fullSyncSpreadMinutes: '50' } })).toThrow(
      /context fullSyncSpreadMinutes: the spread \(50 minutes\) must be a multiple of the slot \(15 minutes\)/,
    );
    expect(() => synthTemplate({ context: { fullSyncSpreadMinutes: '1500' } })).toThrow(
      /context fullSyncSpreadMinutes: .*100 slots of 15 minutes, more than 96/,
    );
    expect(() => synthTemplate({ context: { fullSyncSpreadMinutes: '-15' } })).toThrow(/context fullSyncSpreadMinutes/);
    expect(() => synthTemplate({ context: { fullSyncSlotMinutes: '0' } })).toThrow(
      /context fullSyncSlotMinutes: must be at least 1/,
    );
  });

  it('takes the cron expression and time zone from context, and rejects bad ones by name', () => {
    const custom = synthTemplate({
      context: { fullSyncCron: 'cron(30 3 ? * MON *)', fullSyncTimeZone: 'Europe/Berlin' },
    });
    expect(crons(custom).slice(0, 3)).toEqual(['cron(30 3 ? * MON *)', 'cron(45 3 ? * MON *)', 'cron(0 4 ? * MON *)']);
    for (const schedule of schedules(custom)) expect(schedule.ScheduleExpressionTimezone).toBe('Europe/Berlin');
    expect(() => synthTemplate({ context: { fullSyncCron: '0 2 * * 0' } })).toThrow(/context fullSyncCron/);
    expect(() => synthTemplate({ context: { fullSyncTimeZone: 'Mars/Olympus' } })).toThrow(/context fullSyncTimeZone/);
  });

  it('lets the full-sync function read and write the registry, send jobs, read the secret and report failures: nothing else', () => {
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('FullSyncFullSyncFunctionRole'),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
      Condition?: unknown;
    }[];
    expect(
      statements.map((s) => ({
        actions: ([] as string[]).concat(s.Action).sort(),
        resource: JSON.stringify(s.Resource),
        condition: s.Condition,
      })),
    ).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resource: expect.stringContaining('FullSyncFullSyncFunctionLogs'),
        condition: undefined,
      },
      // X-Ray (tracing is on by default); these two actions take no resource.
      { actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resource: '"*"', condition: undefined },
      // Lambda's SqsDestination grant: the on-failure destination only.
      {
        actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        resource: expect.stringMatching(/^\{"Fn::GetAtt":\["FullSyncFailureQueue[0-9A-F]+","Arn"\]\}$/),
        condition: undefined,
      },
      {
        actions: ['sqs:SendMessage'],
        resource: expect.stringMatching(/^\{"Fn::GetAtt":\["SyncJobsQueue[0-9A-F]+","Arn"\]\}$/),
        condition: undefined,
      },
      {
        actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        resource: expect.stringMatching(/^\{"Fn::GetAtt":\["MirrorState[0-9A-F]+","Arn"\]\}$/),
        condition: undefined,
      },
      {
        actions: ['secretsmanager:GetSecretValue'],
        resource: expect.stringMatching(/^\{"Ref":"Secret[0-9A-F]+"\}$/),
        condition: undefined,
      },
    ]);
    expect(template.findOutputs('FullSyncFunctionName')).not.toEqual({});
  });

  it("calls Kombo itself (bulk registration): the worker's Kombo URL and the API key's secret in its environment, 15 minutes", () => {
    const fullSync = fullSyncFunction(template);
    expect(fullSync.Timeout).toBe(900);
    expect(fullSync.Environment.Variables).toMatchObject({
      KOMBO_API_URL: 'eu',
      KOMBO_API_KEY_SECRET_ARN: { Ref: expect.stringMatching(/^Secret[0-9A-F]+$/) },
      STATE_TABLE: { Ref: expect.stringMatching(/^MirrorState/) },
      SYNC_JOBS_QUEUE_URL: { Ref: expect.stringMatching(/^SyncJobsQueue/) },
    });
    const us = synthTemplate({ context: { komboApiUrl: 'us' } });
    expect(fullSyncFunction(us).Environment.Variables.KOMBO_API_URL).toBe('us');
  });

  it('retries its own failed asynchronous invocations twice, then keeps them in an encrypted, TLS-only failure queue', () => {
    const configs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')).map((c) => c.Properties);
    expect(configs).toEqual([
      {
        FunctionName: { Ref: expect.stringMatching(/^FullSyncFullSyncFunction[0-9A-F]+$/) },
        Qualifier: '$LATEST',
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: 6 * 3600,
        DestinationConfig: {
          OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^FullSyncFailureQueue/), 'Arn'] } },
        },
      },
    ]);
    const queues = Object.entries(template.findResources('AWS::SQS::Queue')).filter(([id]) =>
      id.startsWith('FullSyncFailureQueue'),
    );
    expect(queues).toHaveLength(1);
    const [queueId, queue] = queues[0] ?? [];
    expect(queue?.Properties).toEqual({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    expect(template.findOutputs('FullSyncFailureQueueUrl')).toEqual({
      FullSyncFailureQueueUrl: expect.objectContaining({ Value: { Ref: queueId } }),
    });
  });
});

function fullSyncFunction(t: Template) {
  const functions = Object.values(
    t.findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('plans full syncs') },
    }),
  );
  expect(functions).toHaveLength(1);
  return functions[0]?.Properties;
}
