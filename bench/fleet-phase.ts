/**
 * One week of the fleet: the schedule's invocation of the full-sync function, the worker's K
 * containers draining the queue, deltas arriving meanwhile; measured from the plan until the
 * last full walk of the run completed.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { RecordedRequest } from '../local/fake-kombo';
import type { Pipeline } from '../local/pipeline';
import { type ContainerStats, startContainers } from './fleet-containers';
import type { FleetDataset } from './fleet-data';
import { type DeltaLatency, percentile, startDeltaDriver } from './fleet-deltas';
import { peakOverlap, waitForRun } from './fleet-run';
import { round } from './harness';

/** A run that takes longer than this is reported as not completed. */
const RUN_TIMEOUT_MS = 20 * 60_000;
/** After the run: how long the queue may take to empty, and the deltas still pending to be stored. */
const DRAIN_TIMEOUT_MS = 5 * 60_000;
const DELTA_GRACE_MS = 10_000;

export interface PhaseSetup {
  readonly pipeline: Pipeline;
  readonly dataset: FleetDataset;
  readonly containers: number;
  readonly deltaIntervalMs: number;
  readonly random: () => number;
  /** Kombo's limit, requests a second. */
  readonly allowedPerSecond: number;
}

export interface KomboCounts {
  /** Every request, 429s included. */
  readonly total: number;
  /** Pages of full walks (no `updated_after`, no `ids`). */
  readonly fullPages: number;
  /** Pages of delta walks (`updated_after`). */
  readonly deltaPages: number;
  /** Sweep look-ups (`ids`). */
  readonly sweepPages: number;
  /** `GET /integrations/{id}` (reconcile jobs). */
  readonly integrationLookups: number;
  readonly rateLimited: number;
}

export interface FleetPhase {
  readonly phase: string;
  /** KOMBO_REQUESTS_PER_MINUTE of the worker; 0: no shared budget, only Kombo's headers. */
  readonly budgetPerMinute: number;
  readonly runId: string;
  readonly runCompleted: boolean;
  readonly walksExpected: number;
  readonly walksCompleted: number;
  /** From the plan to the last full walk's completion (its run summary's `finished_at`). */
  readonly wallSeconds: number;
  /** From the plan to an empty queue, after the deltas stopped at the run's end. */
  readonly drainSeconds: number | null;
  /** Kombo requests from the plan to the run's end, at the fake. */
  readonly kombo: KomboCounts;
  readonly allowedPerSecond: number;
  /** Requests Kombo served (all but 429s) ÷ Kombo's rate: no fleet finishes sooner. */
  readonly boundSeconds: number;
  readonly wallOverBound: number;
  /** The same at the budget's rate (90 % of Kombo's): what the paced fleet can reach. Null unpaced. */
  readonly budgetBoundSeconds: number | null;
  readonly wallOverBudgetBound: number | null;
  readonly rateLimitedPer100: number;
  readonly deltas: DeltaLatency;
  /** Most full walks between their `started_at` and `finished_at` at once (run summaries). */
  readonly peakConcurrentWalks: number;
  readonly containers: Omit<ContainerStats, 'dynamoCallMs' | 'deltaQueueWaitMs'>;
  /** Delta jobs' time in the queue, from sending to the invocation that received them. */
  readonly deltaQueueWait: { readonly jobs: number; readonly p50Ms: number | null; readonly p99Ms: number | null };
  /** Messages that reached the dead-letter queue during the phase. */
  readonly deadLetters: number;
  /** What the run's full walks did with the records they saw (run summaries). */
  readonly records: {
    readonly written: number;
    readonly unchanged: number;
    /** Seen older than stored (a delta stored a newer version first). */
    readonly stale: number;
    readonly tombstoned: number;
  };
  readonly dynamo: {
    /** The worker's DynamoDB calls, as its containers timed them (retries included). */
    readonly workerCalls: number;
    readonly workerCallsPerSecond: number;
    readonly workerCallP50Ms: number | null;
    readonly workerCallP99Ms: number | null;
    /** The same by operation (the document client's command names). */
    readonly workerCallsByOperation: Record<string, { calls: number; p50Ms: number | null; p99Ms: number | null }>;
  };
  /** This process's event-loop delay (fake Kombo, fauxqs, the functions): high means CPU-bound here. */
  readonly eventLoopDelayP99Ms: number;
}

export async function runPhase(
  setup: PhaseSetup,
  phase: { name: string; scheduledTime: string; workerEnv: Record<string, string>; budgetPerMinute: number },
): Promise<FleetPhase> {
  const { pipeline, dataset } = setup;
  await freshRateWindow(pipeline);
  const deadLettersBefore = await queueDepth(pipeline, pipeline.deadLetterQueueUrl);
  const firstRequest = pipeline.kombo.requests.length;
  const containers = startContainers(pipeline, setup.containers, phase.workerEnv);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const started = Date.now();
  const deltas = startDeltaDriver(pipeline, dataset, setup.deltaIntervalMs, setup.random);
  try {
    return await measured();
  } finally {
    // On the way out of a failed phase too: nothing of it may run on into the next one.
    loop.disable();
    await deltas.stopSending();
    await deltas.finish(0);
    await containers.stop();
  }

  async function measured(): Promise<FleetPhase> {
    const plan = (await pipeline.invokeFullSync({ source: 'schedule', scheduled_time: phase.scheduledTime })) as {
      runId: string;
    };
    const run = await waitForRun(pipeline, dataset, plan.runId, RUN_TIMEOUT_MS);
    const runEnd = run.walks.length === 0 ? Date.now() : Math.max(...run.walks.map((walk) => walk.finishedAt));
    await deltas.stopSending();
    const drained = await drainedAt(pipeline, DRAIN_TIMEOUT_MS);
    const latency = await deltas.finish(DELTA_GRACE_MS);
    const stats = containers.stats();

    const wallSeconds = round((runEnd - started) / 1000, 2);
    const kombo = komboCounts(pipeline.kombo.requests.slice(firstRequest).filter((request) => request.at <= runEnd));
    const served = kombo.total - kombo.rateLimited;
    const boundSeconds = round(served / setup.allowedPerSecond, 2);
    const budgetBoundSeconds = phase.budgetPerMinute > 0 ? round(served / (phase.budgetPerMinute / 60), 2) : null;
    const sum = (pick: (walk: (typeof run.walks)[number]) => number) => run.walks.reduce((s, w) => s + pick(w), 0);
    const { dynamoCallMs, deltaQueueWaitMs, ...counts } = stats;
    const allCalls = [...dynamoCallMs.values()].flat();
    return {
      phase: phase.name,
      budgetPerMinute: phase.budgetPerMinute,
      runId: plan.runId,
      runCompleted: run.status === 'completed',
      walksExpected: dataset.resources.length,
      walksCompleted: run.walks.length,
      wallSeconds,
      drainSeconds: drained === null ? null : round((drained - started) / 1000, 2),
      kombo,
      allowedPerSecond: setup.allowedPerSecond,
      boundSeconds,
      wallOverBound: round(wallSeconds / boundSeconds, 2),
      budgetBoundSeconds,
      wallOverBudgetBound: budgetBoundSeconds === null ? null : round(wallSeconds / budgetBoundSeconds, 2),
      rateLimitedPer100: round((100 * kombo.rateLimited) / Math.max(1, kombo.total), 2),
      deltas: latency,
      peakConcurrentWalks: peakOverlap(run.walks),
      containers: counts,
      deltaQueueWait: {
        jobs: deltaQueueWaitMs.length,
        p50Ms: percentile(deltaQueueWaitMs, 0.5, 0),
        p99Ms: percentile(deltaQueueWaitMs, 0.99, 0),
      },
      deadLetters: (await queueDepth(pipeline, pipeline.deadLetterQueueUrl)) - deadLettersBefore,
      records: {
        written: sum((w) => w.written),
        unchanged: sum((w) => w.unchanged),
        stale: sum((w) => w.stale),
        tombstoned: sum((w) => w.tombstoned),
      },
      dynamo: {
        workerCalls: allCalls.length,
        workerCallsPerSecond: round(allCalls.length / Math.max(0.001, wallSeconds), 0),
        workerCallP50Ms: percentile(allCalls, 0.5, 1),
        workerCallP99Ms: percentile(allCalls, 0.99, 1),
        workerCallsByOperation: Object.fromEntries(
          [...dynamoCallMs].map(([operation, times]) => [
            operation,
            { calls: times.length, p50Ms: percentile(times, 0.5, 1), p99Ms: percentile(times, 0.99, 1) },
          ]),
        ),
      },
      eventLoopDelayP99Ms: round(loop.percentile(99) / 1e6, 0),
    };
  }
}

function komboCounts(requests: readonly RecordedRequest[]): KomboCounts {
  let fullPages = 0;
  let deltaPages = 0;
  let sweepPages = 0;
  let integrationLookups = 0;
  let rateLimited = 0;
  for (const request of requests) {
    if (request.status === 429) rateLimited++;
    if (request.resource === 'integrations') integrationLookups++;
    else if (request.query.updated_after !== undefined) deltaPages++;
    else if (request.query.ids !== undefined) sweepPages++;
    else fullPages++;
  }
  return { total: requests.length, fullPages, deltaPages, sweepPages, integrationLookups, rateLimited };
}

/** Waits until Kombo's current window (it starts at the first request after the last one ended) is over. */
async function freshRateWindow(pipeline: Pipeline): Promise<void> {
  const last = pipeline.kombo.requests.at(-1);
  if (last) await sleep(Math.max(0, last.at + pipeline.kombo.rateLimit.windowMs - Date.now()));
}

async function queueDepth(pipeline: Pipeline, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await pipeline.sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return Object.values(Attributes).reduce((sum, value) => sum + Number(value), 0);
}

/** When the sync-jobs queue was first seen empty twice in a row (nothing queued, in flight or delayed); null if never. */
async function drainedAt(pipeline: Pipeline, timeoutMs: number): Promise<number | null> {
  const until = Date.now() + timeoutMs;
  let emptySince: number | null = null;
  while (Date.now() < until) {
    if ((await queueDepth(pipeline, pipeline.queueUrl)) > 0) emptySince = null;
    else if (emptySince === null) emptySince = Date.now();
    else return emptySince;
    await sleep(100);
  }
  return null;
}
