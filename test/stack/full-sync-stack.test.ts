import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthTemplate } from '../support/synth';

let template: Template;
beforeAll(() => {
  template = synthTemplate();
});

describe('weekly full sync', () => {
  it('runs on an EventBridge Scheduler schedule, Sunday 02:00 UTC by default, time zone written', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 ? * SUN *)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
  });

  it('retries, dead-letters, and names the run by its scheduled time', () => {
    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    const target = schedule?.Properties.Target;
    expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 7200 });
    expect(target.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [expect.stringMatching(/^FullSyncScheduleDeadLetterQueue/), 'Arn'] },
    });
    expect(JSON.parse(target.Input)).toEqual({ source: 'schedule', scheduled_time: '<aws.scheduler.scheduled-time>' });
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FullSyncFullSyncFunction/), 'Arn'] });
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
      FifoQueue: Match.absent(),
    });
  });

  it('takes the cron expression and time zone from context, and rejects bad ones by name', () => {
    const custom = synthTemplate({
      context: { fullSyncCron: 'cron(30 3 ? * MON *)', fullSyncTimeZone: 'Europe/Berlin' },
    });
    custom.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 3 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
    });
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
