/**
 * Part 4: the worker's peak RSS and heap working set at two backfill sizes. The worker runs in a
 * child process (bench/worker-process.ts), so its RSS is its own: the fake Kombo (with its dataset),
 * fauxqs and dynalite (data on disk) stay in this process.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ENV } from '../lambdas/contracts';
import type { BenchConfig } from './config';
import { expectStored, seedIntegration, sendDataChanged, startBenchPipeline, workerEnvironment } from './harness';
import type { Progress } from './throughput';
import type { WorkerMemory } from './worker-process';

export interface MemoryRun extends WorkerMemory {
  readonly records: number;
  readonly recordsPerSecond: number;
}

export interface MemoryResult {
  readonly runs: readonly MemoryRun[];
}

function runWorkerProcess(input: object): Promise<WorkerMemory> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, 'worker-process.ts')],
      {
        cwd: path.join(import.meta.dirname, '..'),
        env: {
          ...process.env,
          BENCH_WORKER: JSON.stringify(input),
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
          POWERTOOLS_METRICS_DISABLED: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`worker process exited ${code}: ${stderr.slice(-2000)}`));
      try {
        resolve(JSON.parse(line) as WorkerMemory);
      } catch {
        reject(new Error(`worker process printed no result: ${stdout.slice(-500)} ${stderr.slice(-1000)}`));
      }
    });
  });
}

export async function measureMemory(config: BenchConfig, progress: Progress = () => {}): Promise<MemoryResult> {
  const runs: MemoryRun[] = [];
  for (const records of config.memorySizes) {
    const bench = await startBenchPipeline();
    const { pipeline } = bench;
    try {
      const integrationId = `personio:memory-${records}`;
      seedIntegration(pipeline, integrationId, records);
      await sendDataChanged(pipeline, integrationId);
      const memory = await runWorkerProcess({
        sqsEndpoint: pipeline.sqs.endpoint,
        dynamoEndpoint: pipeline.dynamo.endpoint,
        queueUrl: pipeline.queueUrl,
        // The functions' environment as local/pipeline.ts gives it.
        env: workerEnvironment(pipeline, 'all', {
          [ENV.localWebhookSecret]: pipeline.webhookSecret,
          [ENV.coalesceWindowSeconds]: '0',
        }),
      });
      await expectStored(pipeline, integrationId, records);
      runs.push({ records, recordsPerSecond: Math.round(records / memory.seconds), ...memory });
      progress(`  ${records} records: peak RSS ${memory.peakRssMb} MB, ${memory.seconds} s`);
    } finally {
      await bench.close();
    }
  }
  return { runs };
}
