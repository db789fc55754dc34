import { isIP } from 'node:net';
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import { parseArgs } from 'node:util';
import { ENV_FILE, LOCAL_AWS_PORTS, type LocalAwsPorts } from './settings';

/** `npm run local:aws -- …`: what to do, where to listen, how SAM's containers reach it. */
export interface LocalAwsArgs {
  readonly command: 'serve' | 'inspect' | 'help';
  readonly host: string;
  /** Why this host: said when serving, since the default depends on the machine. */
  readonly hostFrom: '--host' | typeof HOST_VARIABLE | 'docker0' | 'loopback';
  readonly reachAs: string | undefined;
  readonly ports: LocalAwsPorts;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export const HOST_VARIABLE = 'LOCAL_AWS_HOST';

export const USAGE = `usage: npm run local:aws -- [inspect] [--host <address>] [--reach-as <name>]
                         [--sqs-port <port>] [--dynamodb-port <port>] [--kombo-port <port>]
  (no command)     serve SQS, DynamoDB and the fake Kombo for sam local and write ${ENV_FILE}; Ctrl-C stops
  inspect          print the queues' messages and the tables' contents of a running local:aws
  --host           the IP address to listen on: $${HOST_VARIABLE}, else the docker0 bridge's address, else 127.0.0.1
  --reach-as       the host name SAM's containers reach it by (default host.docker.internal)
  --sqs-port       default ${LOCAL_AWS_PORTS.sqs}
  --dynamodb-port  default ${LOCAL_AWS_PORTS.dynamodb}
  --kombo-port     default ${LOCAL_AWS_PORTS.kombo}`;

/** The Docker bridge's IPv4 address, which containers on the default network reach the host by. */
export function dockerBridgeAddress(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): string | undefined {
  return interfaces.docker0?.find((address) => address.family === 'IPv4')?.address;
}

const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

function ipAddress(value: string, source: string): string {
  if (isIP(value) === 0)
    throw new UsageError(`${source} must be an IP address to listen on, e.g. 127.0.0.1, got "${value}"`);
  return value;
}

function port(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= 1 && number <= 65_535))
    throw new UsageError(`${flag} must be a port from 1 to 65535, got "${value}"`);
  return number;
}

export function parseLocalAwsArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): LocalAwsArgs {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'inspect')) {
    throw new UsageError(`unknown command "${positionals.join(' ')}" (expected inspect, or none to serve)`);
  }
  const reachAs = values['reach-as'];
  if (reachAs !== undefined && !HOST_NAME.test(reachAs)) {
    throw new UsageError(`--reach-as must be a host name, e.g. host.docker.internal, got "${reachAs}"`);
  }
  const ports = {
    sqs: port(values['sqs-port'], '--sqs-port', LOCAL_AWS_PORTS.sqs),
    dynamodb: port(values['dynamodb-port'], '--dynamodb-port', LOCAL_AWS_PORTS.dynamodb),
    kombo: port(values['kombo-port'], '--kombo-port', LOCAL_AWS_PORTS.kombo),
  };
  if (new Set(Object.values(ports)).size < 3)
    throw new UsageError('--sqs-port, --dynamodb-port and --kombo-port must differ');
  const command = values.help ? 'help' : positionals[0] === 'inspect' ? 'inspect' : 'serve';
  const fromVariable = env[HOST_VARIABLE]?.trim() || undefined;
  const bridge = dockerBridgeAddress(interfaces);
  const common = { command, reachAs, ports } as const;
  if (values.host !== undefined) return { ...common, host: ipAddress(values.host, '--host'), hostFrom: '--host' };
  if (fromVariable) return { ...common, host: ipAddress(fromVariable, HOST_VARIABLE), hostFrom: HOST_VARIABLE };
  if (bridge) return { ...common, host: bridge, hostFrom: 'docker0' };
  return { ...common, host: '127.0.0.1', hostFrom: 'loopback' };
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      host: { type: 'string' },
      'reach-as': { type: 'string' },
      'sqs-port': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      'kombo-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
