import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalWebhookEndpoint,
  MAX_REQUEST_BODY_BYTES,
  startWebhookEndpoint,
} from '../../local/runtime/webhook-server';
import { dataChangedBody } from '../support/webhook-events';
import { type Ending, exchange, type RawAnswer } from './raw-http';
import { kombosHeader, macOf, signatureSpelling, spell } from './signatures';
import { webhookWorld } from './webhook-world';

/**
 * The local HTTP path (startWebhookEndpoint in front of the real webhook function, as `npm start` and
 * the pipeline run it) over raw bytes on a socket. On a failure fast-check prints the counterexample
 * and `{ seed, path }`: pass both to that fc.assert (`{ seed, path, endOnFailure: true }`) to replay it.
 */
const SECRET = 'whsec_local_property';
const world = webhookWorld();
let endpoint: LocalWebhookEndpoint;
let port: number;
/** Whatever escaped the server: a rejection nobody handled would end a real `npm start`. */
const escaped: unknown[] = [];
const recordEscape = (error: unknown) => escaped.push(error);

beforeAll(async () => {
  process.on('unhandledRejection', recordEscape);
  process.on('uncaughtException', recordEscape);
  world.arrange({ kind: 'stored', current: SECRET }, { sqsDown: false, registryDown: false });
  endpoint = await startWebhookEndpoint(world.handlerWithLocalSecret(SECRET));
  port = Number(new URL(endpoint.url).port);
});

afterAll(async () => {
  await endpoint.close();
  process.off('unhandledRejection', recordEscape);
  process.off('uncaughtException', recordEscape);
  world.restore();
});

const ROUTE = '/webhooks/kombo';

const method = fc.oneof(
  { weight: 6, arbitrary: fc.constant('POST') },
  { weight: 2, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
  // Not methods Node knows: its parser refuses the request.
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{1,12}$/) },
);

const target = fc.oneof(
  { weight: 6, arbitrary: fc.constant(ROUTE) },
  { weight: 2, arbitrary: fc.string({ maxLength: 30 }).map((query) => `${ROUTE}?${encodeURIComponent(query)}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(`${ROUTE}/`, '/', '//webhooks/kombo', '/WEBHOOKS/KOMBO', '*', `http://x${ROUTE}`),
  },
  { weight: 1, arbitrary: fc.webPath() },
  // Bytes a request target may not hold (spaces, controls, non-ASCII): a parse error.
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((raw) => `/${raw}`) },
);

/** Header lines as raw latin-1 text: well-formed ones, and lines a parser must refuse. */
const headerLine = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/), fc.string({ maxLength: 60 })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constant('Content-Type'), fc.constantFrom('application/json', 'text/plain', 'x')),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constant('no-colon-here'), fc.constant(undefined)) },
  { weight: 1, arbitrary: fc.tuple(fc.constant('Expect'), fc.constantFrom('100-continue', 'the-unexpected')) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constant('X-Bytes'), fc.string({ unit: 'binary-ascii', maxLength: 20 })),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constant('X-Latin1'), fc.uint8Array({ minLength: 1, maxLength: 10 })) },
);

const body = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('hris_employees', 'ats_jobs', 'x')
      .map((m) => Buffer.from(dataChangedBody({ category: m.startsWith('ats') ? 'ATS' : 'HRIS', models: [m] }))),
  },
  { weight: 2, arbitrary: fc.json().map((json) => Buffer.from(json)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.constant(Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80, 0x7d])) },
  { weight: 1, arbitrary: fc.integer({ min: 300_000, max: 2_000_000 }).map((bytes) => Buffer.alloc(bytes, 'a')) },
  // Over the HTTP API's 10 MB: the endpoint answers 413 itself, without buffering it.
  { weight: 1, arbitrary: fc.constant(MAX_REQUEST_BODY_BYTES + 1).map((bytes) => Buffer.alloc(bytes, '[')) },
);

/** How the body is framed on the wire, and how the client ends. */
const framing = fc.constantFrom(
  'content-length',
  'chunked',
  'no-length',
  'short-length',
  'truncated-half-close',
  'truncated-reset',
);
type Framing = typeof framing extends fc.Arbitrary<infer T> ? T : never;

const signature = fc.oneof(
  { weight: 3, arbitrary: fc.constant('kombo' as const) },
  { weight: 2, arbitrary: signatureSpelling },
  { weight: 1, arbitrary: fc.constant('twice' as const) },
  { weight: 1, arbitrary: fc.constant('none' as const) },
);

const request = fc.record({
  method,
  target,
  headers: fc.array(headerLine, { maxLength: 6 }),
  body,
  framing,
  pieces: fc.integer({ min: 1, max: 40 }),
  signature,
});

type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

function serialise(r: Request): { pieces: Buffer[]; ending: Ending } {
  const lines = [`${r.method} ${r.target} HTTP/1.1`, 'Host: 127.0.0.1'];
  for (const [name, value] of r.headers) {
    lines.push(
      value === undefined
        ? name
        : `${name}: ${typeof value === 'string' ? value : Buffer.from(value).toString('latin1')}`,
    );
  }
  if (r.signature !== 'none') {
    const mac = macOf(r.body, SECRET);
    // Twice: the endpoint joins the two into one value with a comma, as API Gateway does.
    const values = r.signature === 'twice' ? [spell(mac, 'kombo'), spell(mac, 'kombo')] : [spell(mac, r.signature)];
    for (const value of values) lines.push(`X-Kombo-Signature: ${value}`);
  }
  const cut = Math.floor(r.body.length / 2);
  const framingHeader: Record<Framing, string | undefined> = {
    'content-length': `Content-Length: ${r.body.length}`,
    chunked: 'Transfer-Encoding: chunked',
    'no-length': undefined,
    'short-length': `Content-Length: ${cut}`,
    'truncated-half-close': `Content-Length: ${r.body.length + 10}`,
    'truncated-reset': `Content-Length: ${r.body.length + 10}`,
  };
  const framingLine = framingHeader[r.framing];
  if (framingLine) lines.push(framingLine);
  lines.push('Connection: close', '', '');
  const head = Buffer.from(lines.join('\r\n'), 'latin1');
  const size = Math.max(1, Math.ceil(r.body.length / r.pieces));
  const slices: Buffer[] = [];
  for (let at = 0; at < r.body.length; at += size) slices.push(r.body.subarray(at, at + size));
  const bodyPieces =
    r.framing === 'chunked'
      ? [
          ...slices.map((slice) =>
            Buffer.concat([Buffer.from(`${slice.length.toString(16)}\r\n`), slice, Buffer.from('\r\n')]),
          ),
          Buffer.from('0\r\n\r\n'),
        ]
      : r.framing === 'no-length'
        ? []
        : r.framing === 'truncated-reset'
          ? slices.slice(0, Math.ceil(slices.length / 2))
          : slices;
  const ending: Ending =
    r.framing === 'truncated-half-close' ? 'half-close' : r.framing === 'truncated-reset' ? 'reset' : 'complete';
  return { pieces: [head, ...bodyPieces], ending };
}

function expectJson(answer: RawAnswer): unknown {
  expect(answer.headers['content-type']).toBe('application/json');
  const json: unknown = JSON.parse(answer.body.toString('utf8'));
  expect(json).toBeTypeOf('object');
  return json;
}

/** The endpoint still does its job: a signed data-changed event is accepted and enqueued. */
async function expectStillServing(): Promise<void> {
  const before = world.enqueued.length;
  const event = dataChangedBody({ eventId: `evt_alive_${before}`, models: ['hris_employees'] });
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-kombo-signature': kombosHeader(Buffer.from(event), SECRET) },
    body: event,
  });
  expect(response.status).toBe(200);
  expect(world.enqueued.length).toBeGreaterThan(before);
}

describe('the local webhook endpoint under hostile HTTP', () => {
  it('answers every request it can answer with JSON, never a 5xx, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const enqueuedBefore = world.enqueued.length;
        const { pieces, ending } = serialise(r);
        const answer = await exchange(port, pieces, ending);

        // Only a client that went away midway may go unanswered, or one that sent more than its
        // Content-Length: the server closes after its answer, and TCP may then reset the connection
        // (bytes left unread) before the client has read that answer.
        if (answer === undefined) expect(ending !== 'complete' || r.framing === 'short-length').toBe(true);
        else {
          expect(answer.status).toBeLessThan(500);
          // The answer to a HEAD request (404, or 417 for its Expect) has a head only, as HTTP wants.
          if (r.method === 'HEAD' && answer.body.length === 0) expect([404, 417]).toContain(answer.status);
          else {
            const json = expectJson(answer) as Record<string, unknown>;
            // The function names the problem in `error`; the endpoint itself (404, 413, unparsable requests) in `message`.
            if (answer.status !== 200)
              expect(typeof json.error === 'string' || typeof json.message === 'string').toBe(true);
          }
        }
        // Nothing reaches the queue but a body signed as Kombo signs, sent whole to the route.
        if (world.enqueued.length > enqueuedBefore) {
          expect(r.method).toBe('POST');
          expect(['kombo', 'kombo-with-whitespace']).toContain(r.signature);
          expect(['content-length', 'chunked']).toContain(r.framing);
        }
        await expectStillServing();
        expect(escaped).toEqual([]);
      }),
      { numRuns: 120 },
    );
  });
});

describe('regressions found by these properties', () => {
  const head = (extra: string) => Buffer.from(`POST ${ROUTE} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`, 'latin1');

  it('a client that leaves midway through its body does not take the server down', async () => {
    const answer = await exchange(port, [head('Content-Length: 100000\r\n'), Buffer.from('{"id":')], 'reset');
    expect(answer).toBeUndefined();
    // The rejection that used to escape surfaces on the next turns of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(escaped).toEqual([]);
    await expectStillServing();
  });

  it('answers a request Node cannot parse with a JSON 400', async () => {
    const answer = await exchange(port, [Buffer.from('BREW /webhooks/kombo HTTP/1.1\r\nHost: x\r\n\r\n')], 'complete');
    expect(answer?.status).toBe(400);
    expect(expectJson(answer as RawAnswer)).toEqual({ message: 'Bad Request' });
  });

  it('answers a body over the 10 MB of an HTTP API with a JSON 413, as API Gateway does', async () => {
    const body = Buffer.alloc(MAX_REQUEST_BODY_BYTES + 1, 'a');
    const answer = await exchange(
      port,
      [head(`Content-Length: ${body.length}\r\nConnection: close\r\n`), body],
      'complete',
    );
    expect(answer?.status).toBe(413);
    expect(expectJson(answer as RawAnswer)).toEqual({ message: 'Request Entity Too Large' });
  });

  it('answers an Expect it cannot meet with a JSON 417', async () => {
    const answer = await exchange(
      port,
      [head('Expect: the-unexpected\r\nContent-Length: 2\r\nConnection: close\r\n'), Buffer.from('{}')],
      'complete',
    );
    expect(answer?.status).toBe(417);
    expect(expectJson(answer as RawAnswer)).toEqual({ message: 'Expectation Failed' });
  });

  it('routes on the path alone: a query string reaches the function, which verifies the signature', async () => {
    const response = await fetch(`${endpoint.url}?source=kombo`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'missing X-Kombo-Signature' });
  });
});
