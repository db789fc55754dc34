import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * What Lambda's SQS event source does, for local runs and tests: receive a batch, invoke the worker
 * with it, delete what succeeded, and make what failed visible again (redelivery). The batch is the
 * one SQS would hand out (up to 10, several of one FIFO group in order) when the queue is the local one
 * (local/aws/sqs-server.ts; fauxqs alone gives one message per group, see sqs-fifo-delivery.ts).
 */
export type WorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface PollOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn?: string;
  readonly handler: WorkerHandler;
  /** Simulated Lambda timeout per invocation. @default 300 s */
  readonly timeBudgetMs?: number;
  /** Called before each invocation; a test may throw from the handler to simulate a crash. */
  readonly onInvoke?: (event: SQSEvent) => void;
}

export interface InvocationReport {
  readonly messages: number;
  readonly failed: number;
  /** The handler threw: the whole batch is returned to the queue. */
  readonly crashed: boolean;
}

/** Invokes the worker once with whatever the queue hands out now; undefined when it is empty. */
export async function pollOnce(options: PollOptions): Promise<InvocationReport | undefined> {
  const { sqs, queueUrl } = options;
  const received = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  const messages = received.Messages ?? [];
  if (messages.length === 0) return undefined;

  const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options.queueArn ?? queueUrl)) };
  const deadline = Date.now() + (options.timeBudgetMs ?? 300_000);
  const context = {
    functionName: 'worker',
    awsRequestId: `local-${Date.now()}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  } as Context;

  let failedIds: Set<string>;
  let crashed = false;
  try {
    options.onInvoke?.(event);
    const response = await options.handler(event, context);
    failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  } catch (error) {
    console.error('worker invocation failed; the whole batch returns to the queue:', error);
    crashed = true;
    failedIds = new Set(messages.map((message) => message.MessageId ?? ''));
  }
  for (const message of messages) {
    if (failedIds.has(message.MessageId ?? '')) {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
    } else {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return { messages: messages.length, failed: failedIds.size, crashed };
}

/** Polls until the queue is empty or `maxInvocations` is reached; returns every invocation. */
export async function pollUntilEmpty(options: PollOptions & { maxInvocations?: number }): Promise<InvocationReport[]> {
  const reports: InvocationReport[] = [];
  const limit = options.maxInvocations ?? 200;
  while (reports.length < limit) {
    const report = await pollOnce(options);
    if (!report) return reports;
    reports.push(report);
  }
  throw new Error(`queue not empty after ${limit} worker invocations`);
}

function toRecord(message: Message, eventSourceARN: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      MessageGroupId: attributes.MessageGroupId,
      MessageDeduplicationId: attributes.MessageDeduplicationId,
      SequenceNumber: attributes.SequenceNumber,
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion: 'us-east-1',
  };
}
