/**
 * Part 4: a burst of `data-changed` webhooks for one resource, as Kombo sends them when a customer's
 * tool changes much at once. The worker drains the queue while the events arrive (production's
 * coalescing window of 1 s); what counts is how many times the worker walked the resource's list
 * (passes: list requests without a cursor), and that the mirror is complete afterwards.
 */
import { DEFAULT_ENGINE_SETTINGS } from '../lambdas/core/sync/settings';
import { type BenchConfig, RESOURCE } from './config';
import { expectStored, round, seedIntegration, sendDataChanged, slowKombo, startBenchPipeline } from './harness';
import type { Progress } from './throughput';

export interface BurstResult {
  readonly events: number;
  readonly concurrency: number;
  readonly intervalMs: number;
  readonly records: number;
  readonly komboLatencyMs: number;
  readonly coalesceWindowMs: number;
  /** From the first event sent to the last one answered. */
  readonly sendSeconds: number;
  /** From the last event answered to an empty queue with every record stored. */
  readonly drainSeconds: number;
  /** Walks over the resource's list: list requests without a cursor. */
  readonly passes: number;
  readonly komboRequests: number;
  readonly invocations: number;
}

export async function measureBurst(config: BenchConfig, progress: Progress = () => {}): Promise<BurstResult> {
  const coalesceWindowMs = DEFAULT_ENGINE_SETTINGS.coalesceWindowMs;
  const bench = await startBenchPipeline({ COALESCE_WINDOW_SECONDS: String(coalesceWindowMs / 1000) });
  const { pipeline } = bench;
  const integrationId = 'personio:burst';
  const {
    burstEvents: events,
    burstConcurrency: concurrency,
    burstIntervalMs: intervalMs,
    burstRecords: records,
  } = config;
  const komboLatencyMs = 100;
  try {
    seedIntegration(pipeline, integrationId, records);
    slowKombo(pipeline, integrationId, komboLatencyMs);
    pipeline.kombo.resetRequests();
    let sending = true;
    let invocations = 0;
    const worker = (async () => {
      while (sending) invocations += (await pipeline.runWorker({ maxInvocations: 10_000 })).length;
    })();
    const started = performance.now();
    try {
      // Kombo sends a burst from many workers at once: `concurrency` events in flight, each sender
      // pausing `intervalMs` after an answer.
      let next = 0;
      const sender = async () => {
        while (next < events) {
          next++;
          await sendDataChanged(pipeline, integrationId);
          if (intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
      };
      await Promise.all(Array.from({ length: concurrency }, sender));
    } finally {
      sending = false;
      await worker;
    }
    const sent = performance.now();
    invocations += (await pipeline.runWorker({ maxInvocations: 10_000 })).length;
    const drained = performance.now();
    await expectStored(pipeline, integrationId, records);
    const requests = pipeline.kombo.requests.filter(
      (request) => request.integrationId === integrationId && request.resource === RESOURCE,
    );
    const result: BurstResult = {
      events,
      concurrency,
      intervalMs,
      records,
      komboLatencyMs,
      coalesceWindowMs,
      sendSeconds: round((sent - started) / 1000, 3),
      drainSeconds: round((drained - sent) / 1000, 3),
      passes: requests.filter((request) => request.query.cursor === undefined).length,
      komboRequests: requests.length,
      invocations,
    };
    progress(`  ${events} events: ${result.passes} passes, ${result.komboRequests} Kombo requests`);
    return result;
  } finally {
    pipeline.kombo.clearFaults();
    await bench.close();
  }
}
