import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * Reading a dead-letter queue without consuming it. SQS has no "peek": a message is received (hidden for a
 * while) and then made visible again. On a FIFO queue a received message holds back the rest of its group, so
 * while a listing holds one message per group it sees only each group's first.
 */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly groupId: string | undefined;
  readonly sentAt: Date;
  /** Receives before this listing's own. */
  readonly receives: number;
  readonly attributes: Readonly<Record<string, string>>;
  readonly receiptHandle: string;
}

/** Long enough to list or redrive a batch; the messages come back by themselves should the CLI die. */
const HOLD_SECONDS = 60;

export class DeadLetterQueueReader {
  constructor(
    private readonly sqs: SQSClient,
    readonly queueUrl: string,
  ) {}

  /** Every message it can receive now, a batch at a time; each stays held until released, removed or timed out. */
  async *receiveAll(): AsyncGenerator<DeadLetter[]> {
    for (;;) {
      const { Messages } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: 10,
          // Short polling may answer empty while messages exist; one second asks every server.
          WaitTimeSeconds: 1,
          VisibilityTimeout: HOLD_SECONDS,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      if (!Messages || Messages.length === 0) return;
      yield Messages.map(deadLetterOf);
    }
  }

  /** Makes held messages visible again at once, untouched. */
  async release(letters: readonly DeadLetter[]): Promise<void> {
    for (let start = 0; start < letters.length; start += 10) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: letters
            .slice(start, start + 10)
            .map((letter, index) => ({ Id: String(index), ReceiptHandle: letter.receiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }

  async remove(letter: DeadLetter): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: letter.receiptHandle }));
  }
}

function deadLetterOf(message: Message): DeadLetter {
  const system = message.Attributes ?? {};
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (value.StringValue !== undefined) attributes[name] = value.StringValue;
  }
  return {
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    groupId: system.MessageGroupId,
    sentAt: new Date(Number(system.SentTimestamp ?? Date.now())),
    receives: Math.max(0, Number(system.ApproximateReceiveCount ?? 1) - 1),
    attributes,
    receiptHandle: message.ReceiptHandle ?? '',
  };
}
