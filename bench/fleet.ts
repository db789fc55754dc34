/**
 * Part 5: the fleet. N integrations × M resources of various sizes behind one fake Kombo that
 * limits requests per API key and answers each after a page latency; the worker as K Lambda
 * containers; fauxqs, and dynalite in a child process. Week 1 is the backfill (the weekly run
 * plans every integration at once: the stress case), week 2 a steady-state week with a few records
 * changed (the headline), and, as the reference, week 2 again with the fleet's request budget off
 * (each walk finds Kombo's limit by its 429s). Deltas arrive throughout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENV } from '../lambdas/contracts';
import { DEFAULT_REQUEST_BUDGET } from '../lambdas/core/config';
import { DEFAULT_ENGINE_SETTINGS } from '../lambdas/core/sync/settings';
import { type Pipeline, startPipeline } from '../local/pipeline';
import type { BenchConfig } from './config';
import {
  changeUpstream,
  createFleet,
  type FleetDataset,
  fleetDataset,
  seededRandom,
  type UpstreamChanges,
} from './fleet-data';
import { type FleetPhase, runPhase } from './fleet-phase';
import { round, workerEnvironment } from './harness';
import type { Progress } from './throughput';

/** The first week's scheduled time; each later week is 7 days on (run ids only: the bench runs now). */
const FIRST_WEEK = Date.parse('2026-01-04T02:00:00Z');
const WEEK_MS = 7 * 86_400_000;
/** What an operator sets: 90 % of Kombo's limit, the rest left for the key's other users. */
const BUDGET_SHARE_OF_LIMIT = 0.9;

export interface FleetResult {
  readonly integrations: number;
  readonly resourcesPerIntegration: number;
  /** (integration, resource) pairs: full walks per weekly run. */
  readonly walksPerRun: number;
  readonly records: number;
  /** Pages of one full walk of everything, as seeded. */
  readonly pages: number;
  readonly seed: number;
  readonly rateLimit: { readonly limit: number; readonly windowMs: number; readonly perSecond: number };
  readonly komboLatencyMs: number;
  readonly containers: number;
  readonly deltaIntervalMs: number;
  /** BULK_LANES as passed to the functions; null: not set (their default). */
  readonly bulkLanes: number | null;
  readonly budgetPerMinute: number;
  readonly realtimeSharePercent: number;
  readonly coalesceWindowMs: number;
  /** Upstream changes before each steady-state week. */
  readonly changes: readonly UpstreamChanges[];
  readonly phases: readonly FleetPhase[];
  /** Load average (1, 5, 15 min) before and after: others may have used the machine meanwhile. */
  readonly loadAverage: { readonly before: number[]; readonly after: number[] };
  /** What bounded each phase, read from its numbers. */
  readonly findings: readonly string[];
}

export async function measureFleet(config: BenchConfig, progress: Progress = () => {}): Promise<FleetResult> {
  const fleet = config.fleet;
  const random = seededRandom(fleet.seed);
  const dataset = fleetDataset(fleet, random);
  const laneEnv: Record<string, string> =
    fleet.bulkLanes === undefined ? {} : { [ENV.bulkLanes]: String(fleet.bulkLanes) };
  const perSecond = fleet.rateLimit / (fleet.rateWindowMs / 1000);
  const budgetPerMinute = Math.floor(perSecond * 60 * BUDGET_SHARE_OF_LIMIT);
  const loadBefore = os.loadavg().map((value) => round(value, 2));
  const dynamoPath = mkdtempSync(path.join(os.tmpdir(), 'kombo-sync-bench-fleet-'));
  const pipeline = await startPipeline({
    dynamoPath,
    // DynamoDB is another machine: dynalite runs in a child process, and the worker talks to it
    // directly (the AWS-rules proxy would parse every request in this process, which is CPU-bound).
    awsRules: false,
    dynamoSeparateProcess: true,
    kombo: { seed: fleet.seed, rateLimit: { limit: fleet.rateLimit, windowMs: fleet.rateWindowMs } },
    syncResources: dataset.syncResources,
    // The full-sync function reads BULK_LANES too.
    workerEnv: laneEnv,
  });
  try {
    if (fleet.komboLatencyMs > 0)
      pipeline.kombo.injectFault({ kind: 'latency', ms: fleet.komboLatencyMs, match: { times: Infinity } });
    await createFleet(pipeline, dataset);
    progress(
      `  fleet: ${dataset.integrations.length} integrations, ${dataset.resources.length} resources, ` +
        `${dataset.records} records, ${dataset.pages} pages`,
    );
    const setup = {
      pipeline,
      dataset,
      containers: fleet.concurrency,
      deltaIntervalMs: fleet.deltaIntervalMs,
      random,
      allowedPerSecond: perSecond,
    };
    const week = (index: number, name: string, budget: number) => ({
      name,
      scheduledTime: new Date(FIRST_WEEK + index * WEEK_MS).toISOString(),
      budgetPerMinute: budget,
      workerEnv: workerEnvironment(pipeline, dataset.syncResources, {
        ...laneEnv,
        [ENV.komboRequestsPerMinute]: String(budget),
      }),
    });
    const weeks = [week(0, 'backfill', budgetPerMinute), week(1, 'steady', budgetPerMinute)];
    if (config.referenceCells !== 'none') weeks.push(week(2, 'steady, budget off', 0));
    const phases: FleetPhase[] = [];
    const changes: UpstreamChanges[] = [];
    for (const [index, spec] of weeks.entries()) {
      if (index > 0) changes.push(changeUpstream(pipeline, dataset, random));
      const phase = await runPhase(setup, spec);
      progress(
        `  ${phase.phase}: ${phase.wallSeconds} s for ${phase.kombo.total} Kombo requests (bound ${phase.boundSeconds} s), ` +
          `${phase.kombo.rateLimited} answered 429, deltas p99 ${phase.deltas.p99Ms ?? '–'} ms`,
      );
      phases.push(phase);
    }
    return {
      integrations: dataset.integrations.length,
      resourcesPerIntegration: fleet.resources,
      walksPerRun: dataset.resources.length,
      records: dataset.records,
      pages: dataset.pages,
      seed: fleet.seed,
      rateLimit: { limit: fleet.rateLimit, windowMs: fleet.rateWindowMs, perSecond },
      komboLatencyMs: fleet.komboLatencyMs,
      containers: fleet.concurrency,
      deltaIntervalMs: fleet.deltaIntervalMs,
      bulkLanes: fleet.bulkLanes ?? null,
      budgetPerMinute,
      realtimeSharePercent: DEFAULT_REQUEST_BUDGET.realtimeShare * 100,
      coalesceWindowMs: DEFAULT_ENGINE_SETTINGS.coalesceWindowMs,
      changes,
      phases,
      loadAverage: { before: loadBefore, after: os.loadavg().map((value) => round(value, 2)) },
      findings: phases.map((phase) => finding(phase, dataset)),
    };
  } finally {
    await closeFleet(pipeline, dynamoPath);
  }
}

async function closeFleet(pipeline: Pipeline, dynamoPath: string): Promise<void> {
  pipeline.kombo.clearFaults();
  await pipeline.close();
  rmSync(dynamoPath, { recursive: true, force: true });
}

/**
 * A paced phase that used most of its budget was bounded by Kombo's limit; one that did not was
 * held back by something else, named by the numbers that say so.
 */
function finding(phase: FleetPhase, dataset: FleetDataset): string {
  const served = phase.kombo.total - phase.kombo.rateLimited;
  const rate = phase.budgetPerMinute > 0 ? phase.budgetPerMinute / 60 : phase.allowedPerSecond;
  const used = served / (phase.wallSeconds * rate);
  const share = `${Math.round(used * 100)} % of ${phase.budgetPerMinute > 0 ? 'the budget' : "Kombo's limit"}`;
  const writes = round(phase.records.written / phase.wallSeconds, 0);
  if (used >= 0.85) return `${phase.phase}: bounded by Kombo's rate (used ${share})`;
  return (
    `${phase.phase}: not bounded by Kombo (used ${share}); ${phase.records.written} of ${dataset.records} records ` +
    `written at ${writes}/s, worker's DynamoDB calls p99 ${phase.dynamo.workerCallP99Ms} ms, ` +
    `event-loop delay p99 ${phase.eventLoopDelayP99Ms} ms`
  );
}
