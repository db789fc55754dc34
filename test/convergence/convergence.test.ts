import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../../local/pipeline';
import { summarise, writeReport } from './report';
import { CONVERGENCE_PIPELINE_OPTIONS, replayCommand } from './settings';
import { runSeed, type SeedResult } from './simulation';

/**
 * The seeded fault-injection suite at CI size: each seed a random run of upstream changes, webhook
 * misdelivery, Kombo and AWS faults and crashes, checked throughout and at the end (see
 * simulation.ts). `CONVERGENCE_SEEDS=a,b` runs given seeds; `npm run test:soak -- --seeds 1000` many.
 * Seeds that once found a bug stay in REGRESSION_SEEDS.
 */
const REGRESSION_SEEDS: readonly number[] = [];
const CI_SEEDS = Array.from({ length: 6 }, (_, n) => 1_000 + n);
const seeds = process.env.CONVERGENCE_SEEDS
  ? process.env.CONVERGENCE_SEEDS.split(',').map(Number)
  : [...REGRESSION_SEEDS, ...CI_SEEDS];

let pipeline: Pipeline;
const results: SeedResult[] = [];
beforeAll(async () => {
  pipeline = await startPipeline(CONVERGENCE_PIPELINE_OPTIONS);
});
afterAll(async () => {
  await pipeline?.close();
  if (results.length > 0) {
    for (const line of writeReport(summarise(results), '.local/convergence-report.json')) console.log(line);
  }
});

describe('convergence under faults', () => {
  for (const seed of seeds) {
    it(`seed ${seed}: the mirror converges, every invariant holds throughout`, { timeout: 180_000 }, async () => {
      const result = await runSeed(pipeline, seed);
      results.push(result);
      // The suite must have done something: a seed that changed nothing and checked nothing proves nothing.
      expect(result.upstreamChanges + result.worker.invocations).toBeGreaterThan(0);
      expect(result.invariantChecks.monotonicChecks).toBeGreaterThan(0);
      expect(result.violations, `replay: ${replayCommand(seed)}`).toEqual([]);
    });
  }
});
