import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorAnswer, sendErrorAnswer, validationError } from './aws-error-answers';
import { type FailFault, FaultList, type ThrottleFault } from './aws-faults';
import { checkRequestParts, tablesNeedingKeySchema } from './aws-rules';
import { requestParts } from './dynamo-request-parts';
import { summariseRequest } from './dynamo-request-summary';
import { TableKeySchemas } from './table-key-schemas';

/** The request log keeps this many of the most recent requests. */
export const MAX_LOGGED_REQUESTS = 20_000;

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
  /** The partition-key attribute whose values the log records and faults match. */
  readonly partitionKeyName: string;
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

  function forward(incoming: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.rawHeaders,
        agent,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
        answer.pipe(response);
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
    const body = await readBody(incoming);
    const parts = requestParts(entry.operation, parseJson(body));
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
    forward(incoming, body, response);
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendErrorAnswer(response, errorAnswer('InternalServerError', 500, `AWS-rules proxy: ${String(error)}`));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
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
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    control,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
