import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueMessage } from '../../core/ports';

/**
 * Moves a message straight to the FIFO dead-letter queue with the reason attached, instead of
 * letting an unprocessable message block its group through five redeliveries.
 */
export function sqsDeadLetter(sqs: SQSClient, deadLetterQueueUrl: string) {
  return async (message: QueueMessage, reason: string): Promise<void> => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MessageBody: message.body,
        MessageGroupId: message.groupId,
        MessageDeduplicationId: message.messageId,
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: reason.slice(0, 1000) },
          originalMessageId: { DataType: 'String', StringValue: message.messageId },
        },
      }),
    );
  };
}
