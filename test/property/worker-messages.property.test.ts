import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QueueMessage } from '../../lambdas/core/ports';
import { processBatch } from '../../lambdas/core/sync/batch';
import { jobGroupId, type SyncJob } from '../../lambdas/core/sync/job';
import type { JobResult, RunnableJob } from '../../lambdas/core/sync/outcomes';
import { RecordingTelemetry } from '../support/recording-telemetry';

/**
 * processBatch over batches that mix valid jobs with malformed messages. The expected outcome comes
 * from a small model of the FIFO rules (below), not from the code under test. On a failure fast-check
 * prints the counterexample and `{ seed, path }`: pass both to that fc.assert to replay it.
 */

const INTEGRATIONS = ['personio:p1', 'greenhouse:g1'];
const RESOURCES = ['hris/employees', 'hris/absences', 'ats/jobs'];

const validJob: fc.Arbitrary<SyncJob> = fc.oneof(
  fc.record(
    {
      v: fc.constant(1 as const),
      kind: fc.constant('delta' as const),
      integrationId: fc.constantFrom(...INTEGRATIONS),
      resource: fc.constantFrom(...RESOURCES),
      cause: fc.record({ eventId: fc.string({ minLength: 1, maxLength: 8 }) }),
      requestedAt: fc.integer({ min: 1, max: 2_000_000 }),
    },
    { requiredKeys: ['v', 'kind', 'integrationId', 'resource'] },
  ),
  fc.record(
    {
      v: fc.constant(1 as const),
      kind: fc.constant('full' as const),
      integrationId: fc.constantFrom(...INTEGRATIONS),
      resource: fc.constantFrom(...RESOURCES),
      runId: fc.constantFrom('run-1', 'run-2'),
      forceSweep: fc.boolean(),
      requestedAt: fc.integer({ min: 1, max: 2_000_000 }),
    },
    { requiredKeys: ['v', 'kind', 'integrationId', 'resource', 'runId'] },
  ),
  fc.record(
    {
      v: fc.constant(1 as const),
      kind: fc.constant('purge' as const),
      integrationId: fc.constantFrom(...INTEGRATIONS),
    },
    { requiredKeys: ['v', 'kind', 'integrationId'] },
  ),
  fc.record(
    {
      v: fc.constant(1 as const),
      kind: fc.constant('reconcile' as const),
      integrationId: fc.constantFrom(...INTEGRATIONS),
      runId: fc.constantFrom('weekly-1', 'weekly-2'),
    },
    { requiredKeys: ['v', 'kind', 'integrationId'] },
  ),
);

/** What kind of message, and what its dead-letter reason must say. */
type Intent =
  | { readonly kind: 'valid'; readonly job: SyncJob }
  | { readonly kind: 'malformed'; readonly reason: RegExp };

interface Draft {
  readonly body: string;
  /** The group the message travels in; undefined: one of the batch's groups, chosen below. */
  readonly groupId: string | undefined;
  readonly intent: Intent;
}

const notJson: fc.Arbitrary<Draft> = fc
  .oneof(
    fc.string().filter((text) => !parses(text)),
    fc.constantFrom('{"v":1,', 'undefined', "{'v':1}", '\u0000'),
    fc.integer({ min: 200_000, max: 260_000 }).map((length) => `{${'x'.repeat(length)}`),
  )
  .map((body) => ({ body, groupId: undefined, intent: { kind: 'malformed', reason: /^body is not JSON$/ } }));

/** A valid job with one field broken; the reason must name that field. */
const brokenField: fc.Arbitrary<Draft> = fc
  .tuple(
    validJob,
    fc.constantFrom<[string, unknown]>(
      ['v', 2],
      ['v', '1'],
      ['kind', 'refresh'],
      ['kind', '__proto__'],
      ['integrationId', ''],
      ['integrationId', 42],
      ['requestedAt', -1],
      ['requestedAt', 1.5],
      ['requestedAt', 1e308],
    ),
  )
  .map(([job, [field, value]]) => ({
    body: JSON.stringify({ ...job, [field]: value }),
    groupId: undefined,
    intent: { kind: 'malformed', reason: new RegExp(`^not a sync job: ${field}: `) },
  }));

const hugeResource: fc.Arbitrary<Draft> = fc.integer({ min: 100_000, max: 250_000 }).map((length) => ({
  body: JSON.stringify({ v: 1, kind: 'delta', integrationId: 'personio:p1', resource: 'x'.repeat(length) }),
  groupId: undefined,
  intent: { kind: 'malformed', reason: /^not a sync job: resource: resource is not in the catalogue/ },
}));

const notAJob: fc.Arbitrary<Draft> = fc
  .jsonValue()
  .filter((value) => typeof value !== 'object' || value === null || !('kind' in value))
  .map((value) => ({
    body: JSON.stringify(value),
    groupId: undefined,
    intent: { kind: 'malformed', reason: /^not a sync job: (\(root\)|kind|v): / },
  }));

const wrongGroup: fc.Arbitrary<Draft> = fc
  .tuple(validJob, fc.oneof(validJob.map(jobGroupId), fc.string({ minLength: 1, maxLength: 128 })))
  .filter(([job, groupId]) => jobGroupId(job) !== groupId)
  .map(([job, groupId]) => ({
    body: JSON.stringify(job),
    groupId,
    intent: { kind: 'malformed', reason: /^message group .* does not match the job's integration and resource$/s },
  }));

const valid: fc.Arbitrary<Draft> = validJob.map((job) => ({
  body: JSON.stringify(job),
  groupId: jobGroupId(job),
  intent: { kind: 'valid', job },
}));

const draft = fc.oneof(
  { weight: 6, arbitrary: valid },
  { weight: 1, arbitrary: notJson },
  { weight: 1, arbitrary: brokenField },
  { weight: 1, arbitrary: hugeResource },
  { weight: 1, arbitrary: notAJob },
  { weight: 1, arbitrary: wrongGroup },
);

/** Up to ten messages (an SQS batch), with who fails: jobs by their identity, the dead-letter queue by message. */
const scenario = fc.record({
  drafts: fc.array(fc.tuple(draft, fc.nat(), fc.integer({ min: 1, max: 2_000_000 })), { minLength: 1, maxLength: 10 }),
  failingWork: fc.subarray(
    INTEGRATIONS.flatMap((id) => [...RESOURCES, 'purge', 'reconcile'].map((what) => `${id}#${what}`)),
  ),
  failureThrows: fc.boolean(),
  // The dead-letter queue refuses a message now and then (one in six).
  deadLetterDown: fc.array(
    fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    { minLength: 10, maxLength: 10 },
  ),
});

describe('the worker over malformed queue messages', () => {
  it('dead-letters every malformed message with its reason and runs or fails the valid ones as FIFO requires', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ drafts, failingWork, failureThrows, deadLetterDown }) => {
        const validGroups = drafts.flatMap(([d]) => (d.groupId ? [d.groupId] : []));
        const groups = validGroups.length > 0 ? validGroups : ['personio:p1#hris/employees'];
        const messages = drafts.map(([d, pick, sentAt], index) => ({
          message: {
            messageId: `m${index}`,
            body: d.body,
            groupId: d.groupId ?? (groups[pick % groups.length] as string),
            sentAt,
          },
          intent: d.intent,
          deadLetterDown: deadLetterDown[index] === true && d.intent.kind === 'malformed',
        }));
        const runs: RunnableJob[] = [];
        const deadLettered = new Map<string, string>();
        const telemetry = new RecordingTelemetry();
        const result = await processBatch(
          messages.map((m) => m.message),
          { remainingMs: () => 600_000 },
          {
            run: async (runnable): Promise<JobResult> => {
              runs.push(runnable);
              if (!failingWork.includes(workOf(runnable.job))) return { outcome: 'completed', walks: 1, pages: 1 };
              if (failureThrows) throw new Error('Kombo down');
              return { outcome: 'failed', code: null, reason: 'Kombo down' };
            },
            deadLetter: async (message, reason) => {
              if (messages.find((m) => m.message.messageId === message.messageId)?.deadLetterDown) {
                throw new Error('SQS down');
              }
              deadLettered.set(message.messageId, reason);
            },
            telemetry,
          },
        );

        const expected = model(messages, failingWork);
        expect([...result.failedMessageIds].sort()).toEqual([...expected.failed].sort());
        expect([...deadLettered.keys()].sort()).toEqual([...expected.deadLettered].sort());
        for (const { message, intent } of messages) {
          const reason = deadLettered.get(message.messageId);
          if (reason === undefined) continue;
          expect(intent.kind).toBe('malformed');
          if (intent.kind === 'malformed') expect(reason).toMatch(intent.reason);
          // The reason names the problem; it never carries the body along (it becomes a message attribute).
          expect(reason.length).toBeLessThanOrEqual(1000);
        }
        expect(runsByGroup(runs)).toEqual(runsByGroup(expected.runs));
        expect(telemetry.counted('JobsDeadLettered')).toBe(deadLettered.size);
      }),
      { numRuns: 300 },
    );
  });
});

describe('regressions found by these properties', () => {
  const run = async (bodies: readonly object[], groupId: string) => {
    const runs: RunnableJob[] = [];
    const result = await processBatch(
      bodies.map((body, index) => ({
        messageId: `m${index}`,
        body: JSON.stringify(body),
        groupId,
        sentAt: 1_000 + index,
      })),
      { remainingMs: () => 600_000 },
      {
        run: async (runnable) => {
          runs.push(runnable);
          return { outcome: 'completed', walks: 0, pages: 0 };
        },
        deadLetter: async () => undefined,
        telemetry: new RecordingTelemetry(),
      },
    );
    expect(result.failedMessageIds).toEqual([]);
    return runs.map((runnable) => runnable.job);
  };

  it('runs the weekly reconcile of an integration even right behind one an event asked for (and the reverse)', async () => {
    const afterEvent = { v: 1, kind: 'reconcile', integrationId: 'personio:p1' };
    const weekly = { ...afterEvent, runId: 'weekly-2026-11-29' };
    const group = 'personio:p1#reconcile';
    // Coalesced, the first job stood in for both: the weekly run's full walks were never planned.
    expect(await run([afterEvent, weekly], group)).toEqual([afterEvent, weekly]);
    expect(await run([weekly, afterEvent], group)).toEqual([weekly, afterEvent]);
    expect(await run([afterEvent, afterEvent], group)).toEqual([afterEvent]);
  });

  it('coalesces a full walk that says forceSweep false with one that says nothing', async () => {
    const full = { v: 1, kind: 'full', integrationId: 'personio:p1', resource: 'hris/employees', runId: 'run-1' };
    expect(await run([{ ...full, forceSweep: false }, full], 'personio:p1#hris/employees')).toHaveLength(1);
  });
});

interface ModelMessage {
  readonly message: QueueMessage;
  readonly intent: Intent;
  readonly deadLetterDown: boolean;
}

/**
 * The FIFO rules: groups are independent. Within one, malformed messages go to the dead-letter queue
 * and take no place in line; consecutive jobs one run satisfies together (same kind, target and run)
 * become one, requested at the latest time; a failed job fails its messages and every later one of
 * its group. A malformed message the dead-letter queue refuses stays in the queue, and so does
 * everything of its group that has not run (all of it: the group's jobs run after it is read).
 */
function model(messages: readonly ModelMessage[], failingWork: readonly string[]) {
  const failed: string[] = [];
  const deadLettered: string[] = [];
  const runs: RunnableJob[] = [];
  const groupIds = [...new Set(messages.map((m) => m.message.groupId))];
  for (const groupId of groupIds) {
    const group = messages.filter((m) => m.message.groupId === groupId);
    const refusedAt = group.findIndex((m) => m.deadLetterDown);
    const readable = refusedAt === -1 ? group : group.slice(0, refusedAt);
    deadLettered.push(...readable.filter((m) => m.intent.kind === 'malformed').map((m) => m.message.messageId));
    if (refusedAt !== -1) {
      failed.push(
        ...group.filter((m, index) => index >= refusedAt || m.intent.kind === 'valid').map((m) => m.message.messageId),
      );
      continue;
    }
    const jobs: { runnable: RunnableJob; ids: string[] }[] = [];
    for (const { message, intent } of group) {
      if (intent.kind !== 'valid') continue;
      const requestedAt = intent.job.requestedAt ?? message.sentAt;
      const last = jobs.at(-1);
      if (last && workKey(last.runnable.job) === workKey(intent.job)) {
        last.runnable = { job: last.runnable.job, requestedAt: Math.max(last.runnable.requestedAt, requestedAt) };
        last.ids.push(message.messageId);
      } else jobs.push({ runnable: { job: intent.job, requestedAt }, ids: [message.messageId] });
    }
    const failing = jobs.findIndex((job) => failingWork.includes(workOf(job.runnable.job)));
    runs.push(...jobs.slice(0, failing === -1 ? jobs.length : failing + 1).map((job) => job.runnable));
    if (failing !== -1) failed.push(...jobs.slice(failing).flatMap((job) => job.ids));
  }
  return { failed, deadLettered, runs };
}

/** What a job works on, for choosing the ones that fail. */
function workOf(job: SyncJob): string {
  return `${job.integrationId}#${job.kind === 'purge' || job.kind === 'reconcile' ? job.kind : job.resource}`;
}

/** Jobs one run satisfies together: the same kind, target, run, and (full walks) sweep override. */
function workKey(job: SyncJob): string {
  return JSON.stringify([
    job.kind,
    workOf(job),
    job.kind === 'full' || job.kind === 'reconcile' ? (job.runId ?? null) : null,
    job.kind === 'full' ? (job.forceSweep ?? false) : false,
  ]);
}

/** Groups run concurrently: runs are compared in order within each group. */
function runsByGroup(runs: readonly RunnableJob[]): Record<string, unknown[]> {
  const groups: Record<string, unknown[]> = {};
  for (const runnable of runs) {
    const group = jobGroupId(runnable.job);
    groups[group] = [...(groups[group] ?? []), runnable];
  }
  return groups;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
