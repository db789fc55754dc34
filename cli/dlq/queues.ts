import { SendMessageCommand } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { syncJobSchema } from '../../lambdas/core/sync/job';
import type { DeadLetter } from '../aws/dead-letters';
import { invokeFullSync } from '../aws/full-sync-function';
import type { Services } from '../services';

/**
 * The stack's three queues of given-up work, what a message in each means, and how it is redriven:
 * - `sync-jobs`: jobs the worker failed 5 times, or refused as invalid (attribute `reason`): back onto the
 *   sync-jobs queue, in their message group;
 * - `full-sync`: invocations of the full-sync function that failed after Lambda's retries (Lambda's invocation
 *   record): the request is invoked again, asynchronously, as the schedule invokes it;
 * - `schedule`: the weekly schedule's invocations EventBridge Scheduler could not make: likewise.
 */
export const QUEUE_KINDS = ['sync-jobs', 'full-sync', 'schedule'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

export interface DeadLetterQueue {
  readonly kind: QueueKind;
  readonly url: string;
  readonly what: string;
  describe(letter: DeadLetter): { what: string; why: string };
  redrive(letter: DeadLetter): Promise<void>;
}

const invocationRecordSchema = z.looseObject({
  requestPayload: z.unknown(),
  responsePayload: z.looseObject({ errorType: z.string().optional(), errorMessage: z.string().optional() }).nullish(),
});

/** The queues this target has (the local runtime has no scheduler; an older stack may lack an output). */
export async function deadLetterQueues(services: Services, only: QueueKind | undefined): Promise<DeadLetterQueue[]> {
  const { target } = services;
  const wanted = (kind: QueueKind) => only === undefined || only === kind;
  const queues: DeadLetterQueue[] = [];
  if (wanted('sync-jobs')) {
    const url = await target.resource('deadLetterQueueUrl');
    const jobsUrl = await target.resource('syncJobsQueueUrl');
    queues.push({
      kind: 'sync-jobs',
      url,
      what: "sync-jobs queue's dead-letter queue",
      describe: (letter) => ({
        what: describeJob(letter.body),
        why: letter.attributes.reason ?? `given up after ${letter.receives} receives`,
      }),
      redrive: async (letter) => {
        await target.clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: jobsUrl,
            MessageBody: letter.body,
            MessageGroupId: letter.groupId ?? 'redriven',
            // New, so that a message redriven twice within SQS's 5-minute window is not dropped as a repeat.
            MessageDeduplicationId: `redrive-${letter.messageId}-${Date.now()}`.slice(0, 128),
          }),
        );
      },
    });
  }
  for (const kind of ['full-sync', 'schedule'] as const) {
    if (!wanted(kind)) continue;
    const url = await target.optionalResource(
      kind === 'full-sync' ? 'fullSyncFailureQueueUrl' : 'scheduleDeadLetterQueueUrl',
    );
    if (url === undefined) continue;
    queues.push({
      kind,
      url,
      what: kind === 'full-sync' ? "full-sync function's failure queue" : "weekly schedule's dead-letter queue",
      describe: (letter) => (kind === 'full-sync' ? describeFailedInvocation(letter) : describeUndelivered(letter)),
      redrive: async (letter) => {
        const request =
          kind === 'full-sync'
            ? invocationRecordSchema.parse(JSON.parse(letter.body)).requestPayload
            : JSON.parse(letter.body);
        await invokeFullSync(target.clients.lambda, await target.resource('fullSyncFunction'), request, 'event');
      },
    });
  }
  return queues;
}

function describeJob(body: string): string {
  const job = syncJobSchema.safeParse(parseJson(body));
  if (!job.success) return 'invalid message';
  const { kind, integrationId } = job.data;
  return kind === 'delta' || kind === 'full'
    ? `${kind} ${integrationId} ${job.data.resource}`
    : `${kind} ${integrationId}`;
}

function describeFailedInvocation(letter: DeadLetter): { what: string; why: string } {
  const record = invocationRecordSchema.safeParse(parseJson(letter.body));
  if (!record.success) return { what: 'not a Lambda invocation record', why: '-' };
  const error = record.data.responsePayload;
  return {
    what: describeRequest(record.data.requestPayload),
    why: error ? `${error.errorType ?? 'Error'}: ${error.errorMessage ?? ''}`.trim() : 'failed after retries',
  };
}

function describeUndelivered(letter: DeadLetter): { what: string; why: string } {
  const { ERROR_CODE: code, ERROR_MESSAGE: message } = letter.attributes;
  return {
    what: describeRequest(parseJson(letter.body)),
    why: [code, message].filter(Boolean).join(': ') || 'undelivered',
  };
}

/** What the full-sync function was asked: the weekly run, an on-demand full sync, or a registration. */
function describeRequest(request: unknown): string {
  const fields = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
  if (fields.source === 'schedule') return `weekly run ${String(fields.scheduled_time ?? '')}`.trim();
  if (Array.isArray(fields.register)) return `register ${fields.register.length} integration(s)`;
  if (typeof fields.integration_id === 'string') return `full sync ${fields.integration_id}`;
  return 'unrecognised request';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
