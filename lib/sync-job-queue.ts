import { Duration, Validations } from 'aws-cdk-lib';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface SyncJobQueueProps {
  /** How long a received job stays invisible. Must be ≥ 6× the worker's timeout. @default 30 minutes */
  readonly visibilityTimeout?: Duration;
  /** Receives before a job moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** Overrides for the queue, applied over the secure defaults. */
  readonly queueProps?: Partial<QueueProps>;
}

/**
 * The sync-jobs FIFO queue: one message group per (integration, resource), high-throughput mode
 * (deduplication and throughput per group), SSE, TLS only, and a FIFO dead-letter queue.
 */
export class SyncJobQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SyncJobQueueProps = {}) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the sync-jobs queue; it needs none of its own.',
    });
    this.queue = new Queue(this, 'Queue', {
      fifo: true,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      contentBasedDeduplication: false,
      visibilityTimeout: props.visibilityTimeout ?? Duration.minutes(30),
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
      ...props.queueProps,
    });
  }
}
