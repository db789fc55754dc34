import { describeIssues, errorMessage } from '../describe';
import type { DeadLetter, Deadline, QueueMessage, Telemetry } from '../ports';
import { jobGroupId, jobResource, type SyncJob, syncJobSchema } from './job';
import type { JobResult, RunnableJob } from './outcomes';

export interface BatchDependencies {
  readonly run: (job: RunnableJob, deadline: Deadline) => Promise<JobResult>;
  readonly deadLetter: DeadLetter;
  readonly telemetry: Telemetry;
}

interface Coalesced {
  readonly runnable: RunnableJob;
  readonly messageIds: string[];
}

/**
 * Runs a batch from the FIFO queue. The messages of one group are coalesced into as few jobs as
 * possible (a burst of webhooks for one resource becomes one walk). Groups run concurrently; within
 * a group, a failed job fails its messages and every later message of the group, as FIFO requires.
 */
export async function processBatch(
  messages: readonly QueueMessage[],
  deadline: Deadline,
  deps: BatchDependencies,
): Promise<{ failedMessageIds: string[] }> {
  const groups = new Map<string, QueueMessage[]>();
  for (const message of messages) {
    const group = groups.get(message.groupId) ?? [];
    group.push(message);
    groups.set(message.groupId, group);
  }
  const failed = await Promise.all([...groups.values()].map((group) => processGroup(group, deadline, deps)));
  return { failedMessageIds: failed.flat() };
}

async function processGroup(
  group: readonly QueueMessage[],
  deadline: Deadline,
  deps: BatchDependencies,
): Promise<string[]> {
  const jobs: Coalesced[] = [];
  for (let index = 0; index < group.length; index++) {
    const message = group[index] as QueueMessage;
    const parsed = parseJob(message);
    if (typeof parsed === 'string') {
      try {
        await deps.deadLetter(message, parsed);
        deps.telemetry.error('invalid job message moved to the dead-letter queue', {
          messageId: message.messageId,
          problem: parsed,
        });
        deps.telemetry.count('JobsDeadLettered');
      } catch (error) {
        deps.telemetry.error('could not dead-letter an invalid job message; it will be retried', {
          messageId: message.messageId,
          problem: parsed,
          reason: String(error),
        });
        return failFrom(group, index, jobs);
      }
      continue;
    }
    const requestedAt = parsed.requestedAt ?? message.sentAt;
    const last = jobs.at(-1);
    if (last && sameWork(last.runnable.job, parsed)) {
      jobs[jobs.length - 1] = {
        runnable: { job: last.runnable.job, requestedAt: Math.max(last.runnable.requestedAt, requestedAt) },
        messageIds: [...last.messageIds, message.messageId],
      };
    } else {
      jobs.push({ runnable: { job: parsed, requestedAt }, messageIds: [message.messageId] });
    }
  }

  for (let index = 0; index < jobs.length; index++) {
    const { runnable, messageIds } = jobs[index] as Coalesced;
    const result = await runCaught(deps, runnable, deadline);
    if (result.outcome === 'failed') {
      deps.telemetry.error('job failed; its messages and the later ones of its group will be retried', {
        ...describeJob(runnable.job),
        code: result.code,
        reason: result.reason,
      });
      // Counted here, whatever failed (Kombo, DynamoDB, SQS), so the JobsFailed alarm sees every failure.
      deps.telemetry.count('JobsFailed');
      return jobs.slice(index).flatMap((job) => job.messageIds);
    }
    deps.telemetry.info('job finished', { ...describeJob(runnable.job), messages: messageIds.length, ...result });
  }
  return [];
}

/** A job that throws (a store or queue outage, a bug) has failed like one that says so. */
async function runCaught(deps: BatchDependencies, runnable: RunnableJob, deadline: Deadline): Promise<JobResult> {
  try {
    return await deps.run(runnable, deadline);
  } catch (error) {
    return {
      outcome: 'failed',
      code: null,
      reason: error instanceof Error ? `${error.name}: ${errorMessage(error)}` : errorMessage(error),
    };
  }
}

/** Message `index` could not be handled: it, the later messages and the unrun jobs fail. */
function failFrom(group: readonly QueueMessage[], index: number, coalesced: readonly Coalesced[]): string[] {
  return [...coalesced.flatMap((job) => job.messageIds), ...group.slice(index).map((message) => message.messageId)];
}

/**
 * Jobs that one run satisfies together: same kind, same target, same run. A reconcile's run matters
 * too: the weekly one (`runId`) plans full walks that one after an event does not, so neither may
 * stand in for the other.
 */
function sameWork(a: SyncJob, b: SyncJob): boolean {
  return JSON.stringify(workIdentity(a)) === JSON.stringify(workIdentity(b));
}

function workIdentity(job: SyncJob) {
  return {
    ...describeJob(job),
    runId: job.kind === 'full' || job.kind === 'reconcile' ? (job.runId ?? null) : null,
    // `forceSweep: false` asks for what its absence does.
    forceSweep: job.kind === 'full' && job.forceSweep === true,
  };
}

function describeJob(job: SyncJob) {
  return { integrationId: job.integrationId, resource: jobResource(job), kind: job.kind };
}

function parseJob(message: QueueMessage): SyncJob | string {
  let json: unknown;
  try {
    json = JSON.parse(message.body);
  } catch {
    return 'body is not JSON';
  }
  const parsed = syncJobSchema.safeParse(json);
  if (!parsed.success) {
    return `not a sync job: ${describeIssues(parsed.error)}`;
  }
  if (jobGroupId(parsed.data) !== message.groupId) {
    return `message group ${message.groupId} does not match the job's integration and resource`;
  }
  return parsed.data;
}
