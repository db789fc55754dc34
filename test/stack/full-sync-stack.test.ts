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

  it('lets the full-sync function read the registry and send jobs: nothing else', () => {
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('FullSyncFullSyncFunctionRole'),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    expect(
      statements.map((s) => ({
        actions: ([] as string[]).concat(s.Action).sort(),
        resource: JSON.stringify(s.Resource),
      })),
    ).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resource: expect.stringContaining('FullSyncFullSyncFunctionLogs'),
      },
      { actions: ['sqs:SendMessage'], resource: expect.stringContaining('SyncJobsQueue') },
      { actions: ['dynamodb:GetItem', 'dynamodb:Query'], resource: expect.stringContaining('MirrorState') },
    ]);
    expect(template.findOutputs('FullSyncFunctionName')).not.toEqual({});
  });
});
