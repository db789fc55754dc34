import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Alarm, type AlarmProps, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ALARMED_METRIC, METRICS_NAMESPACE, SERVICE_NAME } from '../lambdas/contracts';

export interface SyncAlarmsProps {
  /** Dead-letter queues whose first message means work was given up on. */
  readonly deadLetterQueues: Record<string, IQueue>;
  /** Where alarm notifications go by e-mail, if anywhere. The topic exists either way. */
  readonly email?: string;
}

/**
 * The alarms an operator needs: anything in a dead-letter queue, a sweep the brake stopped, jobs
 * failing, records refused, walks abandoned, webhooks refused as unauthorized, registered
 * integrations Kombo no longer knows. All notify one SNS topic.
 */
export class SyncAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: SyncAlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Named alarms, so that only this stack's alarms may publish (the aws:SourceArn condition below).
    const alarmNamePrefix = `${stack.stackName}-`;
    const fromTheseAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${alarmNamePrefix}*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');

    // CloudWatch can publish to an encrypted topic only if it may use the key, and the AWS managed
    // key (alias/aws/sns) cannot grant that: with it, alarms change state but nobody is notified.
    const key = new Key(this, 'TopicKey', {
      description: 'kombo-sync: encrypts the alarm topic; CloudWatch alarms of this stack may use it',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromTheseAlarms,
      }),
    );
    this.topic = new Topic(this, 'Topic', { displayName: 'kombo-sync alarms', enforceSSL: true, masterKey: key });
    // enforceSSL writes a topic policy, which replaces SNS's default one: publishing must be allowed here.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromTheseAlarms,
      }),
    );
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    const action = new SnsAction(this.topic);
    const alarm = (alarmId: string, alarmProps: Omit<AlarmProps, 'alarmName'>) =>
      new Alarm(this, alarmId, { ...alarmProps, alarmName: `${alarmNamePrefix}${alarmId}` }).addAlarmAction(action);

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(`${name}NotEmpty`, {
        alarmDescription: `kombo-sync: messages in the ${name} dead-letter queue (work that was given up on; see README)`,
        metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    const countAlarm = (metricName: string, description: string, threshold: number, period: Duration) =>
      alarm(metricName, {
        alarmDescription: `kombo-sync: ${description}`,
        metric: new Metric({
          namespace: METRICS_NAMESPACE,
          metricName,
          dimensionsMap: { service: SERVICE_NAME },
          statistic: 'Sum',
          period,
        }),
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });

    countAlarm(
      ALARMED_METRIC.sweepBraked,
      'a full sync would have removed more than the brake allows; an operator decides (README: Brake)',
      1,
      Duration.hours(1),
    );
    countAlarm(
      ALARMED_METRIC.jobsFailed,
      'sync jobs are failing (Kombo errors or DynamoDB); they are retried, then dead-lettered',
      5,
      Duration.minutes(15),
    );
    countAlarm(
      ALARMED_METRIC.recordsRejected,
      'DynamoDB refused records as Kombo sent them; they were stored compressed, as metadata only, or skipped (log: "DynamoDB refused a record")',
      1,
      Duration.hours(1),
    );
    countAlarm(
      ALARMED_METRIC.walkAbandoned,
      'a walk failed permanently on consecutive jobs and was given up; the delta cursor is kept (log: "walk abandoned")',
      1,
      Duration.hours(1),
    );
    countAlarm(
      ALARMED_METRIC.webhookUnauthorized,
      'webhooks with a missing or wrong signature (a rotated secret not stored yet?)',
      10,
      Duration.minutes(15),
    );
    countAlarm(
      ALARMED_METRIC.integrationMissing,
      'Kombo no longer knows a registered integration; it is purged if still missing a week later (README: Lifecycle)',
      1,
      Duration.hours(1),
    );
  }
}
