import { Stack, Validations } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SyncSecretProps {
  /** Use this existing secret instead of creating one. It must hold the same JSON document. */
  readonly existingSecretArn?: string;
  /** The customer-managed KMS key the existing secret is encrypted with, if it is not `aws/secretsmanager`. */
  readonly existingSecretKeyArn?: string;
}

/**
 * The secret holding Kombo's webhook secret(s) and API key, as one JSON document:
 * `{ "webhook_secret": "...", "previous_webhook_secret": "...", "kombo_api_key": "..." }`.
 * A created secret starts with a random webhook secret nobody knows, so every webhook is refused
 * until the operator stores the real values (README: "Set the secret").
 */
export class SyncSecret extends Construct {
  readonly secret: ISecret;

  constructor(scope: Construct, id: string, props: SyncSecretProps = {}) {
    super(scope, id);
    if (props.existingSecretArn) {
      this.secret = Secret.fromSecretAttributes(this, 'Existing', {
        secretCompleteArn: props.existingSecretArn,
        encryptionKey: props.existingSecretKeyArn
          ? Key.fromKeyArn(this, 'ExistingKey', props.existingSecretKeyArn)
          : undefined,
      });
      return;
    }
    if (props.existingSecretKeyArn)
      throw new Error('existingSecretKeyArn needs existingSecretArn: a created secret uses aws/secretsmanager');
    const secret = new Secret(this, 'Secret', {
      description: 'kombo-sync: Kombo webhook secret(s) and API key (JSON)',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ kombo_api_key: '' }),
        generateStringKey: 'webhook_secret',
        excludePunctuation: true,
        passwordLength: 48,
      },
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Both values are issued by Kombo (dashboard webhook secret, API key) and cannot be rotated by a Lambda; ' +
        'the operator rotates them in Kombo and stores them here, and the webhook accepts the previous secret meanwhile.',
    });
    this.secret = secret;
  }
}

/**
 * Lets a function read the secret's value and nothing else about it (grantRead would add DescribeSecret).
 * A customer-managed key may decrypt only through Secrets Manager, not for any other caller.
 */
export function allowSecretValueRead(grantee: IGrantable, secret: ISecret): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
  );
  if (!secret.encryptionKey) return;
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [secret.encryptionKey.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(secret).region}.amazonaws.com` } },
    }),
  );
}
