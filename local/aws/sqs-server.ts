import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { fauxqsStores } from '../runtime/sqs-fifo-delivery';

/** A real SQS-protocol server (fauxqs) in this process, for tests and local runs; loopback unless told otherwise. */
export interface LocalSqs {
  readonly endpoint: string;
  readonly client: SQSClient;
  /** Creates the sync-jobs FIFO queue with the deployed queue's attributes, and its dead-letter queue. */
  createSyncJobsQueue(
    name: string,
    options?: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number },
  ): Promise<SyncJobsQueueUrls>;
  /** Creates a standard queue (e.g. a function's on-failure destination); returns its URL. */
  createQueue(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface SyncJobsQueueUrls {
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
export const LOCAL_REGION = 'us-east-1';

export interface LocalSqsOptions {
  /** 0 or absent picks a free port. */
  readonly port?: number;
  /** The address to listen on. @default 127.0.0.1 */
  readonly host?: string;
}

export async function startLocalSqs(options: LocalSqsOptions = {}): Promise<LocalSqs> {
  // buildApp, not startFauxqs: the latter always listens on 0.0.0.0. Its FIFO queues hand out
  // batches as SQS does (several messages of a group per receive; see sqs-fifo-delivery.ts).
  const app = buildApp({ logger: false, stores: await fauxqsStores() });
  const endpoint = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const client = new SQSClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    // fauxqs's queue URLs name the host sqs.<region>.localhost; the explicit endpoint must win.
    useQueueUrlAsEndpoint: false,
  });
  return {
    endpoint,
    client,
    async createSyncJobsQueue(name, options = {}) {
      const dlq = await client.send(
        new CreateQueueCommand({
          QueueName: `${name}-dlq.fifo`,
          Attributes: { FifoQueue: 'true', MessageRetentionPeriod: String(14 * 24 * 3600) },
        }),
      );
      const dlqUrl = required(dlq.QueueUrl, 'dead-letter queue URL');
      const queue = await client.send(
        new CreateQueueCommand({
          QueueName: `${name}.fifo`,
          Attributes: {
            FifoQueue: 'true',
            DeduplicationScope: 'messageGroup',
            FifoThroughputLimit: 'perMessageGroupId',
            VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 1800),
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: `arn:aws:sqs:${LOCAL_REGION}:000000000000:${name}-dlq.fifo`,
              maxReceiveCount: options.maxReceiveCount ?? 5,
            }),
          },
        }),
      );
      return { queueUrl: required(queue.QueueUrl, 'queue URL'), deadLetterQueueUrl: dlqUrl };
    },
    async createQueue(name) {
      const queue = await client.send(new CreateQueueCommand({ QueueName: name }));
      return required(queue.QueueUrl, 'queue URL');
    },
    async close() {
      client.destroy();
      await app.close();
    },
  };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`fauxqs returned no ${what}`);
  return value;
}
