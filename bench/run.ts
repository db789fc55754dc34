/**
 * `npm run bench [throughput|capacity|memory ...]`: see README (Benchmarks) and bench/config.ts for
 * the BENCH_* sizes. The functions' logger and metrics read their settings when first loaded, so
 * they are set here before anything loads them.
 */
import path from 'node:path';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const { benchConfig } = await import('./config');
const { runSuite } = await import('./suite');
await runSuite(benchConfig(process.argv.slice(2), path.join(import.meta.dirname, 'results')));
