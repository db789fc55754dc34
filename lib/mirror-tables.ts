import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type CfnGlobalTable,
  StreamViewType,
  type TablePropsV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../lambdas/core/table-keys';

/** How the tables (and the records table's stream) are encrypted at rest. */
export type MirrorTablesEncryption =
  /** DynamoDB's default: a key AWS owns and manages, free, invisible in the account. */
  | { readonly kind: 'aws-owned' }
  /**
   * A customer-managed KMS key: its key policy decides who can read the mirror, and CloudTrail logs each use. The
   * given key, or one the stack creates (rotated yearly, about 1 USD a month, kept as long as the tables are).
   */
  | { readonly kind: 'customer-managed'; readonly keyArn?: string };

export interface MirrorTablesProps {
  /** What happens to the records and state tables when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Refuse DeleteTable on both tables, whoever asks (the records table holds HR personal data). @default true */
  readonly deletionProtection?: boolean;
  /** @default { kind: 'aws-owned' } */
  readonly encryption?: MirrorTablesEncryption;
  /**
   * Overrides for the records table, applied over the defaults (no replicas with a customer-managed key).
   * @default none
   */
  readonly recordsTableProps?: Partial<TablePropsV2>;
}

/**
 * The mirror: the records table (one item per Kombo record, see README "Data model") with a stream
 * of new and old images for consumers, and the state table (cursors, checkpoints, integrations).
 * Both on demand, with point-in-time recovery, TTL on `expires_at` and deletion protection; optionally both under
 * one customer-managed key.
 */
export class MirrorTables extends Construct {
  readonly records: TableV2;
  readonly state: TableV2;
  /** The customer-managed key of both tables and the stream, if any: stream consumers need kms:Decrypt on it. */
  readonly encryptionKey: IKey | undefined;

  constructor(scope: Construct, id: string, props: MirrorTablesProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey = tableKey(this, props.encryption ?? { kind: 'aws-owned' }, removalPolicy);
    const common = {
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
    };
    this.records = new TableV2(this, 'Records', {
      ...common,
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      ...props.recordsTableProps,
    });
    this.state = new TableV2(this, 'State', common);
    if (this.encryptionKey) {
      if (props.recordsTableProps?.replicas?.length)
        throw new Error('a customer-managed table key is written for the stack region only: no replicas with it');
      for (const table of [this.records, this.state]) encryptWithKey(table, this.encryptionKey);
    }
  }
}

/**
 * TableV2 renders a customer-managed key only in a stack with a concrete region (its replicas name their keys by
 * region), and this stack is region-agnostic (synthesized offline, deployed anywhere). Its one replica is the
 * stack's region, so the key is written into the template directly: what TableEncryptionV2.customerManagedKey
 * renders for a table without replicas.
 */
function encryptWithKey(table: TableV2, key: IKey): void {
  const resource = table.node.defaultChild as CfnGlobalTable;
  resource.addPropertyOverride('SSESpecification', { SSEEnabled: true, SSEType: 'KMS' });
  resource.addPropertyOverride('Replicas.0.SSESpecification', { KMSMasterKeyId: key.keyArn });
}

function tableKey(scope: Construct, encryption: MirrorTablesEncryption, removalPolicy: RemovalPolicy) {
  if (encryption.kind === 'aws-owned') return undefined;
  if (encryption.keyArn) return Key.fromKeyArn(scope, 'ExistingTableKey', encryption.keyArn);
  return new Key(scope, 'TableKey', {
    description: 'kombo-sync: encrypts the records and state tables and the records stream',
    enableKeyRotation: true,
    // A key deleted while the tables it encrypts are kept would leave them unreadable.
    removalPolicy,
  });
}

// What DynamoDB does with a table's key on the caller's behalf when it reads or writes items (as aws-cdk's
// grantReadWriteData grants it): every function that touches a table writes to it.
const TABLE_KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/**
 * Lets a function use the tables' customer-managed key, if they have one, only through DynamoDB. The functions
 * grant themselves exact table actions (never grantReadWriteData, which adds Scan, DeleteItem and more), so the
 * key's share of what grantReadWriteData would give is added here.
 */
export function allowTableKeyUse(fn: IFunction, key: IKey | undefined): void {
  if (!key) return;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: TABLE_KEY_ACTIONS,
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(fn).region}.amazonaws.com` } },
    }),
  );
  if (!fn.role) return;
  const reason =
    "The actions DynamoDB performs with the tables' key on the function's behalf, as aws-cdk grants them for a " +
    'customer-managed table key; usable on this one key and only through DynamoDB (kms:ViaService).';
  Validations.of(fn.role).acknowledge(
    { id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason },
    { id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason },
  );
}
