import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthTemplate } from '../support/synth';

let template: Template;
beforeAll(() => {
  template = synthTemplate();
});

const resourceOf = (type: string, description: RegExp) => {
  const found = Object.entries(template.findResources(type)).find(([, r]) =>
    description.test(r.Properties?.Description ?? ''),
  );
  if (!found) throw new Error(`${type} ${description} not found`);
  return { logicalId: found[0], properties: found[1].Properties };
};

describe('mirror tables', () => {
  it('has a records table and a state table keyed pk/sk, on demand, with PITR and TTL on expires_at, retained', () => {
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    expect(Object.keys(tables)).toHaveLength(2);
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
        Replicas: [expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      });
    }
  });

  it('streams new and old images of the records table', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(template.findOutputs('RecordsTableStreamArn')).not.toEqual({});
  });

  it('can be told to delete the tables with the stack (dev stacks)', () => {
    const dev = synthTemplate({ context: { retainTables: 'false', deletionProtection: 'false' } });
    for (const table of Object.values(dev.findResources('AWS::DynamoDB::GlobalTable')))
      expect(table.DeletionPolicy).toBe('Delete');
  });
});

describe('sync worker', () => {
  it('consumes the FIFO queue in batches of 10 with partial failures and a concurrency cap', () => {
    const worker = resourceOf('AWS::Lambda::Function', /runs sync jobs/);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: worker.logicalId },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SyncJobsQueue'), 'Arn'] },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('times out after 5 minutes; the queue hides a job for at least six times that', () => {
    const worker = resourceOf('AWS::Lambda::Function', /runs sync jobs/);
    expect(worker.properties).toMatchObject({ Timeout: 300, Runtime: 'nodejs22.x', Architectures: ['arm64'] });
    const queues = Object.values(template.findResources('AWS::SQS::Queue')).filter((q) => q.Properties.RedrivePolicy);
    expect(queues[0]?.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 300);
    const longer = synthTemplate({ context: { workerTimeoutSeconds: 600 } });
    const longerQueue = Object.values(longer.findResources('AWS::SQS::Queue')).find((q) => q.Properties.RedrivePolicy);
    expect(longerQueue?.Properties.VisibilityTimeout).toBe(3600);
  });

  it('may touch only the two tables, the queue, the dead-letter queue and the secret', () => {
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes('WorkerWorkerFunctionRole'),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const byResource = statements.map((s) => ({
      actions: ([] as string[]).concat(s.Action).sort(),
      resource: JSON.stringify(s.Resource),
    }));
    expect(byResource).toEqual([
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resource: expect.stringContaining('WorkerWorkerFunctionLogs'),
      },
      // X-Ray (tracing is on by default); these two actions take no resource.
      { actions: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], resource: '"*"' },
      {
        actions: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
        ],
        resource: expect.stringMatching(/"SyncJobsQueue[0-9A-F]+","Arn"/),
      },
      {
        actions: [
          'dynamodb:BatchWriteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        resource: expect.stringContaining('MirrorRecords'),
      },
      {
        actions: [
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
        ],
        resource: expect.stringContaining('MirrorState'),
      },
      // Exactly the two queues; @aws-cdk/aws-iam:minimizePolicies sorts a statement's resources (dead-letter queue first).
      {
        actions: ['sqs:SendMessage'],
        resource: expect.stringMatching(
          /^\[\{"Fn::GetAtt":\["SyncJobsDeadLetterQueue[0-9A-F]+","Arn"\]\},\{"Fn::GetAtt":\["SyncJobsQueue[0-9A-F]+","Arn"\]\}\]$/,
        ),
      },
      // The API key's secret, never the webhook secret's.
      { actions: ['secretsmanager:GetSecretValue'], resource: expect.stringMatching(/^\{"Ref":"Secret[0-9A-F]+"\}$/) },
    ]);
  });

  it('is configured by context: Kombo region, concurrency, overlap, tombstone TTL, the brake', () => {
    const custom = synthTemplate({
      context: {
        komboApiUrl: 'us',
        workerMaxConcurrency: 3,
        cursorOverlapMinutes: 10,
        tombstoneTtlDays: 30,
        sweepBrakePercent: 35,
        sweepBrakeMinRecords: 50,
      },
    });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('runs sync jobs'),
      Environment: {
        Variables: Match.objectLike({
          KOMBO_API_URL: 'us',
          CURSOR_OVERLAP_SECONDS: '600',
          TOMBSTONE_TTL_DAYS: '30',
          SWEEP_BRAKE_PERCENT: '35',
          SWEEP_BRAKE_MIN_RECORDS: '50',
        }),
      },
    });
    expect(() => synthTemplate({ context: { sweepBrakeMinRecords: -1 } })).toThrow(/context sweepBrakeMinRecords/);
    custom.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 3 } });
    expect(() => synthTemplate({ context: { komboApiUrl: 'ftp://x' } })).toThrow(/context komboApiUrl/);
    expect(() => synthTemplate({ context: { workerTimeoutSeconds: 60 } })).toThrow(
      /context workerTimeoutSeconds: must be at least 150/,
    );
    expect(() => synthTemplate({ context: { cursorOverlapMinutes: 0 } })).toThrow(
      /context cursorOverlapMinutes: must be more than 0/,
    );
  });
});
