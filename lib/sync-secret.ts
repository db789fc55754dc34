import { Validations } from 'aws-cdk-lib';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface SyncSecretProps {
  /** Use this existing secret instead of creating one. It must hold the same JSON document. */
  readonly existingSecretArn?: string;
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
      this.secret = Secret.fromSecretCompleteArn(this, 'Existing', props.existingSecretArn);
      return;
    }
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
