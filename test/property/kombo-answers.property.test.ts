import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KomboClient } from '../../lambdas/core/kombo/client';
import { KomboError, KomboPermanentError } from '../../lambdas/core/kombo/errors';
import { FleetRequestBudget } from '../../lambdas/core/kombo/request-budget';
import type { Deadline, Page } from '../../lambdas/core/ports';
import { RecordingTelemetry } from '../support/recording-telemetry';
import { goodRecord, MAX_HOLD_MS, type Reply, reply, respond, SETTLED } from './kombo-arbitraries';

/**
 * The Kombo client (a fetch stub, the fleet budget reading its headers) over the answers of
 * kombo-arbitraries. On a failure fast-check prints the counterexample and `{ seed, path }`: pass
 * both to that fc.assert (`{ seed, path, endOnFailure: true }`) to replay it.
 */

/** What the client's errors say: a request, its answer, and what was wrong with it. */
const NAMES_THE_PROBLEM =
  /^(hris\/employees|integrations): (malformed (page|integration): \S|Kombo answered \d{3}|network error: \S|no answer within|rate limited|no time left|no share of the fleet's request budget|more than \d+ pages|Kombo returned a cursor it had already returned)|^Kombo answered \d{3}/;

/**
 * A client on a clock that moves only when it sleeps, with a budget that reads Kombo's headers. It
 * gets `replies` in order, then the last one again and again, until `settle()`: from then on, a
 * healthy empty page.
 */
function harness(replies: readonly Reply[]) {
  let clock = 1_795_780_800_000;
  let served = 0;
  let settled = false;
  const sleep = async (ms: number) => {
    clock += ms;
  };
  const budget = new FleetRequestBudget(
    undefined,
    { requestsPerMinute: 270, realtimeShare: 0.2 },
    { telemetry: new RecordingTelemetry(), now: () => clock, sleep },
  );
  const client = new KomboClient({
    baseUrl: 'https://kombo.test/v1',
    apiKey: async () => 'key',
    fetch: (async () =>
      respond(settled ? SETTLED : (replies[Math.min(served++, replies.length - 1)] as Reply))) as typeof fetch,
    sleep,
    random: () => 0.5,
    maxRetries: 2,
    budget,
  });
  /** Ten minutes from now, as a worker invocation has. */
  const deadline = (): Deadline => {
    const end = clock + 600_000;
    return { remainingMs: () => end - clock };
  };
  return {
    client,
    deadline,
    /** After the longest wait a header may impose, Kombo answers well again. */
    settle: async () => {
      settled = true;
      await sleep(MAX_HOLD_MS + 1);
    },
  };
}

const query = {
  integrationId: 'personio:p1',
  resource: 'hris/employees',
  updatedAfter: '2026-11-01T00:00:00.000Z',
  includeDeleted: true,
};

async function outcome<T>(call: () => Promise<T>): Promise<{ value: T } | { error: unknown }> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error };
  }
}

function expectTypedError(error: unknown): void {
  expect(error).toBeInstanceOf(KomboError);
  const message = (error as Error).message;
  expect(message).toMatch(NAMES_THE_PROBLEM);
  // Whatever Kombo sent, the message stays a log line (and fits in a state item).
  expect(message.length).toBeLessThanOrEqual(2_000);
}

function expectValidPage(page: Page): void {
  expect(page.next === null || (typeof page.next === 'string' && page.next !== '')).toBe(true);
  for (const record of page.records) {
    expect(typeof record.id === 'string' && record.id !== '').toBe(true);
    expect(Number.isNaN(Date.parse(record.changed_at))).toBe(false);
  }
}

describe('the Kombo client under hostile answers', () => {
  it('returns a valid page or throws a typed error naming the problem, and one answer never stalls the next request', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reply, { minLength: 1, maxLength: 4 }), fc.boolean(), async (replies, withCursor) => {
        const { client, deadline, settle } = harness(replies);
        const result = await outcome(() => client.fetchPage(query, withCursor ? 'cursor-1' : undefined, deadline()));
        if ('error' in result) expectTypedError(result.error);
        else {
          expectValidPage(result.value);
          // Every record of the page is one Kombo sent, with all its fields.
          const sent = replies.flatMap((r) => (r.kind === 'answer' ? [r.body] : []));
          expect(sent.some((text) => pageRecordsOf(text, result.value))).toBe(true);
        }
        // Whatever the answers said, the client asks Kombo again once the longest believable reset is over.
        await settle();
        const next = await outcome(() => client.fetchPage(query, undefined, deadline()));
        expect(next).toEqual({ value: { records: [], next: null } });
      }),
      { numRuns: 200 },
    );
  });

  it('returns valid integration details or throws a typed error naming the problem', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reply, { minLength: 1, maxLength: 4 }), async (replies) => {
        const { client, deadline } = harness(replies);
        const result = await outcome(() => client.getIntegration('personio:p1', deadline()));
        if ('error' in result) expectTypedError(result.error);
        else {
          const details = result.value;
          for (const field of ['id', 'tool', 'category', 'status', 'setupStatus'] as const) {
            expect(typeof details[field] === 'string' && details[field] !== '').toBe(true);
          }
          expect(details.unavailableModels.every((model) => typeof model === 'string' && model !== '')).toBe(true);
          if (details.dataExpiredAt !== null)
            expect(new Date(details.dataExpiredAt).toISOString()).toBe(details.dataExpiredAt);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('walks pages to their end or stops with a typed error, never yielding a record without id or changed_at', async () => {
    const walkReply = fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .record({
            next: fc.option(fc.constantFrom('c1', 'c2', 'c3', 'c4')),
            records: fc.array(goodRecord, { maxLength: 5 }),
          })
          .map(
            ({ next, records }): Reply => ({
              kind: 'answer',
              status: 200,
              headers: {},
              body: JSON.stringify({ status: 'success', data: { next, results: records } }),
            }),
          ),
      },
      { weight: 1, arbitrary: reply },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(walkReply, { minLength: 1, maxLength: 12 }), async (replies) => {
        const { client, deadline } = harness(replies);
        const pages: Page[] = [];
        const result = await outcome(async () => {
          for await (const page of client.pages(query, { deadline: deadline(), maxPages: 20 })) pages.push(page);
        });
        if ('error' in result) expectTypedError(result.error);
        pages.forEach(expectValidPage);
      }),
      { numRuns: 150 },
    );
  });
});

/** Whether `page` holds exactly the records of the page in `text`, every field kept. */
function pageRecordsOf(text: string, page: Page): boolean {
  try {
    const sent = JSON.parse(text) as { data?: { results?: unknown } };
    return isDeepStrictEqual(sent.data?.results, page.records);
  } catch {
    return false;
  }
}

describe('regressions found by these properties', () => {
  const emptyPage = (headers: Record<string, string>): Reply => ({ ...SETTLED, headers }) as Reply;

  it('does not believe a ratelimit-reset years away (an epoch timestamp): the next request still goes out', async () => {
    const epoch = { 'ratelimit-limit': '300', 'ratelimit-remaining': '0', 'ratelimit-reset': '1795780800' };
    const { client, deadline } = harness([emptyPage(epoch), SETTLED]);
    await client.fetchPage(query, undefined, deadline());
    // Believed, it held every request of the container back for 57 years: a budget-wait error each time.
    await expect(client.fetchPage(query, undefined, deadline())).resolves.toEqual({ records: [], next: null });
  });

  it('still holds back until a believable reset when Kombo says the window is spent', async () => {
    const spent = { 'ratelimit-limit': '300', 'ratelimit-remaining': '0', 'ratelimit-reset': '300' };
    const { client, deadline } = harness([emptyPage(spent), SETTLED]);
    await client.fetchPage(query, undefined, deadline());
    await expect(client.fetchPage(query, undefined, { remainingMs: () => 60_000 })).rejects.toThrow(
      /no share of the fleet's request budget/,
    );
    await expect(client.fetchPage(query, undefined, deadline())).resolves.toEqual({ records: [], next: null });
  });

  it('cuts a huge Kombo error message to a log line that fits in a state item', async () => {
    const huge = 'm'.repeat(1_000_000);
    const forbidden: Reply = {
      kind: 'answer',
      status: 403,
      headers: {},
      body: JSON.stringify({ status: 'error', error: { code: 'PLATFORM.AUTHENTICATION_INVALID', message: huge } }),
    };
    const { client, deadline } = harness([forbidden]);
    const failure = await outcome(() => client.fetchPage(query, undefined, deadline()));
    expect('error' in failure && failure.error).toBeInstanceOf(KomboPermanentError);
    const message = (failure as { error: Error }).error.message;
    expect(message).toMatch(/^Kombo answered 403 PLATFORM\.AUTHENTICATION_INVALID: m+… \(truncated\)$/);
    expect(message.length).toBeLessThan(1_100);
  });
});
