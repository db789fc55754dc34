/**
 * The sync worker alone in a process of its own, for the memory part: it builds the worker the way
 * `local/pipeline.ts` does, drains the queue (the servers live in the parent), and prints one JSON
 * line with its RSS and heap. Run with --expose-gc; the parent passes the environment
 * (`BENCH_WORKER`: endpoints and the functions' variables) and sets the log level before anything
 * loads the functions' logger.
 */
import type { Context } from 'aws-lambda';

interface WorkerInput {
  readonly sqsEndpoint: string;
  readonly dynamoEndpoint: string;
  readonly queueUrl: string;
  readonly env: Record<string, string>;
}

export interface WorkerMemory {
  readonly seconds: number;
  readonly invocations: number;
  /** RSS once the worker is built, before the first message (modules loaded, clients created). */
  readonly baselineRssMb: number;
  /** Largest RSS sampled (every 20 ms) while the worker ran. */
  readonly peakRssMb: number;
  /** Peak minus baseline: what the sync itself added. */
  readonly rssGrowthMb: number;
  /** The kernel's peak RSS of the process's whole life (`resourceUsage().maxRSS`), loading included. */
  readonly maxRssMb: number;
  /** Largest heap seen (garbage included: depends on when V8 collected). */
  readonly peakHeapMb: number;
  /** Largest heap right after a forced GC (every 500 ms), minus the baseline: the working set. */
  readonly liveHeapGrowthMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

const input = JSON.parse(process.env.BENCH_WORKER ?? '') as WorkerInput;
const [{ awsClients }, { workerConfig }, { createWorkerHandler }, { LOCAL_CREDENTIALS, LOCAL_REGION }, poller] =
  await Promise.all([
    import('../lambdas/adapters/aws-clients'),
    import('../lambdas/core/config'),
    import('../lambdas/worker/create-handler'),
    import('../local/aws/sqs-server'),
    import('../local/runtime/queue-poller'),
  ]);
const clients = awsClients({
  region: LOCAL_REGION,
  credentials: LOCAL_CREDENTIALS,
  endpoints: { sqs: input.sqsEndpoint, dynamodb: input.dynamoEndpoint },
});
const handler = createWorkerHandler({ config: workerConfig(input.env), clients }) as (
  event: import('aws-lambda').SQSEvent,
  context: Context,
) => Promise<import('aws-lambda').SQSBatchResponse>;

global.gc?.();
const baseline = process.memoryUsage();
let peakHeap = baseline.heapUsed;
let liveHeap = baseline.heapUsed;
let peakRss = baseline.rss;
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakHeap = Math.max(peakHeap, usage.heapUsed);
  peakRss = Math.max(peakRss, usage.rss);
}, 20);
const liveSampler = setInterval(() => {
  global.gc?.();
  liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
}, 500);
const started = performance.now();
const reports = await poller.pollUntilEmpty({
  sqs: clients.sqs,
  queueUrl: input.queueUrl,
  handler,
  maxInvocations: 10_000,
});
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
clearInterval(liveSampler);
for (const client of [clients.dynamo, clients.sqs, clients.secretsManager]) client.destroy();
const result: WorkerMemory = {
  seconds: Math.round(seconds * 100) / 100,
  invocations: reports.length,
  baselineRssMb: mb(baseline.rss),
  peakRssMb: mb(peakRss),
  rssGrowthMb: mb(peakRss - baseline.rss),
  maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
  peakHeapMb: mb(peakHeap),
  liveHeapGrowthMb: mb(liveHeap - baseline.heapUsed),
};
if (reports.some((report) => report.failed > 0 || report.crashed)) {
  console.error('worker invocations failed');
  process.exitCode = 1;
}
process.stdout.write(`${JSON.stringify(result)}\n`);
