import { describe, expect, it } from 'vitest';
import type { QueueMessage } from '../../lambdas/core/ports';
import { processBatch } from '../../lambdas/core/sync/batch';
import { jobResource } from '../../lambdas/core/sync/job';
import type { JobResult, RunnableJob } from '../../lambdas/core/sync/outcomes';
import { RecordingTelemetry } from '../support/recording-telemetry';

const deadline = { remainingMs: () => 300_000 };
const delta = (integrationId: string, resource: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ v: 1, kind: 'delta', integrationId, resource, ...extra });
let sequence = 0;
const message = (body: string, groupId: string, sentAt = 1_000): QueueMessage => ({
  messageId: `m${++sequence}`,
  body,
  groupId,
  sentAt,
});

function harness(failFor: (job: RunnableJob) => boolean = () => false) {
  const runs: RunnableJob[] = [];
  const deadLettered: { message: QueueMessage; reason: string }[] = [];
  const telemetry = new RecordingTelemetry();
  const deps = {
    run: async (job: RunnableJob): Promise<JobResult> => {
      runs.push(job);
      if (failFor(job)) throw new Error('Kombo down');
      return { outcome: 'completed', walks: 1, pages: 1 };
    },
    deadLetter: async (m: QueueMessage, reason: string) => {
      deadLettered.push({ message: m, reason });
    },
    telemetry,
  };
  return {
    runs,
    deadLettered,
    telemetry,
    process: (messages: QueueMessage[]) => processBatch(messages, deadline, deps),
  };
}

describe('processBatch', () => {
  it('coalesces the messages of one group into one job requested at the latest send time', async () => {
    const { runs, process } = harness();
    const group = 'p1#hris/employees';
    const result = await process([
      message(delta('p1', 'hris/employees'), group, 1_000),
      message(delta('p1', 'hris/employees'), group, 3_000),
      message(delta('p1', 'hris/employees', { requestedAt: 2_000 }), group, 9_000),
    ]);
    expect(result.failedMessageIds).toEqual([]);
    expect(runs).toEqual([
      { job: { v: 1, kind: 'delta', integrationId: 'p1', resource: 'hris/employees' }, requestedAt: 3_000 },
    ]);
  });

  it('runs each group separately', async () => {
    const { runs, process } = harness();
    await process([
      message(delta('p1', 'hris/employees'), 'p1#hris/employees'),
      message(delta('p1', 'hris/absences'), 'p1#hris/absences'),
    ]);
    expect(runs.map((r) => jobResource(r.job)).sort()).toEqual(['hris/absences', 'hris/employees']);
  });

  it('fails every message of a group whose job fails, and no other, and counts the failed job', async () => {
    const { process, telemetry } = harness((job) => jobResource(job.job) === 'hris/absences');
    const failing = [
      message(delta('p1', 'hris/absences'), 'p1#hris/absences'),
      message(delta('p1', 'hris/absences'), 'p1#hris/absences'),
    ];
    const fine = message(delta('p1', 'hris/employees'), 'p1#hris/employees');
    const result = await process([failing[0]!, fine, failing[1]!]);
    expect(result.failedMessageIds.sort()).toEqual(failing.map((m) => m.messageId).sort());
    // Not only Kombo errors: whatever made the job fail (here a plain Error) reaches the JobsFailed alarm.
    expect(telemetry.counted('JobsFailed')).toBe(1);
  });

  it('moves an invalid message to the dead-letter queue with the reason, and runs the rest', async () => {
    const { runs, deadLettered, telemetry, process } = harness();
    const group = 'p1#hris/employees';
    const bad = [
      message('not json', group),
      message(JSON.stringify({ v: 2, kind: 'delta', integrationId: 'p1', resource: 'hris/employees' }), group),
      message(delta('p1', 'hris/nope'), group),
      message(delta('p2', 'hris/employees'), group),
    ];
    const good = message(delta('p1', 'hris/employees'), group);
    const result = await process([...bad, good]);
    expect(result.failedMessageIds).toEqual([]);
    expect(deadLettered.map((d) => d.reason)).toEqual([
      'body is not JSON',
      expect.stringMatching(/^not a sync job: v:/),
      expect.stringMatching(/^not a sync job: resource: resource is not in the catalogue/),
      "message group p1#hris/employees does not match the job's integration and resource",
    ]);
    expect(runs).toHaveLength(1);
    expect(telemetry.counted('JobsDeadLettered')).toBe(4);
  });

  it('retries an invalid message, and what follows it in its group, when the dead-letter queue is unreachable', async () => {
    const group = 'p1#hris/employees';
    const messages = [
      message(delta('p1', 'hris/employees'), group),
      message('garbage', group),
      message(delta('p1', 'hris/employees'), group),
    ];
    const result = await processBatch(messages, deadline, {
      run: async () => ({ outcome: 'completed', walks: 1, pages: 1 }),
      deadLetter: async () => {
        throw new Error('SQS down');
      },
      telemetry: new RecordingTelemetry(),
    });
    expect(result.failedMessageIds).toEqual(messages.map((m) => m.messageId));
  });
});
