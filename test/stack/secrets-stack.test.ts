import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/contracts';
import { synthApp, synthTemplate } from '../support/synth';

/**
 * Two secrets: the internet-facing webhook function reads the webhook secret and cannot read the Kombo API key;
 * the worker and the full-sync function read the API key and cannot read the webhook secret.
 */
const ROLES = {
  webhook: 'IngressWebhookFunctionRole',
  worker: 'WorkerWorkerFunctionRole',
  fullSync: 'FullSyncFullSyncFunctionRole',
};
const FUNCTIONS = { webhook: /verifies Kombo webhooks/, worker: /runs sync jobs/, fullSync: /plans full syncs/ };
type Name = keyof typeof ROLES;
const NAMES = Object.keys(ROLES) as Name[];

const ARN = (name: string) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
const KEY = (id: string) => `arn:aws:kms:eu-west-1:123456789012:key/${id}`;

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

/** Every statement of the policies attached to one function's role. */
function statementsOf(template: Template, name: Name): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(ROLES[name]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** The resources a role may call the action on, an action wildcard that covers it included. */
function resourcesFor(template: Template, name: Name, action: string): string[] {
  const [service] = action.split(':');
  return statementsOf(template, name)
    .filter((statement) =>
      ([] as string[]).concat(statement.Action).some((a) => a === action || a === `${service}:*` || a === '*'),
    )
    .flatMap((statement) => ([] as unknown[]).concat(statement.Resource).map((resource) => JSON.stringify(resource)));
}

function environmentOf(template: Template, name: Name): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function')).filter((resource) =>
    FUNCTIONS[name].test(String(resource.Properties.Description)),
  );
  return fn?.Properties.Environment.Variables ?? {};
}

const outputValue = (template: Template, name: string) => JSON.stringify(template.findOutputs(name)[name]?.Value);

describe('the two secrets the stack creates', () => {
  let template: Template;
  let webhookSecret: string;
  let apiKeySecret: string;
  beforeAll(() => {
    template = synthTemplate();
    const secrets = template.findResources('AWS::SecretsManager::Secret');
    expect(Object.keys(secrets)).toHaveLength(2);
    webhookSecret = JSON.stringify({ Ref: Object.keys(secrets).find((id) => id.startsWith('SecretWebhookSecret')) });
    apiKeySecret = JSON.stringify({ Ref: Object.keys(secrets).find((id) => !id.startsWith('SecretWebhookSecret')) });
  });

  it("keeps the secret stacks created before the split as the API key's: same logical id, same generation settings", () => {
    // A changed logical id would replace the secret, changed generation settings would make CloudFormation
    // generate a new value: either would lose the API key an operator stored.
    expect(template.toJSON().Resources.SecretA29EB826).toMatchObject({
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        GenerateSecretString: {
          ExcludePunctuation: true,
          GenerateStringKey: 'webhook_secret',
          PasswordLength: 48,
          SecretStringTemplate: '{"kombo_api_key":""}',
        },
      },
    });
    expect(apiKeySecret).toBe(JSON.stringify({ Ref: 'SecretA29EB826' }));
  });

  it('creates the webhook secret with a random webhook secret nobody knows, and no API key field', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{}', GenerateStringKey: 'webhook_secret' }),
    });
  });

  it('lets the webhook function read the webhook secret and not the API key secret', () => {
    expect(resourcesFor(template, 'webhook', 'secretsmanager:GetSecretValue')).toEqual([webhookSecret]);
    expect(JSON.stringify(statementsOf(template, 'webhook'))).not.toContain(JSON.parse(apiKeySecret).Ref);
  });

  it.each(['worker', 'fullSync'] as const)('lets the %s read the API key secret and not the webhook secret', (name) => {
    expect(resourcesFor(template, name, 'secretsmanager:GetSecretValue')).toEqual([apiKeySecret]);
    expect(JSON.stringify(statementsOf(template, name))).not.toContain(JSON.parse(webhookSecret).Ref);
  });

  it("gives each function only its own secret's ARN", () => {
    expect(environmentOf(template, 'webhook')).toMatchObject({ [ENV.webhookSecretArn]: JSON.parse(webhookSecret) });
    expect(environmentOf(template, 'webhook')).not.toHaveProperty(ENV.apiKeySecretArn);
    for (const name of ['worker', 'fullSync'] as const) {
      expect(environmentOf(template, name)).toMatchObject({ [ENV.apiKeySecretArn]: JSON.parse(apiKeySecret) });
      expect(environmentOf(template, name)).not.toHaveProperty(ENV.webhookSecretArn);
    }
    for (const name of NAMES) expect(environmentOf(template, name)).not.toHaveProperty('SECRET_ARN');
  });

  it('outputs both ARNs, and SecretArn (read by scripts) as the API key secret', () => {
    expect(outputValue(template, 'WebhookSecretArn')).toBe(webhookSecret);
    expect(outputValue(template, 'ApiKeySecretArn')).toBe(apiKeySecret);
    expect(outputValue(template, 'SecretArn')).toBe(apiKeySecret);
  });

  it('warns about nothing: the webhook function cannot read the API key', () => {
    Annotations.fromStack(synthApp().stack).hasNoWarning('*', Match.stringLikeRegexp('can read the API key'));
  });
});

describe('two existing secrets (webhookSecretArn, apiKeySecretArn)', () => {
  const context = {
    webhookSecretArn: ARN('kombo-webhook'),
    webhookSecretKeyArn: KEY('webhook-key'),
    apiKeySecretArn: ARN('kombo-api-key'),
    apiKeySecretKeyArn: KEY('api-key-key'),
  };
  let template: Template;
  beforeAll(() => {
    template = synthTemplate({ context });
  });

  it('creates no secret and gives each role its own secret and key, the key only through Secrets Manager', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(resourcesFor(template, 'webhook', 'secretsmanager:GetSecretValue')).toEqual([
      JSON.stringify(context.webhookSecretArn),
    ]);
    expect(resourcesFor(template, 'webhook', 'kms:Decrypt')).toEqual([JSON.stringify(context.webhookSecretKeyArn)]);
    for (const name of ['worker', 'fullSync'] as const) {
      expect(resourcesFor(template, name, 'secretsmanager:GetSecretValue')).toEqual([
        JSON.stringify(context.apiKeySecretArn),
      ]);
      expect(resourcesFor(template, name, 'kms:Decrypt')).toEqual([JSON.stringify(context.apiKeySecretKeyArn)]);
    }
    const decrypts = NAMES.flatMap((name) =>
      statementsOf(template, name).filter((statement) => statement.Action === 'kms:Decrypt'),
    );
    expect(decrypts).toHaveLength(3);
    for (const statement of decrypts)
      expect(JSON.stringify(statement.Condition)).toContain('"kms:ViaService":{"Fn::Join":["",["secretsmanager.');
    expect(JSON.stringify(statementsOf(template, 'webhook'))).not.toContain('kombo-api-key');
  });

  it('outputs the given ARNs', () => {
    expect(outputValue(template, 'WebhookSecretArn')).toBe(JSON.stringify(context.webhookSecretArn));
    expect(outputValue(template, 'ApiKeySecretArn')).toBe(JSON.stringify(context.apiKeySecretArn));
    expect(outputValue(template, 'SecretArn')).toBe(JSON.stringify(context.apiKeySecretArn));
  });

  it('takes either alone, creating the other: the way to move to two secrets without refusing a webhook', () => {
    const webhookOnly = synthTemplate({ context: { webhookSecretArn: ARN('kombo-webhook') } });
    const created = Object.keys(webhookOnly.findResources('AWS::SecretsManager::Secret'));
    expect(created).toEqual(['SecretA29EB826']);
    expect(resourcesFor(webhookOnly, 'webhook', 'secretsmanager:GetSecretValue')).toEqual([
      JSON.stringify(ARN('kombo-webhook')),
    ]);
    expect(resourcesFor(webhookOnly, 'worker', 'secretsmanager:GetSecretValue')).toEqual([
      JSON.stringify({ Ref: 'SecretA29EB826' }),
    ]);
  });
});

describe('one existing secret for both (secretArn, the legacy layout)', () => {
  const arn = ARN('kombo');

  it('points every function at it, creates none, and says at synth that the webhook function can read the API key', () => {
    const { stack } = synthApp({ context: { secretArn: arn } });
    const template = synthTemplate({ context: { secretArn: arn } });
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    for (const name of NAMES)
      expect(resourcesFor(template, name, 'secretsmanager:GetSecretValue')).toEqual([JSON.stringify(arn)]);
    expect(environmentOf(template, 'webhook')).toMatchObject({ [ENV.webhookSecretArn]: arn });
    expect(environmentOf(template, 'worker')).toMatchObject({ [ENV.apiKeySecretArn]: arn });
    for (const output of ['WebhookSecretArn', 'ApiKeySecretArn', 'SecretArn'])
      expect(outputValue(template, output)).toBe(JSON.stringify(arn));
    Annotations.fromStack(stack).hasWarning(
      '/KomboSyncStack/Secret',
      Match.stringLikeRegexp('the internet-facing webhook function can read the API key'),
    );
  });
});

describe('secret context that contradicts itself fails synth, naming the key', () => {
  it.each([
    [{ secretArn: ARN('kombo'), webhookSecretArn: ARN('kombo-webhook') }, /context secretArn: is one secret for both/],
    [{ secretArn: ARN('kombo'), apiKeySecretArn: ARN('kombo-api') }, /context secretArn: is one secret for both/],
    [
      { webhookSecretArn: ARN('kombo'), apiKeySecretArn: ARN('kombo') },
      /context apiKeySecretArn: must be another secret than webhookSecretArn/,
    ],
    [{ webhookSecretKeyArn: KEY('k') }, /context webhookSecretKeyArn: only applies with webhookSecretArn/],
    [
      { webhookSecretArn: ARN('kombo-webhook'), apiKeySecretKeyArn: KEY('k') },
      /context apiKeySecretKeyArn: only applies with apiKeySecretArn/,
    ],
    [{ secretKeyArn: KEY('k') }, /context secretKeyArn: only applies with secretArn/],
    [
      { webhookSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kombo-webhook' },
      /context webhookSecretArn: must be a complete Secrets Manager secret ARN/,
    ],
    [
      { apiKeySecretArn: ARN('kombo-api'), apiKeySecretKeyArn: 'alias/mine' },
      /context apiKeySecretKeyArn: must be a KMS/,
    ],
  ])('%j', (context, message) => {
    expect(() => synthApp({ context })).toThrow(message);
  });

  it('reports every contradiction at once', () => {
    expect(() => synthApp({ context: { webhookSecretKeyArn: KEY('a'), apiKeySecretKeyArn: KEY('b') } })).toThrow(
      /webhookSecretKeyArn: only applies .*; context apiKeySecretKeyArn: only applies/,
    );
  });
});
