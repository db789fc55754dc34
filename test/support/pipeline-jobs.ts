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

/** Sends a signed Kombo webhook to the pipeline's endpoint; it must be answered 200. Returns the answer. */
export async function sendWebhook(
  pipeline: Pipeline,
  type: string,
  data: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const { status, body } = await pipeline.kombo.sendWebhook({
    url: pipeline.webhook.url,
    secret: pipeline.webhookSecret,
    type,
    data,
  });
  if (status !== 200) throw new Error(`webhook ${type} answered ${status}: ${body}`);
  return JSON.parse(body) as Record<string, unknown>;
}
