import { errorMessage } from '../describe';
import { EnqueueError } from '../ports';
import type { QueuedJob } from '../sync/job';
import type { WebhookDependencies, WebhookResponse } from './responses';

/** Enqueues the jobs; on failure logs, counts and returns the 500 that makes Kombo retry. */
export async function enqueueOrFail(
  jobs: readonly QueuedJob[],
  deps: WebhookDependencies,
  context: Record<string, unknown>,
): Promise<WebhookResponse | undefined> {
  try {
    await deps.queue.send(jobs);
    return undefined;
  } catch (error) {
    deps.telemetry.error('enqueue failed; answering 500 so Kombo retries', {
      ...context,
      jobs: jobs.length,
      reason: errorMessage(error),
      failedJobs: error instanceof EnqueueError ? error.failedJobs : jobs.length,
    });
    deps.telemetry.count('EnqueueFailed');
    return { statusCode: 500, body: { error: 'could not enqueue sync jobs; please retry' } };
  }
}
