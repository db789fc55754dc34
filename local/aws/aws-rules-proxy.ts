import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorAnswer, sendErrorAnswer, validationError } from './aws-error-answers';
import { type FailFault, FaultList, type ThrottleFault } from './aws-faults';
import { checkRequestParts, tablesNeedingKeySchema } from './aws-rules';
import { isObject, requestParts, type WireItem } from './dynamo-request-parts';
import { summariseRequest } from './dynamo-request-summary';
import { httpOrigin } from './http-origin';
import { itemBytes } from './item-size';
import { TableKeySchemas } from './table-key-schemas';

/** The request log keeps this many of the most recent requests. */
const MAX_LOGGED_REQUESTS = 20_000;

/** One request the proxy received, in arrival order. */
export interface LoggedRequest {
  /** `Date.now()` when the request's headers arrived (before its body was read). */
  readonly at: number;
  /** The `X-Amz-Target` operation, e.g. `PutItem`. */
  readonly operation: string;
  /** The first table the request names (a batch may name more); undefined for e.g. ListTables. */
  readonly table: string | undefined;
  /** `pk` string values of its items and keys (and of a Query's key condition). */
  readonly partitionKeys: string[];
  readonly outcome: 'forwarded' | 'refused' | 'fault';
}

/** What one operation cost since `resetUsage()` (benchmarks; not bounded like the request log). */
export interface OperationUsage {
  /** Requests received, whatever their outcome. */
  requests: number;
  /** Requests the upstream answered with ConditionalCheckFailedException. */
  conditionFailures: number;
  /**
   * Capacity units, only while metering: what the upstream reports as `ConsumedCapacity` (read
   * units for reads, write units for writes), plus, for a write refused by its condition (which
   * reports none), what DynamoDB bills for it: the stored item's size in 1 KB units, at least 1.
   */
  capacityUnits: number;
}

/** What tests use to steer the AWS-rules layer and to see what reached it. */
export interface AwsRulesControl {
  /** The next `times` matching requests answer ProvisionedThroughputExceededException, as AWS does. */
  throttle(fault: ThrottleFault): void;
  /** The next `times` matching requests answer the given error (e.g. AccessDeniedException, InternalServerError/500). */
  fail(fault: FailFault): void;
  clearFaults(): void;
  /** Every request received and answered so far, oldest first (one still being read is not listed yet). */
  requests(): LoggedRequest[];
  resetRequests(): void;
  /** Benchmarks: every request from now on waits `ms` before it is handled, like a network round trip (0: none). */
  setLatency(ms: number): void;
  /**
   * Benchmarks: while on, every forwarded data request asks the upstream for `ReturnConsumedCapacity`
   * (TOTAL) and the units are added to `usage()`; answers are then sent once complete, not streamed.
   */
  setMetering(on: boolean): void;
  /** Requests (and, while metering, capacity units) by operation since the last `resetUsage()`. */
  usage(): Record<string, OperationUsage>;
  resetUsage(): void;
}

export interface AwsRulesProxy {
  readonly endpoint: string;
  readonly control: AwsRulesControl;
  close(): Promise<void>;
}

export interface AwsRulesProxyOptions {
  /** The DynamoDB-protocol server behind the proxy, e.g. dynalite's `http://127.0.0.1:port`. */
  readonly upstream: string;
  readonly port?: number;
  /** The address to listen on. @default 127.0.0.1 */
  readonly host?: string;
  /** The partition-key attribute whose values the log records and faults match. */
  readonly partitionKeyName: string;
  /** Benchmarks: delay before each request is handled (default 0); `control.setLatency` changes it. */
  readonly latencyMs?: number;
}

/** A log entry while its request is handled: table and keys come with the body, the outcome last. */
interface Entry {
  readonly at: number;
  readonly operation: string;
  table: string | undefined;
  partitionKeys: string[];
  outcome: LoggedRequest['outcome'] | undefined;
}

const operationOf = (message: IncomingMessage) => {
  const target = message.headers['x-amz-target'];
  return typeof target === 'string' ? (target.split('.').pop() ?? target) : '';
};

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => resolve(Buffer.concat(chunks)));
    message.on('error', reject);
  });
}

/** The operations whose answers carry `ConsumedCapacity` when asked. */
const METERED = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
]);

/** `ConsumedCapacity` of an answer (an object, or a list for batches), summed. */
function consumedUnits(answer: unknown): number {
  if (!isObject(answer)) return 0;
  const consumed = answer.ConsumedCapacity;
  const list: unknown[] = Array.isArray(consumed) ? consumed : [consumed];
  let total = 0;
  for (const entry of list)
    if (isObject(entry) && typeof entry.CapacityUnits === 'number') total += entry.CapacityUnits;
  return total;
}

/** The request with `ReturnConsumedCapacity` set, and its raw headers with the new length. */
function withCapacityRequested(body: Buffer, rawHeaders: string[], json: unknown) {
  if (!isObject(json) || (json.ReturnConsumedCapacity !== undefined && json.ReturnConsumedCapacity !== 'NONE'))
    return { body, rawHeaders };
  const metered = Buffer.from(JSON.stringify({ ...json, ReturnConsumedCapacity: 'TOTAL' }), 'utf8');
  const headers = [...rawHeaders];
  for (let index = 0; index < headers.length; index += 2) {
    if (headers[index]?.toLowerCase() === 'content-length') headers[index + 1] = String(metered.length);
  }
  return { body: metered, rawHeaders: headers };
}

const isConditionFailure = (answer: unknown) =>
  isObject(answer) && String(answer.__type).endsWith('#ConditionalCheckFailedException');

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined; // forwarded as is: dynalite answers SerializationException like AWS
  }
}

/**
 * An HTTP proxy in front of a local DynamoDB server (dynalite) that refuses what AWS refuses and
 * dynalite accepts (see `aws-rules.ts`), can answer with injected faults AWS produces and local
 * servers never do (throttling, service errors), and logs every request. Everything else is
 * forwarded verbatim and answered with the upstream's status, headers and body unchanged.
 */
export async function startAwsRulesProxy(options: AwsRulesProxyOptions): Promise<AwsRulesProxy> {
  const upstream = new URL(options.upstream);
  // The SDK keeps its sockets alive; so does the proxy towards dynalite, or every request would
  // pay for a new loopback connection.
  const agent = new Agent({ keepAlive: true });
  const schemas = new TableKeySchemas(upstream, agent);
  const faults = new FaultList();
  let log: Entry[] = [];
  let latencyMs = options.latencyMs ?? 0;
  let metering = false;
  let usage = new Map<string, OperationUsage>();
  const usageOf = (operation: string) => {
    let entry = usage.get(operation);
    if (!entry) {
      entry = { requests: 0, conditionFailures: 0, capacityUnits: 0 };
      usage.set(operation, entry);
    }
    return entry;
  };

  /** The proxy's own request to the upstream (not logged, counted or delayed), its answer parsed. */
  function askUpstream(operation: string, payload: unknown): Promise<unknown> {
    const body = JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const outgoing = request(
        upstream,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-amz-json-1.0',
            'content-length': Buffer.byteLength(body),
            'x-amz-target': `DynamoDB_20120810.${operation}`,
            authorization:
              'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
            'x-amz-date': '20200101T000000Z',
          },
        },
        (answer) => readBody(answer).then((buffer) => resolve(parseJson(buffer)), reject),
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  /** What DynamoDB bills a write its condition refused: the stored item's size in 1 KB units, at least 1. */
  async function refusedWriteUnits(json: unknown): Promise<number> {
    if (!isObject(json) || typeof json.TableName !== 'string') return 1;
    await schemas.load([json.TableName]).catch(() => undefined);
    const schema = schemas.get(json.TableName);
    const source = isObject(json.Key) ? json.Key : isObject(json.Item) ? json.Item : undefined;
    if (!schema || !source) return 1;
    const key: Record<string, unknown> = { [schema.hash]: source[schema.hash] };
    if (schema.range !== undefined) key[schema.range] = source[schema.range];
    const stored = await askUpstream('GetItem', { TableName: json.TableName, Key: key, ConsistentRead: true });
    const item = isObject(stored) && isObject(stored.Item) ? (stored.Item as WireItem) : undefined;
    return Math.max(1, Math.ceil((item ? itemBytes(item) : 0) / 1024));
  }

  /** Counts a condition failure and, while metering, the answer's capacity units. */
  async function tally(operation: string, json: unknown, status: number, answer: Buffer, metered: boolean) {
    const parsed = parseJson(answer);
    const entry = usageOf(operation);
    const refused = status === 400 && isConditionFailure(parsed);
    if (refused) entry.conditionFailures++;
    if (!metered) return;
    if (status === 200) entry.capacityUnits += consumedUnits(parsed);
    else if (refused) entry.capacityUnits += await refusedWriteUnits(json).catch(() => 1);
  }

  function forward(incoming: IncomingMessage, received: Buffer, response: ServerResponse, json: unknown): void {
    const operation = operationOf(incoming);
    const metered = metering && METERED.has(operation);
    const { body, rawHeaders } = metered
      ? withCapacityRequested(received, incoming.rawHeaders, json)
      : { body: received, rawHeaders: incoming.rawHeaders };
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: rawHeaders,
        agent,
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        if (!metered) {
          response.writeHead(status, answer.statusMessage, answer.rawHeaders);
          answer.pipe(response);
          // Only an error answer is read on the side, for the condition-failure count.
          if (status === 400)
            readBody(answer)
              .then((buffer) => tally(operation, json, status, buffer, false))
              .catch(() => undefined);
          return;
        }
        readBody(answer)
          .then(async (buffer) => {
            await tally(operation, json, status, buffer, true);
            response.writeHead(status, answer.statusMessage, answer.rawHeaders);
            response.end(buffer);
          })
          .catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
      },
    );
    outgoing.on('error', (error) => {
      if (response.headersSent) response.destroy(error);
      else
        sendErrorAnswer(
          response,
          errorAnswer('InternalServerError', 500, `AWS-rules proxy: upstream failed: ${error.message}`),
        );
    });
    outgoing.end(body);
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const entry: Entry = {
      at: Date.now(),
      operation: operationOf(incoming),
      table: undefined,
      partitionKeys: [],
      outcome: undefined,
    };
    log.push(entry);
    // Bounded, so a long `npm start` session does not grow without end; tests look at recent requests.
    if (log.length > MAX_LOGGED_REQUESTS) log.splice(0, log.length - MAX_LOGGED_REQUESTS);
    usageOf(entry.operation).requests++;
    const body = await readBody(incoming);
    if (latencyMs > 0) await sleep(latencyMs);
    const json = parseJson(body);
    const parts = requestParts(entry.operation, json);
    const summary = summariseRequest(entry.operation, parts, options.partitionKeyName);
    entry.table = summary.tables[0];
    entry.partitionKeys = [...summary.partitionKeys];

    const needSchemas = tablesNeedingKeySchema(parts);
    // Without a schema the key-size rule is skipped; dynalite then answers as it would.
    if (needSchemas.length > 0) await schemas.load(needSchemas).catch(() => undefined);
    const refusal = checkRequestParts(parts, (table) => schemas.get(table));
    if (refusal !== undefined) {
      entry.outcome = 'refused';
      sendErrorAnswer(response, validationError(refusal));
      return;
    }
    const fault = faults.take(summary);
    if (fault) {
      entry.outcome = 'fault';
      sendErrorAnswer(response, fault);
      return;
    }
    entry.outcome = 'forwarded';
    if (entry.operation === 'CreateTable' || entry.operation === 'DeleteTable') {
      for (const table of summary.tables) schemas.forget(table);
    }
    forward(incoming, body, response, json);
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendErrorAnswer(response, errorAnswer('InternalServerError', 500, `AWS-rules proxy: ${String(error)}`));
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const control: AwsRulesControl = {
    throttle: (fault) => faults.throttle(fault),
    fail: (fault) => faults.fail(fault),
    clearFaults: () => faults.clear(),
    requests: () =>
      log
        .filter((entry): entry is Entry & { outcome: LoggedRequest['outcome'] } => entry.outcome !== undefined)
        .map(({ at, operation, table, partitionKeys, outcome }) => ({
          at,
          operation,
          table,
          partitionKeys: [...partitionKeys],
          outcome,
        })),
    resetRequests: () => {
      log = [];
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setMetering: (on) => {
      metering = on;
    },
    usage: () => Object.fromEntries([...usage].map(([operation, entry]) => [operation, { ...entry }])),
    resetUsage: () => {
      usage = new Map();
    },
  };

  return {
    endpoint: httpOrigin(host, port),
    control,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
