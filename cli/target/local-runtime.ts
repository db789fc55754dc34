import { readFileSync } from 'node:fs';
import { describeIssues } from '../../lambdas/core/describe';
import { DEFAULT_RUNTIME_FILE, type LocalRuntime, localRuntimeSchema } from '../../local/runtime/runtime-file';
import { CliError } from '../errors';

/** Where `npm start` publishes itself; KOMBO_SYNC_LOCAL_RUNTIME points elsewhere (tests, a second checkout). */
export const LOCAL_RUNTIME_ENV = 'KOMBO_SYNC_LOCAL_RUNTIME';

/** The running local runtime's description, or a one-line reason why there is none. */
export function readLocalRuntime(env: Readonly<Record<string, string | undefined>>): LocalRuntime {
  const file = env[LOCAL_RUNTIME_ENV] || DEFAULT_RUNTIME_FILE;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`no local runtime: start it with \`npm start\` in another terminal (${file} not found)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON: restart \`npm start\``);
  }
  const parsed = localRuntimeSchema.safeParse(json);
  if (!parsed.success)
    throw new CliError(`${file} is not a local runtime description: ${describeIssues(parsed.error)}`);
  if (!isRunning(parsed.data.pid)) {
    throw new CliError(
      `the local runtime is not running (process ${parsed.data.pid} of ${file} is gone): start it with \`npm start\``,
    );
  }
  return parsed.data;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is only someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
