import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENV } from '../lambdas/contracts';
import type { AwsRulesControl } from '../local/aws/aws-rules-proxy';
import { type Pipeline, RECORDS_TABLE, STATE_TABLE, startPipeline } from '../local/pipeline';
import { CHANGED_MODEL, RESOURCE } from './config';

export interface BenchPipeline {
  readonly pipeline: Pipeline;
  /** The AWS-rules proxy in front of dynalite: latency, request counts, capacity units. */
  readonly rules: AwsRulesControl;
  close(): Promise<void>;
}

/**
 * The whole pipeline (fake Kombo over HTTP, fauxqs, the AWS-rules proxy in this process; dynalite
 * behind the proxy in a child process), with DynamoDB's data on disk, so the heap holds only the
 * worker and the fake's dataset.
 */
export async function startBenchPipeline(workerEnv: Record<string, string> = {}): Promise<BenchPipeline> {
  const dynamoPath = mkdtempSync(path.join(os.tmpdir(), 'kombo-sync-bench-'));
  const pipeline = await startPipeline({
    dynamoPath,
    awsRules: true,
    // DynamoDB is another machine: dynalite's CPU time must not delay the client measured here.
    dynamoSeparateProcess: true,
    kombo: { seed: 5, rateLimit: { limit: 10_000_000, windowMs: 60_000 } },
    // No coalescing pause: the walk starts as soon as the job arrives.
    workerEnv: { COALESCE_WINDOW_SECONDS: '0', ...workerEnv },
  });
  const rules = pipeline.dynamo.rules;
  if (!rules) throw new Error('the bench needs the AWS-rules proxy');
  return {
    pipeline,
    rules,
    async close() {
      await pipeline.close();
      rmSync(dynamoPath, { recursive: true, force: true });
    },
  };
}

/** A new HRIS integration in the fake with `records` records of the bench's resource. */
export function seedIntegration(pipeline: Pipeline, id: string, records: number): void {
  pipeline.kombo.addIntegration({ id, category: 'HRIS' });
  pipeline.kombo.seed(id, RESOURCE, records);
}

/** Every Kombo page of `integrationId` waits `ms` before it is answered, until the faults are cleared. */
export function slowKombo(pipeline: Pipeline, integrationId: string, ms: number): void {
  if (ms > 0) pipeline.kombo.injectFault({ kind: 'latency', ms, match: { integrationId, times: Infinity } });
}

export interface SyncRun {
  readonly seconds: number;
  readonly invocations: number;
  readonly komboRequests: number;
}

/** A signed `data-changed` webhook for the bench's resource; anything but 200 stops the bench. */
export async function sendDataChanged(pipeline: Pipeline, integrationId: string): Promise<void> {
  const { status } = await pipeline.kombo.sendDataChanged({
    url: pipeline.webhook.url,
    secret: pipeline.webhookSecret,
    integrationId,
    changedModels: [CHANGED_MODEL],
  });
  if (status !== 200) throw new Error(`webhook answered ${status} for ${integrationId}`);
}

/**
 * One sync as production runs it: a signed `data-changed` webhook (or `full` job already enqueued),
 * then the worker drains the queue. Timed from the webhook to the empty queue.
 */
export async function syncOnce(pipeline: Pipeline, integrationId: string, how: 'webhook' | 'full-sync') {
  const requestsBefore = pipeline.kombo.requests.length;
  const started = performance.now();
  if (how === 'webhook') {
    await sendDataChanged(pipeline, integrationId);
  } else {
    await pipeline.invokeFullSync({ integration_id: integrationId, resources: [RESOURCE] });
  }
  const invocations = await pipeline.runWorker({ maxInvocations: 10_000 });
  const failed = invocations.filter((report) => report.failed > 0 || report.crashed).length;
  if (failed > 0) throw new Error(`${failed} worker invocations failed`);
  return {
    seconds: (performance.now() - started) / 1000,
    invocations: invocations.length,
    komboRequests: pipeline.kombo.requests.length - requestsBefore,
  } satisfies SyncRun;
}

/** Fails unless the records table holds exactly `expected` records of the integration. */
export async function expectStored(pipeline: Pipeline, integrationId: string, expected: number): Promise<void> {
  const stored = await pipeline.storedRecords(integrationId, RESOURCE);
  if (stored.length !== expected) throw new Error(`expected ${expected} stored records, found ${stored.length}`);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export function machine() {
  let revision: string | undefined;
  let dirty: string[] = [];
  let diffHash: string | undefined;
  try {
    revision = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain', '--', 'lambdas', 'lib', 'local'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    const diff = execFileSync('git', ['diff', 'HEAD', '--', 'lambdas', 'lib', 'local'], { encoding: 'utf8' });
    diffHash = createHash('sha256').update(diff).digest('hex').slice(0, 12);
  } catch {
    // not a git checkout
  }
  return {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    revision,
    /** Files of the measured code that differ from the revision (work in progress is measured as it is). */
    uncommitted: dirty,
    /** Hash of those differences, so two runs of the same work in progress can be told apart. */
    uncommittedHash: dirty.length > 0 ? diffHash : undefined,
  };
}

/** The worker's environment as the stack sets it, pointed at the local pipeline, plus `overrides`. */
export function workerEnvironment(
  pipeline: Pipeline,
  syncResources: string,
  overrides: Record<string, string>,
): Record<string, string> {
  return {
    [ENV.syncJobsQueueUrl]: pipeline.queueUrl,
    [ENV.deadLetterQueueUrl]: pipeline.deadLetterQueueUrl,
    [ENV.recordsTable]: RECORDS_TABLE,
    [ENV.stateTable]: STATE_TABLE,
    [ENV.komboApiUrl]: pipeline.kombo.baseUrl,
    [ENV.localKomboApiKey]: pipeline.kombo.apiKey,
    [ENV.syncResources]: syncResources,
    ...overrides,
  };
}
