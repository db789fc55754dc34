import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, type TablePropsV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from '../lambdas/core/table-keys';

export interface MirrorTablesProps {
  /** What happens to the records and state tables when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Overrides for the records table, applied over the defaults. */
  readonly recordsTableProps?: Partial<TablePropsV2>;
}

/**
 * The mirror: the records table (one item per Kombo record, see README "Data model") with a stream
 * of new and old images for consumers, and the state table (cursors, checkpoints, integrations).
 * Both on demand, with point-in-time recovery and TTL on `expires_at`.
 */
export class MirrorTables extends Construct {
  readonly records: TableV2;
  readonly state: TableV2;

  constructor(scope: Construct, id: string, props: MirrorTablesProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const common = {
      partitionKey: { name: PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy,
    };
    this.records = new TableV2(this, 'Records', {
      ...common,
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      ...props.recordsTableProps,
    });
    this.state = new TableV2(this, 'State', common);
  }
}
