import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { backoffMs, sleep } from '../../core/backoff';
import { EnqueueError, type JobQueue } from '../../core/ports';
import { runPool } from '../../core/sync/concurrency';
import type { QueuedJob } from '../../core/sync/job';

const MAX_BATCH_ENTRIES = 10;
const CONCURRENT_BATCHES = 4;

export interface SqsJobQueueOptions {
  /** Attempts per batch for entries SQS reports as failed (partial batch failure). */
  readonly maxAttempts?: number;
  readonly retryDelayMs?: number;
}

export class SqsJobQueue implements JobQueue {
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    options: SqsJobQueueOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 50;
  }

  /**
   * Batches go out a few at a time (a weekly plan may hold thousands of jobs). That is safe for
   * FIFO order because no caller puts two jobs of one message group into one call.
   */
  async send(jobs: readonly QueuedJob[]): Promise<void> {
    const batches: QueuedJob[][] = [];
    for (let start = 0; start < jobs.length; start += MAX_BATCH_ENTRIES)
      batches.push(jobs.slice(start, start + MAX_BATCH_ENTRIES));
    // Every batch already sent settles before a failure is reported (none is left in flight).
    const outcome = await runPool(batches, CONCURRENT_BATCHES, async (batch) => {
      await this.sendBatch(batch);
      return 'next';
    });
    if (outcome.status === 'failed') throw outcome.error;
  }

  private async sendBatch(batch: readonly QueuedJob[]): Promise<void> {
    let pending = batch.map((queued, index) => ({ entryId: String(index), queued }));
    let lastFailure = '';
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await sleep(backoffMs(attempt - 1, { baseMs: this.retryDelayMs, maxMs: 5_000 }));
      const response = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: pending.map(({ entryId, queued }) => ({
            Id: entryId,
            MessageBody: messageBody(queued.job),
            MessageGroupId: queued.groupId,
            MessageDeduplicationId: queued.deduplicationId,
          })),
        }),
      );
      const failed = response.Failed ?? [];
      const permanent = failed.filter((entry) => entry.SenderFault);
      if (permanent.length > 0) {
        const first = permanent[0];
        throw new EnqueueError(
          `SQS refused ${permanent.length} job(s): ${first?.Code ?? 'unknown'} ${first?.Message ?? ''}`.trim(),
          permanent.length,
        );
      }
      const failedIds = new Set(failed.map((entry) => entry.Id));
      lastFailure = failed.map((entry) => entry.Code).join(',');
      pending = pending.filter(({ entryId }) => failedIds.has(entryId));
    }
    if (pending.length > 0) {
      throw new EnqueueError(
        `${pending.length} job(s) not enqueued after ${this.maxAttempts} attempts (${lastFailure})`,
        pending.length,
      );
    }
  }
}

/**
 * The job as JSON that SQS takes. SQS refuses U+FFFE and U+FFFF in a message, which JSON.stringify
 * leaves as they are (it escapes control characters and lone surrogates, the other ones SQS refuses);
 * escaped, JSON.parse gives them back. An integration id from a webhook may hold anything.
 */
export function messageBody(job: unknown): string {
  return JSON.stringify(job).replace(/[\uFFFE\uFFFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}
