/** Printed tables, JSON files and the chart of a bench run. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BurstResult } from './burst';
import type { CapacityResult } from './capacity';
import { throughputSvg } from './chart';
import type { FleetResult } from './fleet';
import { round } from './harness';
import type { MemoryResult } from './memory';
import { oursRequests, type ThroughputResult } from './throughput';

type Row = Record<string, string | number | null | undefined>;

/** A plain text table: numbers right-aligned, text left-aligned. */
export function textTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (row: Row, column: string) => {
    const value = row[column];
    return value === null || value === undefined ? '–' : String(value);
  };
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row, column).length)));
  const line = (values: string[], numeric: boolean[]) =>
    values.map((value, i) => (numeric[i] ? value.padStart(widths[i] ?? 0) : value.padEnd(widths[i] ?? 0))).join('  ');
  const numericColumns = columns.map((column) => rows.every((row) => typeof row[column] !== 'string'));
  return [
    line(columns, numericColumns),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map((row) =>
      line(
        columns.map((column) => cell(row, column)),
        numericColumns,
      ),
    ),
  ].join('\n');
}

export function throughputRows(result: ThroughputResult): Row[] {
  return result.cells.map((cell) => ({
    'L ms': cell.komboLatencyMs,
    'D ms': cell.dynamoLatencyMs,
    'bound s': cell.boundSeconds,
    'ours s': cell.ours.medianSeconds,
    runs: cell.ours.runs,
    'ours rec/s': cell.ours.recordsPerSecond,
    'ours ÷ bound': cell.ours.wallOverBound,
    'guide s': cell.references?.['guide-fetch'].medianSeconds,
    'guide ÷ bound': cell.references?.['guide-fetch'].wallOverBound,
    'vs guide': cell.references ? `${cell.references['guide-fetch'].oursSpeedup}×` : '–',
    'sdk s': cell.references?.['sdk-iterator'].medianSeconds,
    'sdk ÷ bound': cell.references?.['sdk-iterator'].wallOverBound,
    'vs sdk': cell.references ? `${cell.references['sdk-iterator'].oursSpeedup}×` : '–',
    'fetch-only s': cell.fetchOnly?.medianSeconds,
    'ours 1st page ms': cell.ours.timeline.toFirstPageMs,
    'ours page gap ms': cell.ours.timeline.pageIntervalMs,
    'Kombo answer ms': cell.ours.timeline.komboAnswerMs,
    'ours link ms': cell.ours.timeline.clientLinkMs,
    'ours tail ms': cell.ours.timeline.afterLastPageMs,
    'ours dynamo reqs': oursRequests(cell),
  }));
}

export function capacityRows(result: CapacityResult): Row[] {
  return result.phases.map((phase) => ({
    phase: phase.phase,
    records: phase.records,
    s: phase.seconds,
    'walk (written/unchanged)': `${phase.walk.written ?? '?'}/${phase.walk.unchanged ?? '?'}`,
    'req/rec': phase.perRecord.requests,
    'RCU/rec': phase.perRecord.readUnits,
    'WCU/rec': phase.perRecord.writeUnits,
    '$/M records': phase.usdPerMillionRecords,
    requests: Object.entries(phase.byOperation)
      .sort(([, a], [, b]) => b.requests - a.requests)
      .map(([operation, usage]) => `${operation} ${usage.requests}`)
      .join(', '),
  }));
}

export function burstRows(result: BurstResult): Row[] {
  return [
    {
      events: result.events,
      'in flight': result.concurrency,
      'send s': result.sendSeconds,
      'drain s': result.drainSeconds,
      passes: result.passes,
      'Kombo requests': result.komboRequests,
      invocations: result.invocations,
      'L ms': result.komboLatencyMs,
      'coalesce ms': result.coalesceWindowMs,
    },
  ];
}

export function fleetRows(result: FleetResult): Row[] {
  return result.phases.map((phase) => ({
    phase: phase.phase,
    'budget /min': phase.budgetPerMinute,
    walks: `${phase.walksCompleted}/${phase.walksExpected}`,
    'Kombo reqs': phase.kombo.total,
    'bound s': phase.boundSeconds,
    'wall s': phase.wallSeconds,
    'wall ÷ bound': phase.wallOverBound,
    'wall ÷ budget bound': phase.wallOverBudgetBound,
    '429 per 100': phase.rateLimitedPer100,
    'budget refusals': phase.containers.budgetRefusals,
    deltas: `${phase.deltas.served}/${phase.deltas.sent}`,
    'delta p50 ms': phase.deltas.p50Ms,
    'delta p99 ms': phase.deltas.p99Ms,
    'delta max ms': phase.deltas.maxMs,
    'delta to 1st req p50 ms': phase.deltas.toFirstRequestP50Ms,
    'delta queued p50 ms': phase.deltaQueueWait.p50Ms,
    'peak walks': phase.peakConcurrentWalks,
    'peak bulk groups': phase.containers.peakBulkGroupsInFlight,
    'bulk jobs per group batch': round(
      phase.containers.bulkMessages / Math.max(1, phase.containers.bulkGroupBatches),
      1,
    ),
    invocations: phase.containers.invocations,
    'failed msgs': phase.containers.failedMessages,
    DLQ: phase.deadLetters,
    'drain s': phase.drainSeconds,
    'dynamo p99 ms': phase.dynamo.workerCallP99Ms,
    'loop p99 ms': phase.eventLoopDelayP99Ms,
  }));
}

export function memoryRows(result: MemoryResult): Row[] {
  return result.runs.map((run) => ({
    records: run.records,
    s: run.seconds,
    'rec/s': run.recordsPerSecond,
    'baseline RSS MB': run.baselineRssMb,
    'peak RSS MB': run.peakRssMb,
    'RSS growth MB': run.rssGrowthMb,
    'max RSS (life) MB': run.maxRssMb,
    'peak heap MB': run.peakHeapMb,
    'live heap growth MB': run.liveHeapGrowthMb,
  }));
}

export function writeJson(dir: string, name: string, value: unknown): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

/**
 * Writes throughput.svg, and throughput.png when `rsvg-convert` is on the PATH (no dependency of
 * the project: skipped otherwise). Returns the files written.
 */
export function writeChart(dir: string, result: ThroughputResult, caption: string): string[] {
  mkdirSync(dir, { recursive: true });
  const svg = path.join(dir, 'throughput.svg');
  writeFileSync(svg, throughputSvg(result, caption));
  const png = path.join(dir, 'throughput.png');
  try {
    execFileSync('rsvg-convert', ['-o', png, svg], { stdio: 'ignore' });
    return [svg, png];
  } catch {
    return [svg];
  }
}
