/**
 * Part 3: DynamoDB requests, read units and write units per record, counted at the AWS-rules proxy
 * (units as dynalite reports them with ReturnConsumedCapacity, and for a write refused by its
 * condition, which reports none, the stored item's size in 1 KB units, as DynamoDB bills it), for:
 * a backfill; a delta right after it that re-reads every record unchanged (the overlap); a full
 * sync with nothing changed. Then in dollars at on-demand prices.
 */
import type { OperationUsage } from '../local/aws/aws-rules-proxy';
import type { Pipeline } from '../local/pipeline';
import { type BenchConfig, RESOURCE } from './config';
import { expectStored, round, seedIntegration, startBenchPipeline, syncOnce } from './harness';
import type { Progress } from './throughput';

/**
 * On-demand prices, us-east-1, from AWS's Amazon DynamoDB pricing page (on-demand capacity), the
 * rates in force since AWS halved on-demand prices on 1 November 2024; assumed unchanged on the
 * date below (not fetched: the bench has no network).
 */
export const PRICING = {
  region: 'us-east-1',
  mode: 'on-demand (standard table class)',
  usdPerMillionWriteRequestUnits: 0.625,
  usdPerMillionReadRequestUnits: 0.125,
  source: "AWS's Amazon DynamoDB pricing page, on-demand capacity",
  assumedAsOf: '2026-11-29',
} as const;

/** The weekly cost model: one full sync, and every record re-read by a delta's overlap once a day. */
export const WEEKLY_MODEL = { fullSyncs: 1, deltaOverlapReReads: 7 } as const;

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

export type Phase = 'backfill' | 'delta-overlap' | 'full-sync';

export interface PhaseCost {
  readonly phase: Phase;
  readonly records: number;
  readonly seconds: number;
  readonly komboRequests: number;
  /** What the walk says it did (`last_walk` of the cursor item): written, unchanged, ... */
  readonly walk: Record<string, unknown>;
  readonly byOperation: Record<string, OperationUsage>;
  readonly requests: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly perRecord: { readonly requests: number; readonly readUnits: number; readonly writeUnits: number };
  /** Dollars for one such pass over a million records. */
  readonly usdPerMillionRecords: number;
}

export interface CapacityResult {
  readonly records: number;
  readonly overlapSeconds: number;
  readonly pricing: typeof PRICING;
  readonly phases: readonly PhaseCost[];
  readonly weekly: {
    readonly model: string;
    readonly usdPerMillionRecordsPerWeek: number;
    readonly readUnitsPerRecordPerWeek: number;
    readonly writeUnitsPerRecordPerWeek: number;
  };
}

export const usd = (readUnits: number, writeUnits: number) =>
  (readUnits * PRICING.usdPerMillionReadRequestUnits + writeUnits * PRICING.usdPerMillionWriteRequestUnits) / 1e6;

function phaseCost(
  phase: Phase,
  records: number,
  usage: Record<string, OperationUsage>,
  run: { seconds: number; komboRequests: number },
  walk: Record<string, unknown>,
): PhaseCost {
  let requests = 0;
  let readUnits = 0;
  let writeUnits = 0;
  for (const [operation, entry] of Object.entries(usage)) {
    requests += entry.requests;
    if (READS.has(operation)) readUnits += entry.capacityUnits;
    else writeUnits += entry.capacityUnits;
  }
  const perRecord = {
    requests: round(requests / records, 4),
    readUnits: round(readUnits / records, 4),
    writeUnits: round(writeUnits / records, 4),
  };
  return {
    phase,
    records,
    seconds: round(run.seconds, 2),
    komboRequests: run.komboRequests,
    walk,
    byOperation: usage,
    requests,
    readUnits,
    writeUnits,
    perRecord,
    usdPerMillionRecords: round(usd(readUnits / records, writeUnits / records) * 1e6, 4),
  };
}

/** `last_walk` of the resource's cursor item: what the worker says the walk did. */
async function lastWalk(pipeline: Pipeline, integrationId: string): Promise<Record<string, unknown>> {
  const items = await pipeline.stateItems(integrationId);
  const cursor = items.find((item) => item.sk === `cursor#${RESOURCE}`);
  const walk = cursor?.last_walk;
  if (typeof walk !== 'object' || walk === null) return {};
  const { kind, pages, written, unchanged, stale, tombstoned } = walk as Record<string, unknown>;
  return { kind, pages, written, unchanged, stale, tombstoned };
}

export async function measureCapacity(config: BenchConfig, progress: Progress = () => {}): Promise<CapacityResult> {
  const records = config.capacityRecords;
  // A day of overlap, so the delta right after the backfill re-reads every record (the worker's
  // 5 minutes would too, seeded moments ago; a day keeps it so on a slow machine).
  const overlapSeconds = 86_400;
  const bench = await startBenchPipeline({ CURSOR_OVERLAP_SECONDS: String(overlapSeconds) });
  const { pipeline, rules } = bench;
  const phases: PhaseCost[] = [];
  try {
    const integrationId = 'personio:capacity';
    seedIntegration(pipeline, integrationId, records);
    rules.setMetering(true);
    const steps: ReadonlyArray<readonly [Phase, 'webhook' | 'full-sync']> = [
      ['backfill', 'webhook'],
      ['delta-overlap', 'webhook'],
      ['full-sync', 'full-sync'],
    ];
    for (const [phase, how] of steps) {
      rules.resetUsage();
      const run = await syncOnce(pipeline, integrationId, how);
      const usage = rules.usage();
      phases.push(phaseCost(phase, records, usage, run, await lastWalk(pipeline, integrationId)));
      progress(`  ${phase}: ${run.seconds.toFixed(2)} s`);
    }
    await expectStored(pipeline, integrationId, records);
  } finally {
    rules.setMetering(false);
    await bench.close();
  }
  const per = (phase: Phase) => phases.find((entry) => entry.phase === phase)?.perRecord;
  const full = per('full-sync');
  const delta = per('delta-overlap');
  const readUnits =
    (full?.readUnits ?? 0) * WEEKLY_MODEL.fullSyncs + (delta?.readUnits ?? 0) * WEEKLY_MODEL.deltaOverlapReReads;
  const writeUnits =
    (full?.writeUnits ?? 0) * WEEKLY_MODEL.fullSyncs + (delta?.writeUnits ?? 0) * WEEKLY_MODEL.deltaOverlapReReads;
  return {
    records,
    overlapSeconds,
    pricing: PRICING,
    phases,
    weekly: {
      model: `${WEEKLY_MODEL.fullSyncs} full sync + ${WEEKLY_MODEL.deltaOverlapReReads} delta-overlap re-reads of every record (one a day); DynamoDB only (no SQS, Lambda, storage or streams)`,
      usdPerMillionRecordsPerWeek: round(usd(readUnits, writeUnits) * 1e6, 4),
      readUnitsPerRecordPerWeek: round(readUnits, 4),
      writeUnitsPerRecordPerWeek: round(writeUnits, 4),
    },
  };
}
