import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSqs, startLocalSqs } from '../../local/aws/sqs-server';
import { pollOnce } from '../../local/runtime/queue-poller';

/**
 * The local SQS (fauxqs behind local/runtime/sqs-fifo-delivery.ts) hands out FIFO messages as SQS
 * does: as many of one group as fit in a receive, in order; nothing of a group with a message in
 * flight; failed messages back in their place; receive counts that end in the dead-letter queue.
 * Each test uses a queue of its own.
 */
let sqs: LocalSqs;
beforeAll(async () => {
  sqs = await startLocalSqs();
});
afterAll(async () => sqs?.close());

let queues = 0;
const newQueue = (maxReceiveCount = 5) => sqs.createSyncJobsQueue(`fifo-delivery-${++queues}`, { maxReceiveCount });

/** Sends `count` messages to `group`, bodies `<group>-1`, `<group>-2`, … in that order. */
async function send(queueUrl: string, group: string, count: number): Promise<void> {
  for (let first = 1; first <= count; first += 10) {
    const bodies = Array.from({ length: Math.min(10, count - first + 1) }, (_, index) => `${group}-${first + index}`);
    await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.map((body, index) => ({
          Id: String(index),
          MessageBody: body,
          MessageGroupId: group,
          MessageDeduplicationId: body,
        })),
      }),
    );
  }
}

async function receive(queueUrl: string, options: { max?: number; visibilityTimeout?: number } = {}) {
  const response = await sqs.client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: options.max ?? 10,
      WaitTimeSeconds: 0,
      VisibilityTimeout: options.visibilityTimeout,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return response.Messages ?? [];
}

const bodies = (messages: readonly Message[]) => messages.map((message) => message.Body);
const receiveCounts = (messages: readonly Message[]) =>
  messages.map((message) => Number(message.Attributes?.ApproximateReceiveCount));
const remove = async (queueUrl: string, messages: readonly Message[]) => {
  for (const message of messages)
    await sqs.client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
};
const makeVisible = async (queueUrl: string, messages: readonly Message[]) => {
  for (const message of messages)
    await sqs.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: message.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
};
const range = (group: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => `${group}-${from + index}`);

describe('receiving from a FIFO queue', () => {
  it('hands out 10 of a group with 12 waiting, nothing more while they are in flight, then the last 2', async () => {
    const { queueUrl } = await newQueue();
    await send(queueUrl, 'a', 12);

    const first = await receive(queueUrl);
    expect(bodies(first)).toEqual(range('a', 1, 10));
    expect(await receive(queueUrl)).toEqual([]);
    await remove(queueUrl, first.slice(0, 9));
    // One message of the group is still in flight: the group stays locked.
    expect(await receive(queueUrl)).toEqual([]);
    await remove(queueUrl, first.slice(9));
    expect(bodies(await receive(queueUrl))).toEqual(range('a', 11, 12));
  });

  it('fills a receive from one group first, then the next, each in order; a locked group does not hold up another', async () => {
    const { queueUrl } = await newQueue();
    await send(queueUrl, 'a', 7);
    await send(queueUrl, 'b', 7);

    const first = await receive(queueUrl);
    expect(bodies(first)).toEqual([...range('a', 1, 7), ...range('b', 1, 3)]);
    // Both groups are in flight now.
    expect(await receive(queueUrl)).toEqual([]);
    await send(queueUrl, 'c', 2);
    // Group b waits for its 3 messages in flight; c is free.
    expect(bodies(await receive(queueUrl))).toEqual(range('c', 1, 2));
    await remove(queueUrl, first);
    expect(bodies(await receive(queueUrl))).toEqual(range('b', 4, 7));
  });

  it('puts failed messages back in order, ahead of the rest of their group, with their receive counts', async () => {
    const { queueUrl } = await newQueue();
    await send(queueUrl, 'a', 8);

    const first = await receive(queueUrl, { max: 5 });
    await remove(queueUrl, first.slice(0, 2));
    // The first failed message is returned first: fauxqs alone would put a-5 ahead of a-3.
    await makeVisible(queueUrl, first.slice(2));
    const second = await receive(queueUrl);
    expect(bodies(second)).toEqual(range('a', 3, 8));
    expect(receiveCounts(second)).toEqual([2, 2, 2, 1, 1, 1]);
  });

  it('puts messages whose visibility timed out back in order', async () => {
    const { queueUrl } = await newQueue();
    await send(queueUrl, 'a', 4);

    // Visibility 0: they time out at once, so the next receive finds them returned.
    expect(bodies(await receive(queueUrl, { visibilityTimeout: 0 }))).toEqual(range('a', 1, 4));
    const again = await receive(queueUrl);
    expect(bodies(again)).toEqual(range('a', 1, 4));
    expect(receiveCounts(again)).toEqual([2, 2, 2, 2]);
  });

  it('moves messages received maxReceiveCount times to the dead-letter queue, in order, on the next receive', async () => {
    const { queueUrl, deadLetterQueueUrl } = await newQueue(2);
    await send(queueUrl, 'a', 3);

    for (const expectedCount of [1, 2]) {
      const batch = await receive(queueUrl);
      expect(receiveCounts(batch)).toEqual([expectedCount, expectedCount, expectedCount]);
      await makeVisible(queueUrl, batch);
    }
    expect(await receive(queueUrl)).toEqual([]);
    expect(bodies(await receive(deadLetterQueueUrl))).toEqual(range('a', 1, 3));
  });

  it('still drops a duplicate sent within the deduplication window', async () => {
    const { queueUrl } = await newQueue();
    await send(queueUrl, 'a', 2);
    await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: 'a-1',
        MessageGroupId: 'a',
        MessageDeduplicationId: 'a-1',
      }),
    );
    expect(bodies(await receive(queueUrl))).toEqual(range('a', 1, 2));
  });
});

describe('the local event source (pollOnce)', () => {
  it('invokes the worker with batches of a group, and redelivers a failed message with the later ones in order', async () => {
    const { queueUrl } = await newQueue();
    await send(queueUrl, 'a', 12);
    const events: SQSEvent[] = [];
    let failFrom: string | undefined = 'a-4';
    const handler = async (event: SQSEvent) => {
      events.push(event);
      const index = event.Records.findIndex((record) => record.body === failFrom);
      failFrom = undefined;
      // As the worker does for FIFO: a failed message fails every later one of its group.
      const failed = index < 0 ? [] : event.Records.slice(index);
      return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
    };

    const reports = [];
    for (let report = await pollOnce({ sqs: sqs.client, queueUrl, handler }); report; ) {
      reports.push(report);
      report = await pollOnce({ sqs: sqs.client, queueUrl, handler });
    }
    expect(events.map((event) => event.Records.map((record) => record.body))).toEqual([
      range('a', 1, 10),
      range('a', 4, 12),
    ]);
    expect(events[1]?.Records.map((record) => record.attributes.ApproximateReceiveCount)).toEqual([
      ...Array(7).fill('2'),
      '1',
      '1',
    ]);
    expect(reports).toEqual([
      { messages: 10, failed: 7, crashed: false },
      { messages: 9, failed: 0, crashed: false },
    ]);
  });
});
