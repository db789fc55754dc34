import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Construct } from 'constructs';
import { SyncJobQueue } from './sync-job-queue';
import { SyncSecret } from './sync-secret';
import { WebhookIngress } from './webhook-ingress';

export interface KomboSyncStackProps extends StackProps {
  /** ARN of an existing secret to use instead of creating one. */
  readonly existingSecretArn?: string;
  /** Resources to sync, e.g. `['ats/applications', 'hris/employees']`. @default all */
  readonly syncResources?: readonly string[];
  /** Throttling of the webhook endpoint. @default 50 requests/s, burst 100 */
  readonly webhookThrottle?: ThrottleSettings;
}

export class KomboSyncStack extends Stack {
  constructor(scope: Construct, id: string, props: KomboSyncStackProps = {}) {
    super(scope, id, props);
    const secret = new SyncSecret(this, 'Secret', { existingSecretArn: props.existingSecretArn });
    const jobs = new SyncJobQueue(this, 'SyncJobs');
    const ingress = new WebhookIngress(this, 'Ingress', {
      jobQueue: jobs.queue,
      secret: secret.secret,
      syncResources: props.syncResources,
      throttle: props.webhookThrottle,
    });

    new CfnOutput(this, 'WebhookUrl', {
      description: "Paste into Kombo's dashboard (Configuration → Webhooks), event type data-changed",
      value: ingress.webhookUrl,
    });
    new CfnOutput(this, 'SecretArn', {
      description: 'Store the Kombo webhook secret and API key here (see README: Set the secret)',
      value: secret.secret.secretArn,
    });
    new CfnOutput(this, 'SyncJobsQueueUrl', { value: jobs.queue.queueUrl });
    new CfnOutput(this, 'SyncJobsDeadLetterQueueUrl', { value: jobs.deadLetterQueue.queueUrl });
  }
}
