/**
 * `npm run bench`: measures the sync worker end to end in this process (fake Kombo over HTTP,
 * fauxqs, dynalite): a backfill of N records, then a delta after 1% of them changed. Reports wall
 * time, records per second, Kombo requests, worker invocations and heap (peak, working set after
 * forced GCs, retained), for two sizes, so that memory growth with job size is visible. Writes
 * bench/results/sync-backfill.json. Needs --expose-gc (the npm script passes it).
 *
 * Sizes: BENCH_SIZES=5000,20000 (default). dynalite is far slower than DynamoDB; the numbers
 * compare versions of this code on this machine, not what AWS will do.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPipeline } from '../local/pipeline';

const sizes = (process.env.BENCH_SIZES ?? '5000,20000').split(',').map(Number);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

// DynamoDB's data lives on disk, so the heap measures the worker (and the fake's fixed dataset).
const dynamoPath = mkdtempSync(path.join(os.tmpdir(), 'kombo-sync-bench-'));
const pipeline = await startPipeline({
  dynamoPath,
  // The AWS-rules layer is a test stand-in, not part of what is measured (it adds ~0.25 ms a request).
  awsRules: false,
  kombo: { seed: 5, rateLimit: { limit: 1_000_000, windowMs: 60_000 } },
  // A tiny overlap, so the delta phase measures a delta rather than a re-read of records seeded moments ago.
  workerEnv: { COALESCE_WINDOW_SECONDS: '0', CURSOR_OVERLAP_SECONDS: '0.001' },
});

interface Run {
  readonly records: number;
  readonly phase: 'backfill' | 'delta-1%';
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly komboRequests: number;
  readonly invocations: number;
  /** Largest heap seen, garbage included: depends on when V8 chose to collect. */
  readonly peakHeapMb: number;
  /** Largest heap right after a forced GC (sampled every 500 ms), minus the baseline: the working set. */
  readonly liveHeapGrowthMb: number;
  /** Heap after the run and a forced GC, minus the baseline: what the run left behind. */
  readonly retainedMb: number;
}

async function measure(records: number, phase: Run['phase'], integrationId: string, written: number): Promise<Run> {
  global.gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  let live = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 20);
  const liveSampler = setInterval(() => {
    global.gc?.();
    live = Math.max(live, process.memoryUsage().heapUsed);
  }, 500);
  pipeline.kombo.resetRequests();
  const started = performance.now();
  const { status } = await pipeline.kombo.sendDataChanged({
    url: pipeline.webhook.url,
    secret: pipeline.webhookSecret,
    integrationId,
    changedModels: ['hris_timesheets'],
  });
  if (status !== 200) throw new Error(`webhook answered ${status}`);
  const invocations = await pipeline.runWorker({ maxInvocations: 10_000 });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  clearInterval(liveSampler);
  global.gc?.();
  const retained = process.memoryUsage().heapUsed - baseline;
  const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return {
    records,
    phase,
    seconds: Math.round(seconds * 100) / 100,
    recordsPerSecond: Math.round(written / seconds),
    komboRequests: pipeline.kombo.requests.length,
    invocations: invocations.length,
    peakHeapMb: mb(peak),
    liveHeapGrowthMb: mb(live - baseline),
    retainedMb: mb(retained),
  };
}

const runs: Run[] = [];
try {
  for (const size of sizes) {
    const id = `personio:bench-${size}`;
    pipeline.kombo.addIntegration({ id, category: 'HRIS' });
    pipeline.kombo.seed(id, 'hris/timesheets', size);
    runs.push(await measure(size, 'backfill', id, size));
    const changed = pipeline.kombo.records(id, 'hris/timesheets').slice(0, Math.ceil(size / 100));
    for (const record of changed) pipeline.kombo.update(id, 'hris/timesheets', record.id, { notes: 'changed' });
    runs.push(await measure(size, 'delta-1%', id, changed.length));
    const stored = await pipeline.storedRecords(id, 'hris/timesheets');
    if (stored.length !== size) throw new Error(`expected ${size} stored records, found ${stored.length}`);
  }
} finally {
  await pipeline.close();
  rmSync(dynamoPath, { recursive: true, force: true });
}

console.table(runs);
const result = {
  benchmark: 'sync-backfill',
  at: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  },
  note: 'in-process fake Kombo, fauxqs and dynalite (on disk) on loopback; dynalite bounds write throughput; heap growth is measured from after seeding, so it excludes the fake dataset',
  runs,
};
const out = path.join(import.meta.dirname, 'results', 'sync-backfill.json');
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`written to ${path.relative(process.cwd(), out)}`);
