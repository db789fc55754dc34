import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/**
 * What the HTTP API does in front of the webhook function, for local runs and tests: `POST
 * /webhooks/kombo` becomes a payload-2.0 event (body base64-encoded, as API Gateway does for
 * bodies it does not treat as text), and the function's answer becomes the HTTP response.
 */
export type WebhookHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LocalWebhookEndpoint {
  /** Full URL of the webhook route, to give Kombo (or the fake Kombo). */
  readonly url: string;
  close(): Promise<void>;
}

/** An HTTP API takes request bodies up to 10 MB (a quota that cannot be raised); so does this stand-in. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

const ROUTE_PATH = '/webhooks/kombo';

export async function startWebhookEndpoint(handler: WebhookHandler, port = 0): Promise<LocalWebhookEndpoint> {
  const server: Server = createServer((request, response) => {
    answer(handler, request, response).catch(() => {
      // answer() handles what it expects; should anything else throw, that connection ends, not the server.
      response.destroy();
    });
  });
  server.on('clientError', answerClientError);
  // An `Expect` other than 100-continue: Node refuses it (417) without a body unless told otherwise.
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) =>
    sendJson(response, 417, { message: 'Expectation Failed' }),
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${boundPort}${ROUTE_PATH}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(handler: WebhookHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = request.url ?? '';
  const queryAt = url.indexOf('?');
  // Routes match the path alone; the query string travels in the event.
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (request.method !== 'POST' || path !== ROUTE_PATH) {
    sendJson(response, 404, { message: 'Not Found' });
    return;
  }
  const body = await readBody(request);
  if (body === 'aborted') return;
  if (body === 'too large') {
    sendJson(response, 413, { message: 'Request Entity Too Large' });
    return;
  }
  const context = {
    functionName: 'webhook',
    awsRequestId: `local-${Date.now()}`,
    getRemainingTimeInMillis: () => 10_000,
  } as Context;
  try {
    const result = await handler(toEvent(request, body, queryAt === -1 ? '' : url.slice(queryAt + 1)), context);
    response.writeHead(result.statusCode ?? 200, stringHeaders(result.headers)).end(result.body ?? '');
  } catch {
    // The function failed, or answered what HTTP cannot carry: API Gateway's answer to both.
    sendJson(response, 500, { message: 'Internal Server Error' });
  }
}

/**
 * The whole body, or why there is none to hand on: the client went away mid-body (nobody to answer),
 * or it is over the limit (read to its end and dropped, so the client hears the 413 and memory stays bounded).
 */
async function readBody(request: IncomingMessage): Promise<Buffer | 'aborted' | 'too large'> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const chunk of request) {
      bytes += (chunk as Buffer).length;
      if (bytes <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk as Buffer);
    }
  } catch {
    return 'aborted';
  }
  return bytes > MAX_REQUEST_BODY_BYTES ? 'too large' : Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, statusCode: number, body: Record<string, string>): void {
  response.writeHead(statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * A request Node cannot parse gets a JSON answer too (Node's own has no body), with the status Node
 * would give it; a connection already reset has nobody to answer.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({ message: reason });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function toEvent(request: IncomingMessage, body: Buffer, rawQueryString: string): APIGatewayProxyEventV2 {
  // Header names lower-cased, repeated headers joined with commas, as the HTTP API does.
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (values !== undefined) headers[name] = values.join(',');
  }
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/kombo',
    rawPath: ROUTE_PATH,
    rawQueryString,
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: 'POST',
        path: ROUTE_PATH,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `local-${now.getTime()}`,
      routeKey: 'POST /webhooks/kombo',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

function stringHeaders(headers: APIGatewayProxyStructuredResultV2['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}
