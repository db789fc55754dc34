import { randomUUID } from 'node:crypto';
import type { BuildAppOptions } from 'fauxqs';

/**
 * fauxqs's stores, with FIFO queues that hand out messages as SQS does.
 *
 * fauxqs 1.9.2 gives at most one message per message group per ReceiveMessage: its `dequeueFifo`
 * (node_modules/fauxqs/dist/sqs/sqsStore.js, the `break` after locking the group, lines 269-271) leaves
 * a group after its first message, and the lock then hides the group from every later receive until
 * that message is deleted or visible again. So repeated receives cannot build a batch either. SQS
 * returns as many messages of one group as it can (up to 10, in order) before it moves to the next
 * group, and a group with a message in flight delivers nothing. Lambda's event source therefore hands
 * the worker bursts of one group together, which the worker coalesces (lambdas/core/sync/batch.ts).
 *
 * This replaces only the choice of messages (`dequeue`) of FIFO queues. Everything else stays
 * fauxqs's own: visibility timeouts, the group lock (counted per message in flight), receive counts
 * and the move to the dead-letter queue after `maxReceiveCount`, deduplication on send. One repair
 * follows from several messages of a group being in flight: fauxqs puts a message that becomes
 * visible again (visibility 0 or expiry) at the front of its group, one at a time, which reverses a
 * failed run of messages; the group is put back in sequence-number order, where SQS keeps it.
 */
type FauxqsStores = NonNullable<BuildAppOptions['stores']>;
type SqsStore = FauxqsStores['sqsStore'];
type SqsQueue = ReturnType<SqsStore['createQueue']>;
type ReceivedMessage = ReturnType<SqsQueue['dequeue']>[number];
type DeadLetterResolver = Parameters<SqsQueue['dequeue']>[2];

/** SQS's limit for MaxNumberOfMessages. */
const MAX_BATCH = 10;

export async function fauxqsStores(): Promise<FauxqsStores> {
  // The package exports only its app; the store classes are reached next to it (same module instances).
  const app = import.meta.resolve('fauxqs');
  const load = async <T>(file: string) => (await import(new URL(file, app).href)) as T;
  const [{ SqsStore }, { SnsStore }, { S3Store }] = await Promise.all([
    load<{ SqsStore: new () => SqsStore }>('./sqs/sqsStore.js'),
    load<{ SnsStore: new () => FauxqsStores['snsStore'] }>('./sns/snsStore.js'),
    load<{ S3Store: new () => FauxqsStores['s3Store'] }>('./s3/s3Store.js'),
  ]);
  const sqsStore = new SqsStore();
  const createQueue = sqsStore.createQueue.bind(sqsStore);
  sqsStore.createQueue = (...args) => {
    const queue = createQueue(...args);
    if (queue.isFifo()) deliverLikeSqs(queue);
    return queue;
  };
  return { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() };
}

/** Makes one fauxqs FIFO queue deliver as SQS does (see above). */
function deliverLikeSqs(queue: SqsQueue): void {
  const processTimers = queue.processTimers.bind(queue);
  queue.processTimers = () => {
    const inFlight = new Map([...queue.inflightMessages].map(([handle, entry]) => [handle, groupOf(entry.message)]));
    processTimers();
    const returned = [...inFlight].filter(([handle]) => !queue.inflightMessages.has(handle));
    for (const group of new Set(returned.map(([, group]) => group))) restoreOrder(queue, group);
  };
  const changeVisibility = queue.changeVisibility.bind(queue);
  queue.changeVisibility = (receiptHandle, timeoutSeconds) => {
    const entry = queue.inflightMessages.get(receiptHandle);
    changeVisibility(receiptHandle, timeoutSeconds);
    if (entry && !queue.inflightMessages.has(receiptHandle)) restoreOrder(queue, groupOf(entry.message));
  };
  queue.dequeue = (maxCount, visibilityTimeoutOverride, deadLetterQueueOf) =>
    receive(queue, Math.min(maxCount, MAX_BATCH), visibilityTimeoutOverride, deadLetterQueueOf);
}

function receive(
  queue: SqsQueue,
  count: number,
  visibilityTimeoutOverride: number | undefined,
  deadLetterQueueOf: DeadLetterResolver,
): ReceivedMessage[] {
  queue.processTimers();
  // fauxqs gives every queue a VisibilityTimeout attribute (its defaults), as SQS does.
  const visibilityMs = (visibilityTimeoutOverride ?? Number(queue.attributes.VisibilityTimeout)) * 1000;
  const redrive = redrivePolicy(queue.attributes.RedrivePolicy);
  const received: ReceivedMessage[] = [];
  for (const [group, waiting] of queue.fifoMessages) {
    if (received.length >= count) break;
    if (queue.fifoLockedGroups.has(group)) continue;
    while (received.length < count && waiting.length > 0) {
      const message = waiting.shift();
      if (!message) break;
      message.approximateReceiveCount++;
      message.approximateFirstReceiveTimestamp ??= Date.now();
      const deadLetterQueue =
        redrive && message.approximateReceiveCount > redrive.maxReceiveCount
          ? deadLetterQueueOf?.(redrive.deadLetterTargetArn)
          : undefined;
      if (deadLetterQueue) {
        deadLetterQueue.enqueue(message);
        continue;
      }
      const receiptHandle = randomUUID();
      queue.inflightMessages.set(receiptHandle, {
        message,
        receiptHandle,
        visibilityDeadline: Date.now() + visibilityMs,
      });
      queue.fifoLockedGroups.set(group, (queue.fifoLockedGroups.get(group) ?? 0) + 1);
      received.push({
        MessageId: message.messageId,
        ReceiptHandle: receiptHandle,
        MD5OfBody: message.md5OfBody,
        Body: message.body,
        ...(message.md5OfMessageAttributes ? { MD5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
        ...(Object.keys(message.messageAttributes).length > 0 ? { MessageAttributes: message.messageAttributes } : {}),
      });
    }
    if (waiting.length === 0) queue.fifoMessages.delete(group);
  }
  return received;
}

/** fauxqs files a FIFO message without a group under this name. */
function groupOf(message: { messageGroupId?: string }): string {
  return message.messageGroupId ?? '__default';
}

function restoreOrder(queue: SqsQueue, group: string): void {
  // Sequence numbers are zero-padded to one width, so they sort as strings.
  queue.fifoMessages.get(group)?.sort((a, b) => (a.sequenceNumber ?? '').localeCompare(b.sequenceNumber ?? ''));
}

function redrivePolicy(text: string | undefined): { maxReceiveCount: number; deadLetterTargetArn: string } | undefined {
  if (!text) return undefined;
  try {
    const policy = JSON.parse(text) as { maxReceiveCount?: unknown; deadLetterTargetArn?: unknown };
    // SQS takes the count as a number or a numeric string.
    const maxReceiveCount = Number(policy.maxReceiveCount);
    return Number.isFinite(maxReceiveCount) && typeof policy.deadLetterTargetArn === 'string'
      ? { maxReceiveCount, deadLetterTargetArn: policy.deadLetterTargetArn }
      : undefined;
  } catch {
    return undefined;
  }
}
