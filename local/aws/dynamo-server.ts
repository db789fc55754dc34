import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { PARTITION_KEY, SORT_KEY } from '../../lambdas/core/table-keys';
import { type AwsRulesControl, type AwsRulesProxy, startAwsRulesProxy } from './aws-rules-proxy';
import { startDynamoDbLocal } from './dynamodb-local';
import { httpOrigin } from './http-origin';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './sqs-server';

const CHILD_ENTRY = fileURLToPath(new URL('./dynalite-process.mjs', import.meta.url));

/**
 * Which DynamoDB-protocol server runs: dynalite (default), or AWS's DynamoDB Local for parity runs
 * (`KOMBO_SYNC_DYNAMODB=dynamodb-local`, only inside a private network namespace; see
 * `npm run test:ddb-local`). Anything else is refused rather than silently replaced by dynalite.
 */
export type DynamoServerKind = 'dynalite' | 'dynamodb-local';

export function dynamoServerKind(env: NodeJS.ProcessEnv = process.env): DynamoServerKind {
  const value = env.KOMBO_SYNC_DYNAMODB;
  if (value === undefined || value === '' || value === 'dynalite') return 'dynalite';
  if (value === 'dynamodb-local') return value;
  throw new Error(`KOMBO_SYNC_DYNAMODB must be dynalite or dynamodb-local, not ${JSON.stringify(value)}`);
}

/**
 * A real DynamoDB-protocol server (dynalite in this process or in a child, or DynamoDB Local in a
 * JVM), with the stack's tables; on loopback by default.
 */
export interface LocalDynamo {
  readonly endpoint: string;
  /** The server behind the endpoint (and behind the AWS-rules layer, when it is on). */
  readonly server: DynamoServerKind;
  readonly client: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  /** The AWS-rules layer's faults and request log; undefined when started with `awsRules: false`. */
  readonly rules: AwsRulesControl | undefined;
  /** Creates a table with the stack's key schema (`pk`, `sk`, both strings). */
  createTable(name: string): Promise<void>;
  close(): Promise<void>;
}

export interface LocalDynamoOptions {
  /** The port clients use (the proxy's when `awsRules` is on); 0 or absent picks a free one. */
  port?: number;
  /** The address clients use (the proxy's when `awsRules` is on; the server behind it stays on loopback). */
  host?: string;
  /**
   * Keep the data in LevelDB files there instead of the JS heap (benchmarks measure the heap).
   * DynamoDB Local keeps its SQLite file there (`-dbPath`) instead of in memory.
   */
  path?: string;
  /**
   * Put the AWS-rules proxy in front of dynalite (default): it refuses what AWS refuses and
   * dynalite stores (e.g. an empty map key), injects faults and logs requests. `false` talks to
   * dynalite directly, e.g. to show what dynalite alone accepts.
   */
  awsRules?: boolean;
  /** Benchmarks: delay before the AWS-rules layer handles each request (see `rules.setLatency`). */
  latencyMs?: number;
  /**
   * Benchmarks: run dynalite in a child process, so its CPU time does not delay the client measured in
   * this one (DynamoDB is another machine). The AWS-rules proxy stays here. @default false
   * DynamoDB Local always runs in a process of its own (a JVM), so it has no effect there.
   */
  separateProcess?: boolean;
  /** @default dynamoServerKind(), i.e. from `KOMBO_SYNC_DYNAMODB` */
  server?: DynamoServerKind;
}

/** Where the DynamoDB-protocol server listens, and how to stop it. */
interface Backend {
  readonly endpoint: string;
  close(): Promise<void>;
}

async function inProcessDynalite(options: LocalDynamoOptions, port: number, host: string): Promise<Backend> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  const endpoint = await listen(server, port, host);
  return {
    endpoint,
    close: async () => {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function childProcessDynalite(options: LocalDynamoOptions): Promise<Backend> {
  const child = spawn(process.execPath, [CHILD_ENTRY, ...(options.path ? [options.path] : [])], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`dynalite's process exited (${code}) before it listened`)));
    child.stdout.once('data', (chunk: Buffer) => resolve((JSON.parse(chunk.toString()) as { port: number }).port));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return httpOrigin(host, (server.address() as AddressInfo).port);
}

/** The server clients reach directly (`awsRules: false`) or through the layer (then on loopback, any port). */
function startBackend(server: DynamoServerKind, options: LocalDynamoOptions, port: number, host: string) {
  if (server === 'dynamodb-local') return startDynamoDbLocal({ port, host, path: options.path });
  return options.separateProcess ? childProcessDynalite(options) : inProcessDynalite(options, port, host);
}

export async function startLocalDynamo(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const awsRules = options.awsRules ?? true;
  const host = options.host ?? '127.0.0.1';
  const server = options.server ?? dynamoServerKind();
  const backend = await startBackend(
    server,
    options,
    awsRules ? 0 : (options.port ?? 0),
    awsRules ? '127.0.0.1' : host,
  );
  const backendEndpoint = backend.endpoint;
  let proxy: AwsRulesProxy | undefined;
  try {
    proxy = awsRules
      ? await startAwsRulesProxy({
          upstream: backendEndpoint,
          port: options.port ?? 0,
          host,
          partitionKeyName: PARTITION_KEY,
          latencyMs: options.latencyMs,
        })
      : undefined;
  } catch (error) {
    await backend.close();
    throw error;
  }
  const endpoint = proxy?.endpoint ?? backendEndpoint;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint,
    server,
    client,
    documents,
    rules: proxy?.control,
    async createTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: PARTITION_KEY, AttributeType: 'S' },
            { AttributeName: SORT_KEY, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
            { AttributeName: SORT_KEY, KeyType: 'RANGE' },
          ],
        }),
      );
    },
    async close() {
      client.destroy();
      await proxy?.close();
      await backend.close();
    },
  };
}
