import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS, type MetricName } from '../../lambdas/contracts';
import { ALARMS } from '../../lib/alarm-catalogue';

const root = path.resolve(import.meta.dirname, '../..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(path.join(root, dir, file), 'utf8'));
}

/** Every metric name the functions' code hands to Telemetry as a string literal. */
function emittedNames(): Set<string> {
  const names = new Set<string>();
  for (const source of sourcesUnder('lambdas')) {
    for (const match of source.matchAll(/\.(?:count|seconds)\(\s*(?:[^'()]*\?\s*)?'(\w+)'(?:\s*:\s*'(\w+)')?/g)) {
      if (match[1]) names.add(match[1]);
      if (match[2]) names.add(match[2]);
    }
  }
  return names;
}

describe('the metric catalogue (lambdas/contracts.ts METRICS)', () => {
  it('lists only metrics some function emits, so no alarm or widget can watch a metric nobody emits', () => {
    const emitted = emittedNames();
    expect((Object.keys(METRICS) as MetricName[]).filter((name) => !emitted.has(name))).toEqual([]);
  });

  it('lists every metric the functions emit', () => {
    expect([...emittedNames()].filter((name) => !Object.hasOwn(METRICS, name))).toEqual([]);
  });

  it('gives every alarm on a metric of ours a metric from the catalogue', () => {
    for (const [id, alarm] of Object.entries(ALARMS)) {
      if (alarm.source.kind === 'metric') expect(Object.hasOwn(METRICS, alarm.source.metric), id).toBe(true);
    }
  });
});
