import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npm start -- --once`: the README's local runtime runs the whole pipeline and checks the mirror. */
describe('the local runtime', () => {
  it('backfills, applies a delta, runs a full sync and ends with a mirror that matches upstream', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'local/start.ts', '--once'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('demo done: the mirror matches upstream');
    expect(run.stdout).toContain('the changed employee reads first_name = "Changed"');
    // Even the test-only secret stays out of the output.
    expect(run.stdout).not.toContain(readFileSync(path.join(root, 'events/test-webhook-secret.txt'), 'utf8').trim());
  }, 120_000);
});
