import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

export async function startWebhookEndpoint(handler: WebhookHandler, port = 0): Promise<LocalWebhookEndpoint> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'POST' || request.url !== '/webhooks/kombo') {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
        return;
      }
      const body = await readBody(request);
      const context = {
        functionName: 'webhook',
        awsRequestId: `local-${Date.now()}`,
        getRemainingTimeInMillis: () => 10_000,
      } as Context;
      try {
        const result = await handler(toEvent(request, body), context);
        response.writeHead(result.statusCode ?? 200, stringHeaders(result.headers)).end(result.body ?? '');
      } catch {
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"Internal Server Error"}');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: boundPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${boundPort}/webhooks/kombo`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/kombo',
    rawPath: '/webhooks/kombo',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: 'POST',
        path: '/webhooks/kombo',
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
