import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../cli/main';
import { type Pipeline, startPipeline } from '../../local/pipeline';
import { writeRuntimeFile } from '../../local/runtime/runtime-file';
import { sendWebhook } from './pipeline-jobs';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the operator CLI in this process with captured output, this environment and, optionally, typed answers. */
export async function cli(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; answer?: string; now?: () => Date } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: options.env ?? {},
    stdin: options.answer === undefined ? undefined : Readable.from([`${options.answer}\n`]),
    interactive: false,
    now: options.now ?? (() => new Date()),
  });
  return { code, stdout, stderr };
}

/** Publishes a pipeline as `npm start` does, in a directory of its own; returns the file and how to remove it. */
export function publishRuntime(pipeline: Pipeline): { file: string; remove: () => void } {
  const directory = mkdtempSync(path.join(tmpdir(), 'kombo-sync-cli-'));
  const file = path.join(directory, 'runtime.json');
  writeRuntimeFile(pipeline.runtime(), file);
  return { file, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

export const CLI_HRIS = 'personio:cli';
export const CLI_ATS = 'greenhouse:cli';

/**
 * A pipeline published as `npm start` publishes it, with two integrations backfilled through
 * `integration-created`: an HRIS one (40 employees, 15 absences) and an ATS one (30 candidates, 5 jobs).
 */
export async function startCliPipeline(seed: number): Promise<{
  pipeline: Pipeline;
  env: Record<string, string>;
  directory: string;
  close: () => Promise<void>;
}> {
  const pipeline = await startPipeline({
    kombo: { seed },
    syncResources: 'hris/employees,hris/absences,ats/candidates,ats/jobs',
    workerEnv: { COALESCE_WINDOW_SECONDS: '0' },
  });
  const runtime = publishRuntime(pipeline);
  for (const [id, category, seeds] of [
    [CLI_HRIS, 'HRIS', { 'hris/employees': 40, 'hris/absences': 15 }],
    [CLI_ATS, 'ATS', { 'ats/candidates': 30, 'ats/jobs': 5 }],
  ] as const) {
    pipeline.kombo.addIntegration({ id, category });
    for (const [resource, count] of Object.entries(seeds)) pipeline.kombo.seed(id, resource, count);
    await sendWebhook(pipeline, 'integration-created', {
      id,
      tool: id.split(':')[0],
      category,
      end_user: { organization_name: 'Org', creator_email: null, origin_id: `origin-${id}` },
    });
  }
  await pipeline.runWorker();
  return {
    pipeline,
    env: { KOMBO_SYNC_LOCAL_RUNTIME: runtime.file },
    directory: path.dirname(runtime.file),
    close: async () => {
      runtime.remove();
      await pipeline.close();
    },
  };
}
