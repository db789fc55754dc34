/**
 * When a weekly run is done, read from what the worker leaves: a full walk that completed writes
 * its run summary (`run#<resource>#<runId>`, with `started_at` and `finished_at`) in the state
 * table. The run is done when every resource of the fleet has one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { runKey, statePartition } from '../lambdas/core/table-keys';
import { type Pipeline, STATE_TABLE } from '../local/pipeline';
import type { FleetDataset } from './fleet-data';

/** Only when the deltas stop depends on it: the wall time is read from the summaries' `finished_at`. */
const CHECK_INTERVAL_MS = 1000;
const KEYS_PER_READ = 100;

export interface WalkSummary {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly pages: number;
  readonly written: number;
  readonly unchanged: number;
  readonly stale: number;
  readonly tombstoned: number;
  readonly invocations: number;
}

export type RunOutcome =
  | { readonly status: 'completed'; readonly walks: WalkSummary[] }
  /** Some resources had no completed walk of the run by the deadline. */
  | { readonly status: 'timed-out'; readonly walks: WalkSummary[]; readonly missing: number };

/** Waits until every resource of the fleet completed a full walk of `runId`, or `timeoutMs` passed. */
export async function waitForRun(
  pipeline: Pipeline,
  dataset: FleetDataset,
  runId: string,
  timeoutMs: number,
): Promise<RunOutcome> {
  let waiting = dataset.resources.map(({ integrationId, resource }) => ({
    pk: statePartition(integrationId),
    sk: runKey(resource, runId),
  }));
  const walks: WalkSummary[] = [];
  const until = performance.now() + timeoutMs;
  for (;;) {
    const found = new Set<string>();
    for (let start = 0; start < waiting.length; start += KEYS_PER_READ) {
      const answer = await pipeline.dynamo.documents.send(
        new BatchGetCommand({ RequestItems: { [STATE_TABLE]: { Keys: waiting.slice(start, start + KEYS_PER_READ) } } }),
      );
      for (const item of answer.Responses?.[STATE_TABLE] ?? []) {
        found.add(`${item.pk}\u0000${item.sk}`);
        walks.push(walkSummary(item));
      }
    }
    waiting = waiting.filter(({ pk, sk }) => !found.has(`${pk}\u0000${sk}`));
    if (waiting.length === 0) return { status: 'completed', walks };
    if (performance.now() >= until) return { status: 'timed-out', walks, missing: waiting.length };
    await sleep(CHECK_INTERVAL_MS);
  }
}

function walkSummary(item: Record<string, unknown>): WalkSummary {
  const count = (name: string) => Number(item[name] ?? 0);
  return {
    startedAt: Date.parse(String(item.started_at)),
    finishedAt: Date.parse(String(item.finished_at)),
    pages: count('pages'),
    written: count('written'),
    unchanged: count('unchanged'),
    stale: count('stale'),
    tombstoned: count('tombstoned'),
    invocations: count('invocations'),
  };
}

/** Most intervals open at one moment (an interval ending when another starts does not overlap it). */
export function peakOverlap(intervals: readonly { readonly startedAt: number; readonly finishedAt: number }[]): number {
  const events = intervals.flatMap(({ startedAt, finishedAt }) => [
    { at: startedAt, change: 1 },
    { at: finishedAt, change: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.change - b.change);
  let open = 0;
  let peak = 0;
  for (const { change } of events) {
    open += change;
    peak = Math.max(peak, open);
  }
  return peak;
}
