import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Pipeline } from '../../local/pipeline';

/** Puts a delta job straight on the sync-jobs queue, as the webhook function would. */
export async function sendDeltaJob(
  pipeline: Pipeline,
  integrationId: string,
  resource: string,
  deduplicationId: string,
): Promise<void> {
  await pipeline.sqs.client.send(
    new SendMessageCommand({
      QueueUrl: pipeline.queueUrl,
      MessageBody: JSON.stringify({ v: 1, kind: 'delta', integrationId, resource }),
      MessageGroupId: `${integrationId}#${resource}`,
      MessageDeduplicationId: deduplicationId,
    }),
  );
}
