import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthApp, synthTemplate } from '../support/synth';

/** The records table holds HR personal data verbatim: deletion protection by default, and an optional table key. */
const ROLES = ['IngressWebhookFunctionRole', 'WorkerWorkerFunctionRole', 'FullSyncFullSyncFunctionRole'];
const EXISTING_KEY = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const TABLE_KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'];

const tablesOf = (template: Template) => Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));

/** The statements of one function's role that use a KMS key through DynamoDB. */
function tableKeyStatements(template: Template, role: string) {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Record<string, unknown>[])
    .filter((statement) => JSON.stringify(statement.Condition ?? {}).includes('"dynamodb."'));
}

describe('deletion protection', () => {
  it('is on for both tables by default', () => {
    const tables = tablesOf(synthTemplate());
    expect(tables).toHaveLength(2);
    for (const table of tables) expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
  });

  it('can be turned off for dev stacks, and must be when the tables go with the stack', () => {
    for (const table of tablesOf(synthTemplate({ context: { deletionProtection: 'false' } })))
      expect(table.Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
    // The stack's deletion would fail on a protected table: say so at synth instead.
    for (const context of [{ retainTables: 'false' }, { retainTables: false, deletionProtection: true }])
      expect(() => synthApp({ context })).toThrow(
        /context retainTables: false deletes the tables with the stack, which deletion protection .* add deletionProtection=false/,
      );
    expect(() => synthApp({ context: { deletionProtection: 'no' } })).toThrow(
      /context deletionProtection: must be true or false/,
    );
  });
});

describe('table encryption', () => {
  let owned: Template;
  beforeAll(() => {
    owned = synthTemplate();
  });

  it("uses DynamoDB's AWS owned key by default: no key of the stack's, no key grants", () => {
    for (const table of tablesOf(owned)) expect(table.Properties.SSESpecification).toBeUndefined();
    for (const role of ROLES) expect(tableKeyStatements(owned, role)).toEqual([]);
    expect(owned.findOutputs('TableKeyArn')).toEqual({});
  });

  describe('tableEncryption=customer-managed', () => {
    let template: Template;
    let keyId: string;
    beforeAll(() => {
      template = synthTemplate({ context: { tableEncryption: 'customer-managed' } });
      const keys = Object.entries(template.findResources('AWS::KMS::Key')).filter(([id]) => id.startsWith('Mirror'));
      expect(keys).toHaveLength(1);
      keyId = keys[0]?.[0] ?? '';
    });

    it('creates one rotated key, kept like the tables (a deleted key would leave kept tables unreadable)', () => {
      const key = template.toJSON().Resources[keyId];
      expect(key.Properties.EnableKeyRotation).toBe(true);
      expect(key.DeletionPolicy).toBe('Retain');
      const dev = synthTemplate({
        context: { tableEncryption: 'customer-managed', retainTables: 'false', deletionProtection: 'false' },
      });
      const [devKey] = Object.entries(dev.findResources('AWS::KMS::Key')).filter(([id]) => id.startsWith('Mirror'));
      expect(devKey?.[1].DeletionPolicy).toBe('Delete');
    });

    it('encrypts both tables (and with them the stream) with it, changing nothing else of their replicas', () => {
      const before = tablesOf(owned);
      tablesOf(template).forEach((table, index) => {
        expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
        const [replica] = table.Properties.Replicas;
        expect(replica.SSESpecification).toEqual({ KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
        const { SSESpecification: _, ...rest } = replica;
        expect(rest).toEqual(before[index]?.Properties.Replicas[0]);
      });
    });

    it('lets each function use the key only through DynamoDB, as grantReadWriteData would', () => {
      for (const role of ROLES) {
        const statements = tableKeyStatements(template, role);
        expect(statements, role).toHaveLength(1);
        expect(statements[0]).toEqual({
          Effect: 'Allow',
          Action: TABLE_KEY_ACTIONS,
          Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
          Condition: {
            StringEquals: {
              'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
            },
          },
        });
      }
    });

    it('outputs the key for stream consumers, who need kms:Decrypt on it', () => {
      expect(template.findOutputs('TableKeyArn').TableKeyArn?.Value).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    });
  });

  describe('tableKeyArn (an existing key)', () => {
    it('encrypts both tables with it and grants it, creating no key', () => {
      const template = synthTemplate({ context: { tableKeyArn: EXISTING_KEY } });
      expect(Object.keys(template.findResources('AWS::KMS::Key')).filter((id) => id.startsWith('Mirror'))).toEqual([]);
      for (const table of tablesOf(template))
        expect(table.Properties.Replicas[0].SSESpecification).toEqual({ KMSMasterKeyId: EXISTING_KEY });
      for (const role of ROLES) expect(tableKeyStatements(template, role)[0]?.Resource).toBe(EXISTING_KEY);
      expect(template.findOutputs('TableKeyArn').TableKeyArn?.Value).toBe(EXISTING_KEY);
    });

    it('refuses a key with AWS owned encryption, and values that are not what they should be', () => {
      expect(() => synthApp({ context: { tableKeyArn: EXISTING_KEY, tableEncryption: 'aws-owned' } })).toThrow(
        /context tableKeyArn: only applies with tableEncryption=customer-managed/,
      );
      expect(() => synthApp({ context: { tableKeyArn: 'alias/mirror' } })).toThrow(
        /context tableKeyArn: must be a KMS/,
      );
      expect(() => synthApp({ context: { tableEncryption: 'kms' } })).toThrow(
        /context tableEncryption: must be aws-owned or customer-managed/,
      );
    });
  });
});
