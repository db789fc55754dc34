/**
 * `npm run test:soak -- --seeds 1000 [--from 1]` runs many convergence seeds; `--seed N` replays one
 * (`--verbose` prints the functions' logs). Exits 1 when a seed fails, after printing the command
 * that replays it; writes the report to .local/soak-report.json.
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    from: { type: 'string', default: '1' },
    seed: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const whole = (name: string, text: string | undefined): number => {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number, got ${text ?? 'nothing'}`);
    process.exit(2);
  }
  return value;
};
const seeds =
  values.seed !== undefined
    ? [whole('seed', values.seed)]
    : Array.from({ length: whole('seeds', values.seeds ?? '100') }, (_, n) => whole('from', values.from) + n);

// Set before the functions' modules load (they read them once).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = values.verbose ? 'DEBUG' : 'SILENT';
process.env.AWS_REGION ??= 'us-east-1';

const { startPipeline } = await import('../local/pipeline');
const { CONVERGENCE_PIPELINE_OPTIONS } = await import('../test/convergence/settings');
const { runSeed } = await import('../test/convergence/simulation');
const { summarise, writeReport } = await import('../test/convergence/report');

const pipeline = await startPipeline(CONVERGENCE_PIPELINE_OPTIONS);
const results = [];
try {
  for (const seed of seeds) {
    const result = await runSeed(pipeline, seed);
    results.push(result);
    const verdict = result.violations.length === 0 ? 'ok' : `FAILED (${result.violations.length} violations)`;
    console.log(`seed ${seed}: ${verdict}, ${(result.durationMs / 1000).toFixed(1)} s`);
    for (const violation of result.violations.slice(0, 5)) console.log(`  ${violation.invariant}: ${violation.detail}`);
  }
} finally {
  await pipeline.close();
}
const report = summarise(results);
for (const line of writeReport(report, '.local/soak-report.json')) console.log(line);
process.exit(report.failedSeeds.length > 0 ? 1 : 0);
