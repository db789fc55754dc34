import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../../local/pipeline';
import { cli, publishRuntime } from '../support/cli';
import { sendWebhook } from '../support/pipeline-jobs';

/**
 * The CLI's expected failures (one line, exit code 2, no stack trace), `--help` on every command, and the
 * bin itself in a child process, as `npx kombo-sync` runs it.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/kombo-sync-cli.mjs');
const ID = 'personio:errors';
let pipeline: Pipeline;
let runtime: ReturnType<typeof publishRuntime>;
let env: Record<string, string>;

beforeAll(async () => {
  pipeline = await startPipeline({ kombo: { seed: 5 }, syncResources: 'hris/employees' });
  runtime = publishRuntime(pipeline);
  env = { KOMBO_SYNC_LOCAL_RUNTIME: runtime.file };
  pipeline.kombo.addIntegration({ id: ID, category: 'HRIS' });
  pipeline.kombo.seed(ID, 'hris/employees', 12);
  await sendWebhook(pipeline, 'integration-created', { id: ID, tool: 'personio', category: 'HRIS' });
  await pipeline.runWorker();
});
afterAll(async () => {
  runtime?.remove();
  await pipeline?.close();
});

const oneLine = (stderr: string) => {
  expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('the local runtime, absent or gone', () => {
  it('no .local/runtime.json: start npm start', async () => {
    const file = path.join(path.dirname(runtime.file), 'absent.json');
    const run = await cli(['status', '--local'], { env: { KOMBO_SYNC_LOCAL_RUNTIME: file } });
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `kombo-sync: no local runtime: start it with \`npm start\` in another terminal (${file} not found)\n`,
    });
  });

  it('a file whose process has ended is stale', async () => {
    const ended = spawnSync(process.execPath, ['-e', '']).pid;
    const file = path.join(path.dirname(runtime.file), 'stale.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(runtime.file, 'utf8')), pid: ended }));
    const run = await cli(['status', '--local'], { env: { KOMBO_SYNC_LOCAL_RUNTIME: file } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `kombo-sync: the local runtime is not running (process ${ended} of ${file} is gone): start it with \`npm start\`\n`,
    );
  });
});

describe('resources that do not exist', () => {
  it('a table', async () => {
    const run = await cli(['status', '--local', '--state-table', 'no-such-table'], { env });
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'kombo-sync: state table no-such-table not found in us-east-1\n',
    });
    const records = await cli(['verify', ID, '--local', '--records-table', 'gone'], { env });
    expect(records.stderr).toBe('kombo-sync: records table gone not found in us-east-1\n');
  });

  it('a queue', async () => {
    const url = pipeline.deadLetterQueueUrl.replace(/[^/]+$/, 'no-such-queue.fifo');
    const run = await cli(['dlq', 'list', '--local', '--queue', 'sync-jobs', '--dead-letter-queue-url', url], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kombo-sync: sync-jobs queue's dead-letter queue ${url} does not exist\n`);
  });

  it('a function', async () => {
    const run = await cli(['sync', ID, '--full', '--local', '--full-sync-function', 'no-such-function'], { env });
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'kombo-sync: the full-sync function no-such-function does not exist\n',
    });
  });
});

describe('usage', () => {
  it.each([
    ['status'],
    ['verify'],
    ['sync'],
    ['register'],
    ['dlq'],
    ['dlq', 'list'],
    ['dlq', 'redrive'],
    ['purge'],
    ['cutover-check'],
  ])('%s %s --help', async (...command) => {
    const run = await cli([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: kombo-sync ${command.join(' ')}`);
  });

  it('every acting command takes the target options', async () => {
    for (const command of [['status'], ['verify'], ['dlq', 'redrive'], ['cutover-check']]) {
      const { stdout } = await cli([...command, '--help']);
      for (const option of ['--local', '--stack <name>', '--records-table <name>', '--queue-url <url>'])
        expect(stdout, command.join(' ')).toContain(option);
    }
  });

  it('an unknown command or option, or a bad value, is a usage error (exit code 2)', async () => {
    expect(await cli(['statuss'])).toMatchObject({ code: 2 });
    const option = await cli(['status', '--nope']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("error: unknown option '--nope'");
    expect((await cli(['verify', ID, '--sample', '0', '--local'], { env })).stderr).toContain(
      "option '--sample <n>' argument '0' is invalid. must be a positive integer",
    );
    expect((await cli(['status', '--local', '--stack', 'X'], { env })).stderr).toContain(
      "option '--local' cannot be used with option '--stack <name>'",
    );
  });
});

describe('the bin, in a child process', () => {
  const bin = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('answers --help and runs a command against the local runtime', async () => {
    const help = await bin(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: kombo-sync [options] [command]');

    const status = await bin(['status', '--local']);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${ID}\\s+personio\\s+HRIS\\s+ACTIVE`));

    const verify = await bin(['verify', ID, '--local']);
    expect(verify.stdout).toContain(`no drift: ${ID} matches Kombo`);
    expect(verify.code).toBe(0);
  }, 60_000);

  it('an expected failure is one line on stderr and exit code 2', async () => {
    const run = await bin(['status', 'personio:nobody', '--local']);
    expect(run.code).toBe(2);
    oneLine(run.stderr);
    expect(run.stderr).toContain('integration personio:nobody is not registered');
  }, 60_000);
});
