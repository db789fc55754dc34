import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SyncFunctionName } from '../lambdas/contracts';
import { ALARM_IDS, ALARMS, type AlarmId, type AlarmSource, type DeadLetterQueueName } from './alarm-catalogue';
import { createAlarmTopic } from './alarm-topic';
import { komboSyncMetric } from './metric';

export interface SyncAlarmsProps {
  /** Dead-letter queues whose first message means work was given up on. */
  readonly deadLetterQueues: Record<DeadLetterQueueName, IQueue>;
  /** The sync-jobs queue, whose oldest message's age says whether the worker keeps up. */
  readonly jobQueue: IQueue;
  /** The three functions, for their errors. */
  readonly functions: Record<SyncFunctionName, IFunction>;
  /** The webhook's HTTP API, for its 5xx answers. */
  readonly api: HttpApi;
  /** Thresholds that replace the catalogue's (lib/alarm-catalogue.ts). @default the catalogue's */
  readonly thresholds?: Partial<Record<AlarmId, number>>;
  /** Where alarm notifications go by e-mail, if anywhere. @default none (the topic exists) */
  readonly email?: string;
}

/**
 * Every alarm of the catalogue (lib/alarm-catalogue.ts), named `<stack>-<id>`, notifying one
 * encrypted SNS topic. Missing data never alarms: a quiet stack is a healthy one.
 */
export class SyncAlarms extends Construct {
  readonly topic: Topic;
  readonly alarms: Record<AlarmId, Alarm>;

  constructor(scope: Construct, id: string, props: SyncAlarmsProps) {
    super(scope, id);
    // Named alarms, so that only this stack's alarms may publish (see createAlarmTopic).
    const alarmNamePrefix = `${Stack.of(this).stackName}-`;
    const { topic, action } = createAlarmTopic(this, { alarmNamePrefix, email: props.email });
    this.topic = topic;
    const entries = ALARM_IDS.map((alarmId) => {
      const definition = ALARMS[alarmId];
      const alarm = new Alarm(this, alarmId, {
        alarmName: `${alarmNamePrefix}${alarmId}`,
        alarmDescription: `kombo-sync: ${definition.description} (runbook: docs/operations.md#${alarmId.toLowerCase()})`,
        metric: watched(definition.source, Duration.minutes(definition.periodMinutes), props),
        threshold: props.thresholds?.[alarmId] ?? definition.threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      return [alarmId, alarm] as const;
    });
    this.alarms = Object.fromEntries(entries) as Record<AlarmId, Alarm>;
  }
}

function watched(source: AlarmSource, period: Duration, props: SyncAlarmsProps): IMetric {
  switch (source.kind) {
    case 'metric':
      return komboSyncMetric(source.metric, period);
    case 'dead-letters':
      return props.deadLetterQueues[source.queue].metricApproximateNumberOfMessagesVisible({
        period,
        statistic: 'Maximum',
      });
    case 'function-errors':
      return props.functions[source.function].metricErrors({ period, statistic: 'Sum' });
    case 'api-server-errors':
      return props.api.metricServerError({ period, statistic: 'Sum' });
    case 'queue-age':
      return props.jobQueue.metricApproximateAgeOfOldestMessage({ period, statistic: 'Maximum' });
  }
}
