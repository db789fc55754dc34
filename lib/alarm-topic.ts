import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

export interface AlarmTopicProps {
  /** Alarm names start with this; only alarms named so may publish. */
  readonly alarmNamePrefix: string;
  /** Where alarm notifications go by e-mail, if anywhere. @default none (the topic exists) */
  readonly email?: string;
}

/**
 * The one SNS topic every alarm notifies, encrypted with a key of its own that only this stack's
 * alarms may use, and to which only they may publish. Created in `scope` itself (ids `TopicKey` and
 * `Topic`), so the resources keep the logical ids of earlier versions of the stack.
 */
export function createAlarmTopic(scope: Construct, props: AlarmTopicProps): { topic: Topic; action: SnsAction } {
  const stack = Stack.of(scope);
  const fromTheseAlarms = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: {
      'aws:SourceArn': stack.formatArn({
        service: 'cloudwatch',
        resource: 'alarm',
        resourceName: `${props.alarmNamePrefix}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    },
  };
  const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');

  // CloudWatch can publish to an encrypted topic only if it may use the key, and the AWS managed
  // key (alias/aws/sns) cannot grant that: with it, alarms change state but nobody is notified.
  const key = new Key(scope, 'TopicKey', {
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
  const topic = new Topic(scope, 'Topic', { displayName: 'kombo-sync alarms', enforceSSL: true, masterKey: key });
  // enforceSSL writes a topic policy, which replaces SNS's default one: publishing must be allowed here.
  topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromTheseAlarms,
    }),
  );
  if (props.email) topic.addSubscription(new EmailSubscription(props.email));
  return { topic, action: new SnsAction(topic) };
}
