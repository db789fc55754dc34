import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Context } from 'aws-lambda';

/**
 * What Lambda's Invoke API does for local runs and tests: `POST /2015-03-31/functions/{name}/invocations`
 * runs the named handler, so a caller (the operator CLI with `--local`) uses the real @aws-sdk/client-lambda
 * with an endpoint override. `X-Amz-Invocation-Type: Event` answers 202 and hands the event to `invokeAsync`
 * (retries, then the on-failure queue), as the schedule's invocations go; `RequestResponse` (the default)
 * answers the handler's result, or its error with `X-Amz-Function-Error: Unhandled`, as Lambda does.
 */
export type InvokableHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalFunction {
  readonly handler: InvokableHandler;
  /** Lambda's asynchronous invocation of this function (retries, on-failure destination). */
  readonly invokeAsync: (event: unknown) => Promise<unknown>;
  /** The function's timeout: what `getRemainingTimeInMillis` starts from. */
  readonly timeoutMs: number;
}

export interface LocalLambdaEndpoint {
  readonly endpoint: string;
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLambdaEndpoint(functions: Record<string, LocalFunction>): Promise<LocalLambdaEndpoint> {
  const background = new Set<Promise<unknown>>();
  const server = createServer((request, response) => {
    void answer(request, response, functions, (work) => {
      const running = work.catch(() => undefined).finally(() => background.delete(running));
      background.add(running);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // An asynchronous invocation still running finishes before the services it uses go away.
      await Promise.all(background);
    },
  };
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  functions: Record<string, LocalFunction>,
  runInBackground: (work: Promise<unknown>) => void,
): Promise<void> {
  const match = request.method === 'POST' ? INVOKE_PATH.exec(new URL(request.url ?? '/', 'http://x').pathname) : null;
  if (!match) return sendError(response, 404, 'UnknownOperationException', `no route ${request.method} ${request.url}`);
  const name = decodeURIComponent(match[1] ?? '');
  const fn = functions[name];
  if (!fn) return sendError(response, 404, 'ResourceNotFoundException', `Function not found: ${name}`);
  let event: unknown;
  try {
    const body = await readBody(request);
    event = body.length === 0 ? {} : JSON.parse(body);
  } catch {
    return sendError(response, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
  }
  if (request.headers['x-amz-invocation-type'] === 'Event') {
    runInBackground(fn.invokeAsync(event));
    response.writeHead(202).end();
    return;
  }
  const deadline = Date.now() + fn.timeoutMs;
  const context = {
    functionName: name,
    awsRequestId: `local-${Date.now()}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  } as Context;
  try {
    const result = await fn.handler(event, context);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? null));
  } catch (error) {
    const failure = {
      errorType: error instanceof Error ? error.name : 'Error',
      errorMessage: error instanceof Error ? error.message : String(error),
      trace: [],
    };
    response
      .writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' })
      .end(JSON.stringify(failure));
  }
}

/** Lambda's error shape: the type in `x-amzn-errortype`, the message in the body. */
function sendError(response: ServerResponse, status: number, type: string, message: string): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type })
    .end(JSON.stringify({ Type: 'User', message }));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
