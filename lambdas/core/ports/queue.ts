import type { QueuedJob } from '../sync/job';

/** Where jobs go: the sync-jobs queue. */
export interface JobQueue {
  /** Resolves only when every job was accepted by the queue; otherwise throws. */
  send(jobs: readonly QueuedJob[]): Promise<void>;
}

/** The queue did not take every job: how many it refused. */
export class EnqueueError extends Error {
  constructor(
    message: string,
    readonly failedJobs: number,
  ) {
    super(message);
    this.name = 'EnqueueError';
  }
}

/** Moves a message that can never be processed to the dead-letter queue, with the reason. */
export type DeadLetter = (message: QueueMessage, reason: string) => Promise<void>;

/** One message of a queue batch, as the worker sees it (no SQS types). */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly groupId: string;
  /** Epoch ms when the queue accepted the message. */
  readonly sentAt: number;
}
