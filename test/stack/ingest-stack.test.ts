import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSecurityChecks } from '../../lib/security-checks';
import { synthApp, synthTemplate } from '../support/synth';

let template: Template;
beforeAll(() => {
  template = synthTemplate();
});

const webhookFunction = () => {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp('verifies Kombo webhooks') },
  });
  const [logicalId, resource] = Object.entries(functions)[0] ?? [];
  if (!logicalId || !resource) throw new Error('webhook function not found');
  return { logicalId, properties: resource.Properties };
};

describe('ingest stack', () => {
  it('routes POST /webhooks/kombo on an HTTP API to the webhook function, with stage throttling', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /webhooks/kombo' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [webhookFunction().logicalId, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('runs the webhook function on Node.js 22, ARM64, with the queue, webhook secret and resources in its environment', () => {
    const { properties } = webhookFunction();
    expect(properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: {
        Variables: {
          SYNC_JOBS_QUEUE_URL: { Ref: expect.stringMatching(/^SyncJobsQueue/) },
          WEBHOOK_SECRET_ARN: { Ref: expect.stringMatching(/^SecretWebhookSecret/) },
          SYNC_RESOURCES: 'all',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    expect(JSON.stringify(properties.Environment)).not.toMatch(/KOMBO_WEBHOOK_SECRET|KOMBO_API_KEY|"SECRET_ARN"/);
  });

  it('has a high-throughput FIFO sync-jobs queue with SSE, TLS only and a FIFO dead-letter queue', () => {
    const fifoQueues = template.findResources('AWS::SQS::Queue', { Properties: { FifoQueue: true } });
    expect(Object.keys(fifoQueues)).toHaveLength(2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      DeduplicationScope: 'messageGroup',
      FifoThroughputLimit: 'perMessageGroupId',
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SyncJobsDeadLetterQueue'), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
      SqsManagedSseEnabled: true,
    });
    const policies = template.findResources('AWS::SQS::QueuePolicy');
    expect(Object.keys(policies)).toHaveLength(Object.keys(template.findResources('AWS::SQS::Queue')).length);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('lets the webhook function send to the queue, keep the registry, read the webhook secret and write its own logs: nothing else', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes('IngressWebhookFunctionRole'),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^IngressWebhookFunctionLogs/), 'Arn'] },
      },
      // X-Ray (tracing is on by default); these two actions take no resource.
      { Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SyncJobsQueue/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:UpdateItem',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MirrorState/), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: { Ref: expect.stringMatching(/^SecretWebhookSecret/) },
      },
    ]);
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles.every((role) => role.Properties.ManagedPolicyArns === undefined)).toBe(true);
  });

  it('outputs the webhook URL to paste into Kombo', () => {
    const outputs = template.findOutputs('WebhookUrl');
    expect(JSON.stringify(outputs.WebhookUrl?.Value)).toContain('/webhooks/kombo');
  });

  it('lets the functions decrypt an existing secret with its customer-managed key, only through Secrets Manager', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kombo-AbCdEf';
    const keyArn = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const withKey = synthTemplate({ context: { secretArn: arn, secretKeyArn: keyArn } });
    const decrypt = {
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: keyArn,
      Condition: {
        StringEquals: {
          'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
        },
      },
    };
    const policies = withKey.findResources('AWS::IAM::Policy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([decrypt]) } },
    });
    expect(Object.keys(policies).filter((id) => id.startsWith('Ingress')).length).toBe(1);
    expect(Object.keys(policies).filter((id) => id.startsWith('Worker')).length).toBe(1);
    expect(Object.keys(policies).filter((id) => id.startsWith('FullSync')).length).toBe(1);
    expect(Object.keys(policies)).toHaveLength(3);
    // Without a key there is nothing to decrypt with, so no role gets kms:Decrypt.
    expect(
      JSON.stringify(synthTemplate({ context: { secretArn: arn } }).findResources('AWS::IAM::Policy')),
    ).not.toContain('kms:Decrypt');
    expect(() => synthApp({ context: { secretKeyArn: keyArn } })).toThrow(
      /context secretKeyArn: only applies with secretArn/,
    );
    expect(() => synthApp({ context: { secretArn: arn, secretKeyArn: 'alias/mine' } })).toThrow(
      /context secretKeyArn: must be a KMS key ARN/,
    );
  });

  it('takes its name, resources and throttling from context, and rejects bad values by name', () => {
    const { stack } = synthApp({
      context: { stackName: 'AcmeSync', syncResources: 'ats/jobs,hris/employees', webhookRateLimit: '5' },
    });
    expect(stack.stackName).toBe('AcmeSync');
    expect(() => synthApp({ context: { syncResources: 'ats/nope' } })).toThrow(/unknown resource\(s\): ats\/nope/);
    expect(() => synthApp({ context: { secretArn: 'my-secret' } })).toThrow(/context secretArn/);
    // A misspelt key would otherwise be ignored and deploy the default (here: every resource).
    expect(() => synthApp({ context: { syncResourcez: 'ats/jobs' } })).toThrow(
      /context syncResourcez: unknown key \(known keys: stackName, secretArn/,
    );
    expect(() =>
      synthApp({ context: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:kombo-sync' } }),
    ).toThrow(/context secretArn: must be a complete Secrets Manager secret ARN, ending in the 6-character suffix/);
  });
});

describe('cdk.json', () => {
  it('gives the tests the context cdk synth gets, feature flags included, and every key passes the settings parser', () => {
    const cdkJson = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../cdk.json'), 'utf8')) as {
      context: Record<string, unknown>;
    };
    const flags = Object.keys(cdkJson.context).filter((key) => key.startsWith('@aws-cdk'));
    expect(flags.length).toBeGreaterThan(0);
    const { app } = synthApp();
    for (const [key, value] of Object.entries(cdkJson.context)) expect(app.node.tryGetContext(key), key).toEqual(value);
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('passes with every finding acknowledged with a reason', () => {
    const { app } = synthApp();
    expect(() => app.synth({ force: true })).not.toThrow();
  });

  it('fails synth on an unacknowledged finding', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    new Queue(new Stack(app, 'Insecure'), 'PlainQueue');
    addSecurityChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS/);
  });
});
