import { connect, type Socket } from 'node:net';

/**
 * A bare HTTP/1.1 client over a TCP socket, so that tests can send what fetch never would: malformed
 * request lines and headers, lying Content-Lengths, chunked bodies, and requests cut off midway.
 */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export type Ending =
  /** Everything is sent, then the answer is awaited. */
  | 'complete'
  /** The client half-closes before the body it announced is complete. */
  | 'half-close'
  /** The client resets the connection midway. */
  | 'reset';

const ANSWER_TIMEOUT_MS = 5_000;

/** Sends `pieces` in order (waiting for each to drain), ends as told, and reads one answer (if any). */
export async function exchange(
  port: number,
  pieces: readonly Buffer[],
  ending: Ending,
): Promise<RawAnswer | undefined> {
  const socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  // A server that stops reading (it already answered) resets the connection: that is an answer too.
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  for (const piece of pieces) {
    if (socket.destroyed) break;
    if (!socket.write(piece)) await drainedOrClosed(socket);
  }
  if (ending === 'reset') socket.resetAndDestroy();
  else if (ending === 'half-close') socket.end();
  const timer = setTimeout(() => socket.destroy(), ANSWER_TIMEOUT_MS);
  await closed;
  clearTimeout(timer);
  return parseAnswer(Buffer.concat(received));
}

function drainedOrClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    socket.once('drain', resolve);
    socket.once('close', resolve);
  });
}

/**
 * The first final response in `bytes`, past any interim one (`100 Continue`), if there is one; a
 * server may write another after it, e.g. for pipelined garbage.
 */
export function parseAnswer(bytes: Buffer): RawAnswer | undefined {
  if (bytes.length === 0) return undefined;
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) throw new Error(`no complete response head in ${JSON.stringify(bytes.toString('latin1'))}`);
  if (/^HTTP\/1\.1 1\d\d /.test(bytes.subarray(0, 13).toString('latin1')))
    return parseAnswer(bytes.subarray(headEnd + 4));
  const [statusLine = '', ...lines] = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(statusLine);
  if (!status) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = bytes.subarray(headEnd + 4);
  const length = headers['content-length'];
  const body =
    length !== undefined
      ? rest.subarray(0, Number(length))
      : headers['transfer-encoding'] === 'chunked'
        ? dechunk(rest)
        : rest;
  return { status: Number(status[1]), headers, body };
}

function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}
