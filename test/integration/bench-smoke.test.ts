/**
 * `npm run bench`'s code paths at a tiny size: every part runs and leaves well-formed results. No
 * timing is asserted (the bench measures; this only keeps it runnable).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { BurstResult } from '../../bench/burst';
import type { CapacityResult } from '../../bench/capacity';
import { benchConfig, PARTS } from '../../bench/config';
import type { FleetResult } from '../../bench/fleet';
import type { MemoryResult } from '../../bench/memory';
import { runSuite } from '../../bench/suite';
import type { ThroughputResult } from '../../bench/throughput';
import { startLocalDynamo } from '../../local/aws/dynamo-server';

const resultsDir = mkdtempSync(path.join(os.tmpdir(), 'kombo-sync-bench-smoke-'));
afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

const SIZES: Record<string, string> = {
  BENCH_RECORDS: '300',
  BENCH_KOMBO_LATENCIES: '0,5',
  BENCH_DYNAMO_LATENCIES: '0',
  BENCH_REPEATS: '1',
  BENCH_REFERENCE_REPEATS: '1',
  BENCH_CAPACITY_RECORDS: '300',
  BENCH_RSS_SIZES: '300',
  BENCH_BURST_EVENTS: '20',
  BENCH_BURST_CONCURRENCY: '5',
  BENCH_BURST_RECORDS: '300',
  // 4 integrations × 2 resources, 10 requests a second: each weekly run is a few seconds.
  BENCH_FLEET_INTEGRATIONS: '4',
  BENCH_FLEET_RESOURCES: '2',
  BENCH_FLEET_RATE_LIMIT: '50',
  BENCH_FLEET_RATE_WINDOW_MS: '5000',
  BENCH_FLEET_KOMBO_LATENCY_MS: '5',
  BENCH_FLEET_CONCURRENCY: '2',
  BENCH_FLEET_DELTA_INTERVAL_MS: '300',
};

function configAtTinySize(parts: readonly string[]) {
  const saved = Object.fromEntries(Object.keys(SIZES).map((name) => [name, process.env[name]]));
  Object.assign(process.env, SIZES);
  try {
    return benchConfig(parts, resultsDir);
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const read = <T>(name: string) => JSON.parse(readFileSync(path.join(resultsDir, name), 'utf8')) as T;
const finitePositive = (value: number) => expect(Number.isFinite(value) && value > 0, String(value)).toBe(true);

describe('npm run bench at a tiny size', () => {
  it('runs every part but the fleet and writes well-formed results and the chart', { timeout: 90_000 }, async () => {
    const lines: string[] = [];
    const parts = PARTS.filter((part) => part !== 'fleet');
    const files = await runSuite(configAtTinySize(parts), (line) => lines.push(line));
    expect(files.map((file) => path.basename(file))).toEqual(
      expect.arrayContaining(['throughput.json', 'throughput.svg', 'capacity.json', 'memory.json', 'burst.json']),
    );
    expect(lines.join('\n')).toContain('ours ÷ bound');

    const throughput = read<ThroughputResult>('throughput.json');
    expect(throughput.cells).toHaveLength(2);
    for (const cell of throughput.cells) {
      expect(cell.pages).toBe(2);
      expect(cell.boundSeconds).toBe((2 * cell.komboLatencyMs) / 1000);
      finitePositive(cell.ours.medianSeconds);
      finitePositive(cell.ours.recordsPerSecond);
      expect(cell.ours.komboRequests).toBeGreaterThanOrEqual(2);
      expect(Object.values(cell.ours.dynamoRequests).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      // The lowest D is the only one here, so the references ran in every cell.
      expect(cell.references).not.toBeNull();
      for (const reference of Object.values(cell.references ?? {})) {
        expect(reference.runs).toBe(1);
        finitePositive(reference.medianSeconds);
        finitePositive(reference.oursSpeedup);
      }
      expect(Object.keys(cell.references ?? {}).sort()).toEqual(['guide-fetch', 'sdk-iterator']);
      if (cell.komboLatencyMs > 0) finitePositive(cell.ours.wallOverBound ?? Number.NaN);
      else expect(cell.ours.wallOverBound).toBeNull();
    }
    const svg = readFileSync(path.join(resultsDir, 'throughput.svg'), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('</svg>');
    expect(svg).not.toContain('NaN');

    const capacity = read<CapacityResult>('capacity.json');
    expect(capacity.phases.map((phase) => phase.phase)).toEqual(['backfill', 'delta-overlap', 'full-sync']);
    for (const phase of capacity.phases) {
      expect(phase.requests).toBeGreaterThan(0);
      finitePositive(phase.readUnits + phase.writeUnits);
      expect(Number.isFinite(phase.usdPerMillionRecords)).toBe(true);
    }
    // The delta re-read every record, unchanged; the backfill wrote them all.
    expect(capacity.phases[0]?.walk.written).toBe(300);
    expect(capacity.phases[1]?.walk.unchanged).toBe(300);
    finitePositive(capacity.weekly.usdPerMillionRecordsPerWeek);

    const memory = read<MemoryResult>('memory.json');
    expect(memory.runs).toHaveLength(1);
    for (const run of memory.runs) {
      finitePositive(run.peakRssMb);
      finitePositive(run.baselineRssMb);
      finitePositive(run.seconds);
      expect(Number.isFinite(run.liveHeapGrowthMb)).toBe(true);
    }

    const burst = read<BurstResult>('burst.json');
    expect(burst).toMatchObject({ events: 20, concurrency: 5, records: 300 });
    expect(burst.passes).toBeGreaterThanOrEqual(1);
    expect(burst.komboRequests).toBeGreaterThanOrEqual(burst.passes * 2);
    expect(burst.invocations).toBeGreaterThanOrEqual(1);
  });

  it('runs the fleet: every weekly run completes, and its counts add up', { timeout: 150_000 }, async () => {
    const lines: string[] = [];
    const files = await runSuite(configAtTinySize(['fleet']), (line) => lines.push(line));
    expect(files.map((file) => path.basename(file))).toEqual(['fleet.json']);
    expect(lines.join('\n')).toContain('wall ÷ bound');

    const fleet = read<FleetResult>('fleet.json');
    expect(fleet).toMatchObject({ integrations: 4, resourcesPerIntegration: 2, walksPerRun: 8, containers: 2 });
    // The reference (budget off) runs unless BENCH_REFERENCES=none.
    expect(fleet.phases.map((phase) => phase.phase)).toEqual(['backfill', 'steady', 'steady, budget off']);
    expect(fleet.phases.map((phase) => phase.budgetPerMinute)).toEqual([540, 540, 0]);
    expect(fleet.findings).toHaveLength(3);
    for (const phase of fleet.phases) {
      expect(phase.runCompleted).toBe(true);
      expect(phase.walksCompleted).toBe(8);
      const { kombo } = phase;
      expect(kombo.fullPages + kombo.deltaPages + kombo.sweepPages + kombo.integrationLookups).toBe(kombo.total);
      // Each of the 4 integrations is asked about once, and each of the 8 resources walked in full.
      expect(kombo.integrationLookups).toBeGreaterThanOrEqual(4);
      expect(kombo.fullPages).toBeGreaterThanOrEqual(8);
      finitePositive(phase.wallSeconds);
      finitePositive(phase.boundSeconds);
      finitePositive(phase.wallOverBound);
      expect(phase.boundSeconds).toBeCloseTo((kombo.total - kombo.rateLimited) / fleet.rateLimit.perSecond, 1);
      expect(phase.rateLimitedPer100).toBeGreaterThanOrEqual(0);
      expect(phase.rateLimitedPer100).toBeLessThanOrEqual(100);
      const { deltas } = phase;
      expect(deltas.served + deltas.unserved + deltas.webhookFailures).toBe(deltas.sent);
      if (deltas.served > 0) expect(deltas.p50Ms ?? -1).toBeLessThanOrEqual(deltas.maxMs ?? -1);
      expect(phase.peakConcurrentWalks).toBeGreaterThanOrEqual(1);
      expect(phase.peakConcurrentWalks).toBeLessThanOrEqual(8);
      expect(phase.containers.invocations).toBeGreaterThanOrEqual(1);
      expect(phase.deadLetters).toBe(0);
    }
    const [backfill, steady] = fleet.phases;
    // The backfill's full walks saw every record once: written, or already stored by a delta (as new or newer).
    const seen = backfill ? backfill.records.written + backfill.records.unchanged + backfill.records.stale : 0;
    expect(seen).toBe(fleet.records);
    // A steady week writes only what changed.
    expect(steady?.records.unchanged).toBeGreaterThan(steady?.records.written ?? 0);
  });
});

describe('the AWS-rules proxy as the bench uses it', () => {
  it('counts requests by operation and meters capacity units as DynamoDB bills them', async () => {
    const dynamo = await startLocalDynamo({ latencyMs: 1 });
    try {
      await dynamo.createTable('bench-meter');
      const rules = dynamo.rules!;
      rules.setMetering(true);
      rules.resetUsage();
      const item = { pk: 'p', sk: 'a', blob: 'x'.repeat(2500) }; // about 2.5 KB: 3 write units, 1 read unit
      await dynamo.documents.send(new PutCommand({ TableName: 'bench-meter', Item: item }));
      // Refused by its condition: still billed, by the stored item's size.
      await expect(
        dynamo.documents.send(
          new PutCommand({ TableName: 'bench-meter', Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
        ),
      ).rejects.toThrow(/conditional/i);
      await dynamo.documents.send(
        new GetCommand({ TableName: 'bench-meter', Key: { pk: 'p', sk: 'a' }, ConsistentRead: true }),
      );
      // Eventually consistent, half a unit per key, a missing one included.
      await dynamo.documents.send(
        new BatchGetCommand({
          RequestItems: {
            'bench-meter': {
              Keys: [
                { pk: 'p', sk: 'a' },
                { pk: 'p', sk: 'missing' },
              ],
            },
          },
        }),
      );
      await dynamo.documents.send(
        new UpdateCommand({
          TableName: 'bench-meter',
          Key: { pk: 'p', sk: 'a' },
          UpdateExpression: 'SET n = :n',
          ExpressionAttributeValues: { ':n': 1 },
        }),
      );
      expect(rules.usage()).toEqual({
        PutItem: { requests: 2, conditionFailures: 1, capacityUnits: 6 },
        GetItem: { requests: 1, conditionFailures: 0, capacityUnits: 1 },
        BatchGetItem: { requests: 1, conditionFailures: 0, capacityUnits: 1 },
        UpdateItem: { requests: 1, conditionFailures: 0, capacityUnits: 3 },
      });
      // The client got ordinary answers, and metering off leaves the counts alone.
      rules.setMetering(false);
      rules.resetUsage();
      await dynamo.documents.send(new PutCommand({ TableName: 'bench-meter', Item: { pk: 'p', sk: 'b' } }));
      expect(rules.usage()).toEqual({ PutItem: { requests: 1, conditionFailures: 0, capacityUnits: 0 } });
    } finally {
      await dynamo.close();
    }
  });
});
