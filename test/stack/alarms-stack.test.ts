import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthTemplate } from '../support/synth';

describe('alarms', () => {
  it('alarm on dead letters, braked sweeps, failing jobs and unauthorized webhooks, into one encrypted topic', () => {
    const template = synthTemplate();
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm.Properties);
    expect(alarms.map((alarm) => alarm.MetricName).sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesVisible',
      'JobsFailed',
      'SweepBraked',
      'WebhookUnauthorized',
    ]);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
    const swept = alarms.find((alarm) => alarm.MetricName === 'SweepBraked');
    expect(swept).toMatchObject({ Namespace: 'KomboSync', Dimensions: [{ Name: 'service', Value: 'kombo-sync' }], Threshold: 1 });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('subscribes an e-mail address given in context, and rejects one that is not', () => {
    synthTemplate({ context: { alarmEmail: 'ops@example.com' } }).hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    expect(() => synthTemplate({ context: { alarmEmail: 'ops' } })).toThrow(/context alarmEmail/);
  });
});
