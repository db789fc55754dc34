import { Annotations, Stack, Validations } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** A secret the stack does not create. */
export interface ExistingSecret {
  /** Its complete ARN, with the 6-character suffix. */
  readonly secretArn: string;
  /** The customer-managed KMS key it is encrypted with. @default aws/secretsmanager */
  readonly keyArn?: string;
}

export interface SyncSecretsProps {
  /**
   * One existing secret holding the webhook secret(s) and the API key (the layout before they were split): both
   * roles read it, so the webhook function can read the API key. Not with `webhookSecret` or `apiKeySecret`.
   * @default none: two secrets
   */
  readonly legacySecret?: ExistingSecret;
  /** The existing secret holding `webhook_secret` (and `previous_webhook_secret`). @default a created secret */
  readonly webhookSecret?: ExistingSecret;
  /** The existing secret holding `kombo_api_key`. @default a created secret */
  readonly apiKeySecret?: ExistingSecret;
}

const KOMBO_ISSUES_THEM =
  'Kombo issues the value (dashboard webhook secret, API key) and a Lambda cannot rotate it there; the operator ' +
  'rotates it in Kombo and stores it here (README: Set the secrets), and the webhook accepts the previous ' +
  'webhook secret meanwhile.';
const AWS_MANAGED_KEY_SUFFICES =
  'Encrypted with aws/secretsmanager: only a role granted secretsmanager:GetSecretValue on this one secret can read ' +
  'it, which IAM already limits to the functions that need it. A customer-managed key would add a second policy ' +
  'saying the same, at 1 USD a month; whoever needs one brings their own secret and key (README: Configuration).';

/**
 * The two secrets the functions read, apart so that the internet-facing webhook function cannot read the Kombo API
 * key: the webhook secret `{ "webhook_secret": "...", "previous_webhook_secret": "..." }` (webhook function) and
 * the API key secret `{ "kombo_api_key": "..." }` (worker, full sync). Each is created unless an existing one is
 * given; a created one starts with no usable value (README: "Set the secrets"). `legacySecret` points both roles
 * at one secret, as before the split, and says so at synth.
 */
export class SyncSecrets extends Construct {
  readonly webhookSecret: ISecret;
  readonly apiKeySecret: ISecret;

  constructor(scope: Construct, id: string, props: SyncSecretsProps = {}) {
    super(scope, id);
    if (props.legacySecret) {
      if (props.webhookSecret || props.apiKeySecret)
        throw new Error(
          'legacySecret names one secret for both roles: give it alone, or webhookSecret and apiKeySecret',
        );
      const shared = importSecret(this, 'Existing', props.legacySecret);
      this.webhookSecret = shared;
      this.apiKeySecret = shared;
      Annotations.of(this).addWarningV2(
        'kombo-sync:single-secret',
        'One secret holds the webhook secret and the Kombo API key, so the internet-facing webhook function can read ' +
          'the API key. Split it (README: "Moving to two secrets") and deploy with webhookSecretArn and apiKeySecretArn.',
      );
      return;
    }
    if (props.webhookSecret && props.webhookSecret.secretArn === props.apiKeySecret?.secretArn)
      throw new Error('webhookSecret and apiKeySecret must be two secrets; one secret for both is legacySecret');
    this.apiKeySecret = props.apiKeySecret
      ? importSecret(this, 'ExistingApiKey', props.apiKeySecret)
      : createdApiKeySecret(this);
    this.webhookSecret = props.webhookSecret
      ? importSecret(this, 'ExistingWebhook', props.webhookSecret)
      : createdWebhookSecret(this);
  }
}

function importSecret(scope: Construct, id: string, existing: ExistingSecret): ISecret {
  return Secret.fromSecretAttributes(scope, id, {
    secretCompleteArn: existing.secretArn,
    encryptionKey: existing.keyArn ? Key.fromKeyArn(scope, `${id}Key`, existing.keyArn) : undefined,
  });
}

/**
 * The secret stacks created before the split held everything in; it keeps its construct id, so an upgraded stack
 * keeps its value (the API key the operator stored) and its ARN (output `SecretArn`). Its generation settings must
 * stay exactly as they were: CloudFormation generates a new value whenever they change, which would overwrite the
 * stored key. So a new stack's API key secret starts with an unused random `webhook_secret`, overwritten when the
 * operator stores the key.
 */
function createdApiKeySecret(scope: Construct): Secret {
  const secret = new Secret(scope, 'Secret', {
    description: 'kombo-sync: the Kombo API key (JSON: kombo_api_key), read by the worker and full-sync functions',
    generateSecretString: {
      secretStringTemplate: JSON.stringify({ kombo_api_key: '' }),
      generateStringKey: 'webhook_secret',
      excludePunctuation: true,
      passwordLength: 48,
    },
  });
  acknowledgeKomboIssued(secret);
  return secret;
}

/** Starts with a random webhook secret nobody knows, so every webhook is refused until the operator stores Kombo's. */
function createdWebhookSecret(scope: Construct): Secret {
  const secret = new Secret(scope, 'WebhookSecret', {
    description: 'kombo-sync: the Kombo webhook secret(s) (JSON: webhook_secret, previous_webhook_secret)',
    generateSecretString: {
      secretStringTemplate: JSON.stringify({}),
      generateStringKey: 'webhook_secret',
      excludePunctuation: true,
      passwordLength: 48,
    },
  });
  acknowledgeKomboIssued(secret);
  return secret;
}

function acknowledgeKomboIssued(secret: Secret): void {
  Validations.of(secret).acknowledge(
    { id: 'AwsSolutions-SMG4', reason: KOMBO_ISSUES_THEM },
    { id: 'NIST.800.53.R5-SecretsManagerRotationEnabled', reason: KOMBO_ISSUES_THEM },
    { id: 'NIST.800.53.R5-SecretsManagerUsingKMSKey', reason: AWS_MANAGED_KEY_SUFFICES },
  );
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
