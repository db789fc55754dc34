/**
 * What `npm run bench` measures, read from the environment (every size can be made smaller for a
 * quick run or larger for a long one). Parts: `throughput` (backfill vs the cursor-chain bound and
 * the two reference loops), `capacity` (DynamoDB requests, units and dollars per record), `memory`
 * (the worker's peak RSS and heap in a child process), `burst` (Kombo passes for a burst of webhooks
 * on one resource), `fleet` (many integrations' weekly runs under Kombo's rate limit, deltas meanwhile).
 */
export const PARTS = ['throughput', 'capacity', 'memory', 'burst', 'fleet'] as const;
export type Part = (typeof PARTS)[number];

/** Kombo's largest page, which the worker asks for and the guide recommends. */
export const PAGE_SIZE = 250;
/** The resource every part syncs: an HRIS list with records of about 440 bytes of JSON. */
export const RESOURCE = 'hris/timesheets';
export const CHANGED_MODEL = 'hris_timesheets';

export interface BenchConfig {
  readonly parts: readonly Part[];
  /** Records of each backfill in the throughput part. */
  readonly records: number;
  /** Kombo page latencies, ms (the fake's latency fault on every page). */
  readonly komboLatenciesMs: readonly number[];
  /** DynamoDB request latencies, ms (injected by the AWS-rules proxy before each request). */
  readonly dynamoLatenciesMs: readonly number[];
  /** Runs of ours per configuration whose bound is at most `repeatMaxBoundSeconds`; the median is reported. */
  readonly repeats: number;
  /**
   * Configurations with a longer bound run once (default 0: only L = 0 is repeated, where nothing
   * but the client sets the pace; above it the wall time is the bound plus a little).
   */
  readonly repeatMaxBoundSeconds: number;
  /** Runs of each reference loop per configuration (they are the slow part of the bench). */
  readonly referenceRepeats: number;
  /**
   * Where the reference loops run. `cross` (default): at every L with the lowest D, and at every D
   * with the lowest L; a sequential loop's time is the sum of its Kombo waits and its writes, so the
   * other cells add about pages × L to a measured one, at about 8 minutes for D = 5 ms. `all`: every cell.
   */
  readonly referenceCells: 'cross' | 'all' | 'none';
  /** Records of the capacity part's backfill, delta re-read and full sync. */
  readonly capacityRecords: number;
  /** Backfill sizes of the memory part. */
  readonly memorySizes: readonly number[];
  /** `data-changed` events of the burst part, how many in flight, the pause after each, and the resource's records. */
  readonly burstEvents: number;
  readonly burstConcurrency: number;
  readonly burstIntervalMs: number;
  readonly burstRecords: number;
  /** The fleet part: see FleetConfig. */
  readonly fleet: FleetConfig;
  /** Where JSON results and the chart go. */
  readonly resultsDir: string;
}

/**
 * The fleet simulation (bench/fleet.ts): `integrations` integrations (HRIS and ATS alternately) of
 * `resources` resources each, sizes drawn from `seed`; the fake Kombo allows `rateLimit` requests per
 * `rateWindowMs` (per API key) and answers every request after `komboLatencyMs`; the worker runs as
 * `concurrency` containers; a `data-changed` webhook every `deltaIntervalMs`.
 */
export interface FleetConfig {
  readonly integrations: number;
  readonly resources: number;
  readonly seed: number;
  readonly rateLimit: number;
  readonly rateWindowMs: number;
  readonly komboLatencyMs: number;
  readonly concurrency: number;
  readonly deltaIntervalMs: number;
  /** `BULK_LANES` for the functions; undefined: not set (the functions' default). */
  readonly bulkLanes: number | undefined;
}

/** Resources per fleet integration at most: the bench's lists of HRIS and ATS resources (fleet-data.ts). */
export const FLEET_MAX_RESOURCES = 8;

function numbers(name: string, fallback: string): number[] {
  const text = process.env[name] ?? fallback;
  const values = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map(Number);
  if (values.length === 0 || values.some((value) => !Number.isFinite(value) || value < 0))
    throw new Error(`${name} must be a comma-separated list of non-negative numbers, got "${text}"`);
  return values;
}

function count(name: string, fallback: number): number {
  const [value] = numbers(name, String(fallback));
  if (value === undefined || !Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer`);
  return value;
}

function fleetConfig(): FleetConfig {
  const resources = count('BENCH_FLEET_RESOURCES', FLEET_MAX_RESOURCES);
  if (resources > FLEET_MAX_RESOURCES) throw new Error(`BENCH_FLEET_RESOURCES must be at most ${FLEET_MAX_RESOURCES}`);
  const lanes = process.env.BENCH_FLEET_BULK_LANES;
  return {
    integrations: count('BENCH_FLEET_INTEGRATIONS', 60),
    resources,
    seed: count('BENCH_FLEET_SEED', 7),
    // 15 requests a second: the default fleet's steady week needs about 1,000 (a bound of about a
    // minute), a rate the bench's one process (worker, fake, fauxqs) can drive on 2 cores not busy with other work.
    rateLimit: count('BENCH_FLEET_RATE_LIMIT', 150),
    rateWindowMs: count('BENCH_FLEET_RATE_WINDOW_MS', 10_000),
    komboLatencyMs: numbers('BENCH_FLEET_KOMBO_LATENCY_MS', '50')[0] ?? 50,
    concurrency: count('BENCH_FLEET_CONCURRENCY', 5),
    deltaIntervalMs: count('BENCH_FLEET_DELTA_INTERVAL_MS', 500),
    bulkLanes: lanes === undefined || lanes.trim() === '' ? undefined : wholeNumber('BENCH_FLEET_BULK_LANES', lanes),
  };
}

/** A whole number ≥ 0 (0 is meaningful: lanes off); the functions check the upper limit. */
function wholeNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0, got "${text}"`);
  return value;
}

function referenceCells(): 'cross' | 'all' | 'none' {
  const value = process.env.BENCH_REFERENCES ?? 'cross';
  if (value !== 'cross' && value !== 'all' && value !== 'none')
    throw new Error(`BENCH_REFERENCES must be cross, all or none, got ${value}`);
  return value;
}

/** The configuration from `BENCH_*` variables; `parts` from the command line (default: all). */
export function benchConfig(args: readonly string[], resultsDir: string): BenchConfig {
  const parts = args.length === 0 ? [...PARTS] : args;
  for (const part of parts) {
    if (!(PARTS as readonly string[]).includes(part))
      throw new Error(`unknown part ${part}; parts: ${PARTS.join(', ')}`);
  }
  return {
    parts: parts as Part[],
    records: count('BENCH_RECORDS', 10_000),
    komboLatenciesMs: numbers('BENCH_KOMBO_LATENCIES', '0,250,1000'),
    dynamoLatenciesMs: numbers('BENCH_DYNAMO_LATENCIES', '0,5'),
    repeats: count('BENCH_REPEATS', 3),
    repeatMaxBoundSeconds: numbers('BENCH_REPEAT_MAX_BOUND_SECONDS', '0')[0] ?? 0,
    referenceRepeats: count('BENCH_REFERENCE_REPEATS', 1),
    referenceCells: referenceCells(),
    capacityRecords: count('BENCH_CAPACITY_RECORDS', 10_000),
    memorySizes: numbers('BENCH_RSS_SIZES', '10000,100000'),
    burstEvents: count('BENCH_BURST_EVENTS', 500),
    burstConcurrency: count('BENCH_BURST_CONCURRENCY', 100),
    burstIntervalMs: numbers('BENCH_BURST_INTERVAL_MS', '0')[0] ?? 0,
    burstRecords: count('BENCH_BURST_RECORDS', 1000),
    fleet: fleetConfig(),
    resultsDir,
  };
}
