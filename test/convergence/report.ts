import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FAULT_KINDS, type FaultCounts, noFaults } from './faults';
import { replayCommand } from './settings';
import type { SeedResult } from './simulation';

export interface ConvergenceReport {
  readonly at: string;
  readonly seeds: number;
  readonly failedSeeds: readonly { seed: number; replay: string; violations: readonly string[] }[];
  readonly faultsInjected: FaultCounts;
  readonly webhooks: Record<string, number>;
  readonly invariantChecks: Record<string, number>;
  readonly upstreamChanges: number;
  readonly workerInvocations: number;
  readonly seconds: number;
}

/** Adds up what the seeds did: seeds, faults by kind, invariant checks, and each failing seed's replay command. */
export function summarise(results: readonly SeedResult[]): ConvergenceReport {
  const faultsInjected = noFaults();
  const webhooks: Record<string, number> = {};
  const invariantChecks: Record<string, number> = {};
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
  };
  for (const result of results) {
    for (const kind of FAULT_KINDS) faultsInjected[kind] += result.faults[kind];
    add(webhooks, { ...result.webhooks });
    add(invariantChecks, { ...result.invariantChecks, lateWriteChecks: result.worker.lateWriteChecks });
  }
  return {
    at: new Date().toISOString(),
    seeds: results.length,
    failedSeeds: results
      .filter((result) => result.violations.length > 0)
      .map((result) => ({
        seed: result.seed,
        replay: replayCommand(result.seed),
        violations: result.violations.map((violation) => `${violation.invariant}: ${violation.detail}`),
      })),
    faultsInjected,
    webhooks,
    invariantChecks,
    upstreamChanges: results.reduce((sum, result) => sum + result.upstreamChanges, 0),
    workerInvocations: results.reduce((sum, result) => sum + result.worker.invocations, 0),
    seconds: Math.round(results.reduce((sum, result) => sum + result.durationMs, 0) / 1000),
  };
}

/** Writes the report as JSON and returns a few lines to print. */
export function writeReport(report: ConvergenceReport, file: string): string[] {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  const faults = Object.entries(report.faultsInjected)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const checks = Object.entries(report.invariantChecks)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  return [
    `convergence: ${report.seeds} seeds, ${report.failedSeeds.length} failed, ${report.seconds} s; report ${file}`,
    `  faults injected: ${faults}`,
    `  webhooks: ${Object.entries(report.webhooks)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')}; upstream changes ${report.upstreamChanges}; worker invocations ${report.workerInvocations}`,
    `  invariant checks: ${checks}`,
    ...report.failedSeeds.map((failed) => `  FAILED seed ${failed.seed}: replay with \`${failed.replay}\``),
  ];
}
