import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthTemplate } from '../support/synth';

describe('alarms', () => {
  it('alarm on dead letters, failed full-sync runs, braked sweeps, failing jobs, refused records, abandoned walks, unauthorized webhooks and missing integrations, into one encrypted topic', () => {
    const template = synthTemplate();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    expect(alarms.map((alarm) => alarm.MetricName).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'IntegrationMissing',
      'JobsFailed',
      'RecordsRejected',
      'SweepBraked',
      'WalkAbandoned',
      'WebhookUnauthorized',
    ]);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    const swept = alarms.find((alarm) => alarm.MetricName === 'SweepBraked');
    expect(swept).toMatchObject({
      Namespace: 'KomboSync',
      Dimensions: [{ Name: 'service', Value: 'kombo-sync' }],
      Threshold: 1,
    });
    for (const metric of ['RecordsRejected', 'WalkAbandoned', 'IntegrationMissing']) {
      expect(
        alarms.find((alarm) => alarm.MetricName === metric),
        metric,
      ).toMatchObject({ Namespace: 'KomboSync', Threshold: 1, Period: 3600 });
    }
    expect(alarms.find((alarm) => alarm.MetricName === 'IntegrationMissing')).toMatchObject({
      AlarmName: 'KomboSyncStack-IntegrationMissing',
      Dimensions: [{ Name: 'service', Value: 'kombo-sync' }],
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      AlarmDescription: expect.stringContaining(
        'Kombo no longer knows a registered integration; it is purged if still missing a week later (README: Lifecycle)',
      ),
    });
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
    expect(names).toHaveLength(9);
    for (const name of names) expect(name).toMatch(/^KomboSyncStack-/);
  });

  it('subscribes an e-mail address given in context, and rejects one that is not', () => {
    synthTemplate({ context: { alarmEmail: 'ops@example.com' } }).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    expect(() => synthTemplate({ context: { alarmEmail: 'ops' } })).toThrow(/context alarmEmail/);
  });
});
