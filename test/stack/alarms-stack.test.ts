import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ALARM_IDS, ALARMS, type AlarmId } from '../../lib/alarm-catalogue';
import { synthTemplate } from '../support/synth';

describe('alarms', () => {
  it('creates every alarm of the catalogue, each with its threshold and a description that says what to do, into one encrypted topic', () => {
    const template = synthTemplate();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    expect(alarms.map((alarm) => alarm.AlarmName).sort()).toEqual(ALARM_IDS.map((id) => `KomboSyncStack-${id}`).sort());
    for (const alarm of alarms) {
      const id = (alarm.AlarmName as string).replace('KomboSyncStack-', '') as AlarmId;
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm).toMatchObject({
        Threshold: ALARMS[id].threshold,
        Period: ALARMS[id].periodMinutes * 60,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmDescription: `kombo-sync: ${ALARMS[id].description} (runbook: docs/operations.md#${id.toLowerCase()})`,
      });
    }
    const byName = (id: AlarmId) => alarms.find((alarm) => alarm.AlarmName === `KomboSyncStack-${id}`);
    // The functions' own metrics: the namespace and dimension Powertools publishes under.
    for (const id of ['SweepBraked', 'IntegrationMissing', 'EnqueueFailed', 'PagesThrottled'] as const) {
      expect(byName(id), id).toMatchObject({
        Namespace: 'KomboSync',
        MetricName: id,
        Dimensions: [{ Name: 'service', Value: 'kombo-sync' }],
        Statistic: 'Sum',
      });
    }
    expect(byName('SyncLag')).toMatchObject({ MetricName: 'SyncLagSeconds', Statistic: 'Maximum', Threshold: 10_800 });
    expect(byName('SyncJobsQueueAge')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Statistic: 'Maximum',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^SyncJobsQueue/), 'QueueName'] } },
      ],
    });
    expect(byName('WebhookApiServerErrors')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: expect.stringMatching(/^IngressApi/) } }],
    });
    for (const id of ['WebhookFunctionErrors', 'WorkerFunctionErrors', 'FullSyncFunctionErrors'] as const) {
      expect(byName(id), id).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors', Statistic: 'Sum' });
    }
    // One alarm per dead-letter queue, the full-sync function's on-failure destination included.
    const queueAlarms = Object.fromEntries(
      alarms
        .filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible')
        .map((alarm) => [alarm.AlarmName, alarm]),
    );
    expect(Object.keys(queueAlarms).sort()).toEqual([
      'KomboSyncStack-FullSyncFailuresNotEmpty',
      'KomboSyncStack-FullSyncScheduleNotEmpty',
      'KomboSyncStack-SyncJobsNotEmpty',
    ]);
    expect(queueAlarms['KomboSyncStack-FullSyncFailuresNotEmpty']).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^FullSyncFailureQueue/), 'QueueName'] } },
      ],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it("lets only this stack's alarms publish to the topic and use its key, so notifications are delivered", () => {
    const template = synthTemplate();
    const alarmArnPattern = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':cloudwatch:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':alarm:KomboSyncStack-*',
        ],
      ],
    };
    const fromTheseAlarms = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: { 'aws:SourceArn': alarmArnPattern },
    };
    const cloudWatch = { Service: 'cloudwatch.amazonaws.com' };
    // The AWS managed key alias/aws/sns cannot be granted to CloudWatch; the topic needs a key of its own.
    const keys = template.findResources('AWS::KMS::Key', {
      Properties: {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            {
              Effect: 'Allow',
              Principal: cloudWatch,
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Resource: '*',
              Condition: fromTheseAlarms,
            },
          ]),
        },
      },
    });
    expect(Object.keys(keys)).toHaveLength(1);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Object.keys(keys)[0], 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: cloudWatch,
            Action: 'sns:Publish',
            Condition: fromTheseAlarms,
          }),
        ]),
      },
    });
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => alarm.Properties.AlarmName as string,
    );
    expect(names).toHaveLength(ALARM_IDS.length);
    for (const name of names) expect(name).toMatch(/^KomboSyncStack-/);
  });

  it('subscribes an e-mail address given in context, and rejects one that is not', () => {
    synthTemplate({ context: { alarmEmail: 'ops@example.com' } }).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    expect(() => synthTemplate({ context: { alarmEmail: 'ops' } })).toThrow(/context alarmEmail/);
  });

  it('takes thresholds from context, as JSON text or an object, and names what is wrong with them', () => {
    const threshold = (context: Record<string, unknown>, id: AlarmId) =>
      Object.values(synthTemplate({ context }).findResources('AWS::CloudWatch::Alarm'))
        .map((alarm) => alarm.Properties)
        .find((alarm) => alarm.AlarmName === `KomboSyncStack-${id}`)?.Threshold;
    expect(threshold({ alarmThresholds: '{"JobsFailed":20,"SyncLag":"3600"}' }, 'JobsFailed')).toBe(20);
    expect(threshold({ alarmThresholds: { SyncLag: 3600 } }, 'SyncLag')).toBe(3600);
    expect(threshold({ alarmThresholds: { SyncLag: 3600 } }, 'JobsFailed')).toBe(ALARMS.JobsFailed.threshold);
    expect(() => synthTemplate({ context: { alarmThresholds: '{"JobFailed":20}' } })).toThrow(
      /context alarmThresholds.JobFailed: must name an alarm of lib\/alarm-catalogue.ts/,
    );
    expect(() => synthTemplate({ context: { alarmThresholds: '{"JobsFailed":0}' } })).toThrow(
      /context alarmThresholds.JobsFailed: must be a number above 0/,
    );
    expect(() => synthTemplate({ context: { alarmThresholds: 'JobsFailed=20' } })).toThrow(
      /context alarmThresholds: must be a JSON object/,
    );
  });
});
