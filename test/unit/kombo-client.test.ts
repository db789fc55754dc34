import { describe, expect, it } from 'vitest';
import { KomboClient, type KomboClientOptions, telemetryHooks } from '../../lambdas/core/kombo/client';
import {
  KomboCursorRejectedError,
  KomboIntegrationUnavailableError,
  KomboPaginationError,
  KomboPermanentError,
  KomboResourceUnavailableError,
  KomboSetupPendingError,
  KomboUnavailableError,
} from '../../lambdas/core/kombo/errors';
import type { Deadline } from '../../lambdas/core/ports';
import { RecordingTelemetry } from '../support/recording-telemetry';

type Reply = { status?: number; body: unknown; headers?: Record<string, string> } | 'network-error' | 'hang';

/** A scripted fetch: answers each request with the next reply and records the requests. */
function scriptedFetch(replies: Reply[]) {
  const requests: { url: URL; headers: Record<string, string> }[] = [];
  const fetchStub = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: new URL(String(input)), headers: init?.headers as Record<string, string> });
    const reply = replies.shift();
    if (reply === undefined) throw new Error('no more scripted replies');
    if (reply === 'network-error') throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }
    const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    return new Response(body, { status: reply.status ?? 200, headers: reply.headers });
  }) as typeof fetch;
  return { fetchStub, requests };
}

const page = (ids: string[], next: string | null) => ({
  body: {
    status: 'success',
    data: {
      next,
      results: ids.map((id) => ({
        id,
        changed_at: '2026-11-01T00:00:00.000Z',
        remote_id: null,
        custom: { kept: true },
      })),
    },
  },
});
const error = (status: number, code: string | null, headers: Record<string, string> = {}) => ({
  status,
  headers,
  body: { status: 'error', error: { code, title: null, message: `failure ${code}`, log_url: null } },
});

const plenty: Deadline = { remainingMs: () => 600_000 };
const query = {
  integrationId: 'personio:p1',
  resource: 'hris/employees',
  updatedAfter: '2026-11-01T00:00:00.000Z',
  includeDeleted: true,
};

function client(replies: Reply[], options: Partial<KomboClientOptions> = {}) {
  const { fetchStub, requests } = scriptedFetch(replies);
  const sleeps: number[] = [];
  const kombo = new KomboClient({
    baseUrl: 'https://kombo.test/v1/',
    apiKey: async () => 'key-123',
    fetch: fetchStub,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { kombo, requests, sleeps };
}

async function collect(
  kombo: KomboClient,
  options: { startCursor?: string; maxPages?: number; deadline?: Deadline } = {},
) {
  const pages = [];
  for await (const p of kombo.pages(query, { deadline: plenty, ...options })) pages.push(p);
  return pages;
}

describe('KomboClient pagination', () => {
  it('follows data.next until null with page_size 250 and every filter on every page', async () => {
    const { kombo, requests } = client([page(['a', 'b'], 'c1'), page(['c'], 'c2'), page([], null)]);
    const pages = await collect(kombo);
    expect(pages.map((p) => p.records.map((r) => r.id))).toEqual([['a', 'b'], ['c'], []]);
    expect(pages.map((p) => p.cursor)).toEqual([undefined, 'c1', 'c2']);
    expect(requests.map((r) => r.url.pathname)).toEqual([
      '/v1/hris/employees',
      '/v1/hris/employees',
      '/v1/hris/employees',
    ]);
    for (const request of requests) {
      expect(request.url.searchParams.get('page_size')).toBe('250');
      expect(request.url.searchParams.get('updated_after')).toBe('2026-11-01T00:00:00.000Z');
      expect(request.url.searchParams.get('include_deleted')).toBe('true');
      expect(request.headers).toMatchObject({ authorization: 'Bearer key-123', 'x-integration-id': 'personio:p1' });
    }
    expect(requests.map((r) => r.url.searchParams.get('cursor'))).toEqual([null, 'c1', 'c2']);
  });

  it('keeps every field of a record verbatim', async () => {
    const { kombo } = client([page(['a'], null)]);
    const [first] = await collect(kombo);
    expect(first?.records[0]).toEqual({
      id: 'a',
      changed_at: '2026-11-01T00:00:00.000Z',
      remote_id: null,
      custom: { kept: true },
    });
  });

  it('starts from a checkpointed cursor', async () => {
    const { kombo, requests } = client([page(['z'], null)]);
    await collect(kombo, { startCursor: 'saved' });
    expect(requests[0]?.url.searchParams.get('cursor')).toBe('saved');
  });

  it('stops a walk whose cursor repeats instead of looping', async () => {
    const { kombo } = client([page(['a'], 'loop'), page(['b'], 'loop')]);
    await expect(collect(kombo)).rejects.toThrow(KomboPaginationError);
  });

  it('stops a walk past the page bound', async () => {
    const { kombo } = client([page(['a'], 'n1'), page(['b'], 'n2'), page(['c'], 'n3')]);
    await expect(collect(kombo, { maxPages: 2 })).rejects.toThrow(/more than 2 pages/);
  });
});

describe('KomboClient retries', () => {
  it('waits for ratelimit-reset on 429 and retries', async () => {
    const { kombo, sleeps, requests } = client([
      error(429, 'PLATFORM.RATE_LIMIT_EXCEEDED', { 'ratelimit-reset': '7' }),
      page(['a'], null),
    ]);
    const pages = await collect(kombo);
    expect(pages).toHaveLength(1);
    expect(requests).toHaveLength(2);
    expect(sleeps).toEqual([7_000 + 125]);
  });

  it('counts every request and every 429 through the Telemetry port', async () => {
    const telemetry = new RecordingTelemetry();
    const { kombo } = client(
      [
        error(429, 'PLATFORM.RATE_LIMIT_EXCEEDED', { 'ratelimit-reset': '1' }),
        error(503, null),
        page(['a'], 'next'),
        page(['b'], null),
      ],
      telemetryHooks(telemetry),
    );
    await collect(kombo);
    expect(telemetry.counted('KomboRequests')).toBe(4);
    expect(telemetry.counted('KomboRateLimited')).toBe(1);
    expect(telemetry.counted('KomboRetries')).toBe(2);
  });

  it('falls back to Retry-After, then to one second', async () => {
    const { kombo, sleeps } = client([error(429, null, { 'retry-after': '2' }), error(429, null), page([], null)]);
    await collect(kombo);
    expect(sleeps).toEqual([2_125, 1_125]);
  });

  it('backs off exponentially with jitter on 5xx and network errors, within a bounded number of retries', async () => {
    const { kombo, sleeps } = client(
      [error(503, null), 'network-error', error(500, 'PLATFORM.UNKNOWN_ERROR'), page(['a'], null)],
      {
        baseBackoffMs: 1_000,
      },
    );
    await collect(kombo);
    expect(sleeps).toEqual([500, 1_000, 2_000]);
  });

  it('gives up after maxRetries with a retry-later error', async () => {
    const { kombo, requests } = client(
      Array.from({ length: 10 }, () => error(502, null)),
      { maxRetries: 3 },
    );
    await expect(collect(kombo)).rejects.toThrow(KomboUnavailableError);
    expect(requests).toHaveLength(4);
  });

  it('never waits past the deadline', async () => {
    let remaining = 10_000;
    const { kombo, sleeps } = client([error(429, null, { 'ratelimit-reset': '60' })]);
    const deadline = { remainingMs: () => remaining };
    await expect(collect(kombo, { deadline })).rejects.toThrow(/no time left to retry/);
    expect(sleeps).toEqual([]);
    remaining = 0;
    await expect(collect(kombo, { deadline })).rejects.toThrow(/no time left for a request/);
  });

  it('times out a request that does not answer, and retries it', async () => {
    const { kombo, requests } = client(['hang', page(['a'], null)], { requestTimeoutMs: 50 });
    const pages = await collect(kombo);
    expect(pages).toHaveLength(1);
    expect(requests).toHaveLength(2);
  });

  it('treats a malformed page as a failure to retry, naming the problem', async () => {
    const malformed = [
      { body: 'not json' },
      { body: { status: 'success', data: { results: [] } } },
      { body: { status: 'success', data: { next: null, results: [{ id: 'x' }] } } },
    ];
    const { kombo } = client(malformed, { maxRetries: 2 });
    await expect(collect(kombo)).rejects.toThrow(/malformed page: data.results.0.changed_at/);
  });
});

describe('KomboClient errors by code', () => {
  it.each([
    ['INTEGRATION.SETUP_SYNC_PENDING', 409, KomboSetupPendingError],
    ['INTEGRATION.SETUP_SYNC_PENDING', 503, KomboSetupPendingError],
    ['INTEGRATION.INACTIVE', 403, KomboIntegrationUnavailableError],
    ['INTEGRATION.AUTHENTICATION_INVALID', 403, KomboIntegrationUnavailableError],
    ['INTEGRATION.MODEL_NOT_AVAILABLE', 400, KomboResourceUnavailableError],
    ['PLATFORM.INPUT_INVALID', 400, KomboPermanentError],
  ])('%s → %o', async (code, status, type) => {
    const { kombo, requests } = client([error(status, code)]);
    const failure = await collect(kombo).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(type);
    expect(failure).toMatchObject({ code, status });
    expect(requests).toHaveLength(1);
  });

  it('reports a refused cursor as such', async () => {
    const { kombo } = client([error(400, 'PLATFORM.INPUT_INVALID')]);
    await expect(collect(kombo, { startCursor: 'expired' })).rejects.toThrow(KomboCursorRejectedError);
  });
});
