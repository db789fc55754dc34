/**
 * Part 1 and 2: backfill wall time against the cursor-chain bound, and against the two loops of
 * Kombo's guide, on the same servers and the same records. Each (Kombo page latency L, DynamoDB
 * latency D) cell gets a pipeline of its own; ours syncs fresh integrations (one per run), then the
 * references and a fetch-only walk read the last of them.
 */
import type { OperationUsage } from '../local/aws/aws-rules-proxy';
import type { Pipeline } from '../local/pipeline';
import { type BenchConfig, PAGE_SIZE, RESOURCE } from './config';
import { expectStored, median, round, seedIntegration, slowKombo, startBenchPipeline, syncOnce } from './harness';
import { REFERENCES, type ReferenceName } from './references';

export interface Timeline {
  /** From the webhook to the worker's first Kombo request (webhook function, SQS, worker start). */
  readonly toFirstPageMs: number;
  /** Median time between consecutive page requests: one link of the cursor chain. */
  readonly pageIntervalMs: number;
  /** Median time the fake Kombo took to answer a page (L plus building and sending it), at the fake. */
  readonly komboAnswerMs: number;
  /** Median time from the fake's answer to our next page request, at the fake: our client's share of a link. */
  readonly clientLinkMs: number;
  /** From the last page request to the empty queue (its writes, the checkpoint, the cursor). */
  readonly afterLastPageMs: number;
}

export interface Measured {
  readonly runs: number;
  /** Every run's wall time, in run order. */
  readonly seconds: readonly number[];
  readonly medianSeconds: number;
  readonly recordsPerSecond: number;
  /** Median wall time ÷ bound; null when L = 0 (no bound). */
  readonly wallOverBound: number | null;
}

export interface Cell {
  readonly komboLatencyMs: number;
  readonly dynamoLatencyMs: number;
  readonly records: number;
  readonly pages: number;
  /** pages × L: Kombo's cursor chain is sequential, so no client backfills faster. */
  readonly boundSeconds: number;
  readonly ours: Measured & {
    readonly invocations: number;
    readonly komboRequests: number;
    /** DynamoDB requests of the first run, by operation, counted at the proxy. */
    readonly dynamoRequests: Record<string, number>;
    readonly timeline: Timeline;
  };
  /** Null where the references did not run (see `referenceCells` in config.ts). */
  readonly references: Record<ReferenceName, Measured & { readonly oursSpeedup: number }> | null;
  /**
   * The guide's fetch loop without any write, at L = 0 only (at L > 0 it is the bound plus this):
   * the cursor chain as fast as this fake serves and a client parses it. Null at L > 0.
   */
  readonly fetchOnly: Measured | null;
}

export interface ThroughputResult {
  readonly records: number;
  readonly pageSize: number;
  readonly resource: string;
  readonly cells: readonly Cell[];
}

function measured(records: number, seconds: readonly number[], boundSeconds: number): Measured {
  const medianSeconds = median(seconds);
  return {
    runs: seconds.length,
    seconds: seconds.map((value) => round(value, 3)),
    medianSeconds: round(medianSeconds, 3),
    recordsPerSecond: Math.round(records / medianSeconds),
    wallOverBound: boundSeconds > 0 ? round(medianSeconds / boundSeconds, 3) : null,
  };
}

function timeline(pipeline: Pipeline, integrationId: string, startedAt: number, endedAt: number): Timeline {
  const pages = pipeline.kombo.requests
    .filter((request) => request.integrationId === integrationId && request.resource === RESOURCE)
    .sort((a, b) => a.at - b.at);
  const first = pages[0]?.at ?? endedAt;
  const last = pages.at(-1)?.at ?? endedAt;
  const answered = pages.flatMap((page) =>
    page.answeredAt === null ? [] : [{ at: page.at, answeredAt: page.answeredAt }],
  );
  return {
    toFirstPageMs: first - startedAt,
    pageIntervalMs: round(median(pages.slice(1).map((page, index) => page.at - (pages[index]?.at ?? page.at))), 1),
    komboAnswerMs: round(median(answered.map((page) => page.answeredAt - page.at)), 1),
    clientLinkMs: round(
      median(answered.slice(0, -1).map((page, index) => (pages[index + 1]?.at ?? 0) - page.answeredAt)),
      1,
    ),
    afterLastPageMs: endedAt - last,
  };
}

const requestCounts = (usage: Record<string, OperationUsage>) =>
  Object.fromEntries(Object.entries(usage).map(([operation, entry]) => [operation, entry.requests]));

/** The guide's fetch loop with the PutItems left out. */
async function fetchOnly(pipeline: Pipeline, integrationId: string): Promise<number> {
  const started = performance.now();
  const base = `${pipeline.kombo.baseUrl}/${RESOURCE}?page_size=${PAGE_SIZE}&include_deleted=true`;
  let url: string | undefined = base;
  while (url) {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${pipeline.kombo.apiKey}`, 'X-Integration-Id': integrationId },
    });
    if (!response.ok) throw new Error(`Kombo answered ${response.status}`);
    const page = (await response.json()) as { data: { next: string | null } };
    url = page.data.next ? `${base}&cursor=${encodeURIComponent(page.data.next)}` : undefined;
  }
  return (performance.now() - started) / 1000;
}

export type Progress = (message: string) => void;

async function measureCell(
  config: BenchConfig,
  cell: { L: number; D: number; withReferences: boolean; index: number },
  progress: Progress,
) {
  const { L, D } = cell;
  const records = config.records;
  const pages = Math.ceil(records / PAGE_SIZE);
  const boundSeconds = (pages * L) / 1000;
  const oursRuns = boundSeconds <= config.repeatMaxBoundSeconds ? config.repeats : 1;
  const bench = await startBenchPipeline();
  const { pipeline, rules } = bench;
  try {
    rules.setLatency(D);
    const oursSeconds: number[] = [];
    let first:
      | { invocations: number; komboRequests: number; usage: Record<string, number>; timeline: Timeline }
      | undefined;
    let integrationId = '';
    for (let run = 0; run < oursRuns; run++) {
      if (integrationId) pipeline.kombo.removeIntegration(integrationId);
      integrationId = `personio:tp-${L}-${D}-${run}`;
      seedIntegration(pipeline, integrationId, records);
      slowKombo(pipeline, integrationId, L);
      rules.resetUsage();
      const startedAt = Date.now();
      const sync = await syncOnce(pipeline, integrationId, 'webhook');
      const endedAt = Date.now();
      oursSeconds.push(sync.seconds);
      first ??= {
        invocations: sync.invocations,
        komboRequests: sync.komboRequests,
        usage: requestCounts(rules.usage()),
        timeline: timeline(pipeline, integrationId, startedAt, endedAt),
      };
      await expectStored(pipeline, integrationId, records);
      progress(`  ours L=${L} D=${D} run ${run + 1}/${oursRuns}: ${sync.seconds.toFixed(2)} s`);
    }
    // The references read the same records, in an order that alternates between cells.
    const names = Object.keys(REFERENCES) as ReferenceName[];
    if (cell.index % 2 === 1) names.reverse();
    const referenceSeconds = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
      ReferenceName,
      number[]
    >;
    for (let run = 0; cell.withReferences && run < config.referenceRepeats; run++) {
      for (const name of names) {
        const result = await REFERENCES[name](pipeline, integrationId, `bench-${name}#${run}`);
        if (result.records !== records) throw new Error(`${name} stored ${result.records} of ${records} records`);
        referenceSeconds[name].push(result.seconds);
        progress(`  ${name} L=${L} D=${D}: ${result.seconds.toFixed(2)} s`);
      }
    }
    const fetchSeconds = L === 0 ? await fetchOnly(pipeline, integrationId) : undefined;
    if (!first) throw new Error('ours did not run');
    const ours = measured(records, oursSeconds, boundSeconds);
    const references = cell.withReferences
      ? (Object.fromEntries(
          names.map((name) => {
            const reference = measured(records, referenceSeconds[name], boundSeconds);
            return [name, { ...reference, oursSpeedup: round(reference.medianSeconds / ours.medianSeconds, 2) }];
          }),
        ) as Cell['references'])
      : null;
    return {
      komboLatencyMs: L,
      dynamoLatencyMs: D,
      records,
      pages,
      boundSeconds,
      ours: {
        ...ours,
        invocations: first.invocations,
        komboRequests: first.komboRequests,
        dynamoRequests: first.usage,
        timeline: first.timeline,
      },
      references,
      fetchOnly: fetchSeconds === undefined ? null : measured(records, [fetchSeconds], boundSeconds),
    } satisfies Cell;
  } finally {
    pipeline.kombo.clearFaults();
    await bench.close();
  }
}

export async function measureThroughput(config: BenchConfig, progress: Progress = () => {}): Promise<ThroughputResult> {
  const cells: Cell[] = [];
  const lowestL = Math.min(...config.komboLatenciesMs);
  const lowestD = Math.min(...config.dynamoLatenciesMs);
  for (const D of config.dynamoLatenciesMs) {
    for (const L of config.komboLatenciesMs) {
      const withReferences =
        config.referenceCells === 'all' || (config.referenceCells === 'cross' && (L === lowestL || D === lowestD));
      cells.push(await measureCell(config, { L, D, withReferences, index: cells.length }, progress));
    }
  }
  return { records: config.records, pageSize: PAGE_SIZE, resource: RESOURCE, cells };
}

/** For the report: DynamoDB requests of one run of ours. */
export const oursRequests = (cell: Cell) => Object.values(cell.ours.dynamoRequests).reduce((a, b) => a + b, 0);
