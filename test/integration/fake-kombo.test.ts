import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_CATALOGUE } from '../../lambdas/core/kombo/catalogue';
import { type FakeKombo, startFakeKombo } from '../../local/fake-kombo';
import { errorBody, getList, listBody, manualClock, walk } from '../support/fake-kombo-http';

const ATS = 'greenhouse:fake-ats';
const HRIS = 'personio:fake-hris';
const LMS = 'workday:fake-lms';
const START = '2026-03-02T09:00:00.000Z';
const MINUTE = 60_000;

const clock = manualClock(START);
let fake: FakeKombo;

beforeAll(async () => {
  fake = await startFakeKombo({ seed: 42, clock: clock.now });
  fake.addIntegration({ id: ATS, category: 'ATS' });
  fake.addIntegration({ id: HRIS, category: 'HRIS' });
  fake.addIntegration({ id: LMS, category: 'LMS' });
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  fake.clearFaults();
});

describe('authentication and integration checks', () => {
  it('answers 401 PLATFORM.AUTHENTICATION_INVALID without or with a wrong API key', async () => {
    for (const apiKey of [null, 'not-the-key']) {
      const answer = await getList(fake, 'ats/jobs', { integrationId: ATS, apiKey });
      expect(answer.status).toBe(401);
      expect(errorBody(answer).error.code).toBe('PLATFORM.AUTHENTICATION_INVALID');
    }
  });

  it('requires X-Integration-Id and knows only registered integrations', async () => {
    const missing = await getList(fake, 'ats/jobs');
    expect(missing.status).toBe(400);
    expect(errorBody(missing).error.code).toBe('PLATFORM.INPUT_INVALID');

    const unknown = await getList(fake, 'ats/jobs', { integrationId: 'greenhouse:nope' });
    expect(unknown.status).toBe(404);
    expect(errorBody(unknown).error.code).toBe('PLATFORM.INTEGRATION_NOT_FOUND');
  });

  it.each([
    ['INACTIVE', 403, 'INTEGRATION.INACTIVE'],
    ['INVALID', 403, 'INTEGRATION.AUTHENTICATION_INVALID'],
    ['SETUP_SYNC_PENDING', 409, 'INTEGRATION.SETUP_SYNC_PENDING'],
  ] as const)('answers an integration in state %s with %i %s', async (state, status, code) => {
    const id = `greenhouse:state-${state.toLowerCase()}`;
    fake.addIntegration({ id, category: 'ATS', state });
    const answer = await getList(fake, 'ats/jobs', { integrationId: id });
    expect(answer.status).toBe(status);
    expect(errorBody(answer).error.code).toBe(code);

    fake.setIntegrationState(id, 'ACTIVE');
    expect((await getList(fake, 'ats/jobs', { integrationId: id })).status).toBe(200);
  });

  it('answers INTEGRATION.MODEL_NOT_AVAILABLE for a resource of another category', async () => {
    const answer = await getList(fake, 'hris/employees', { integrationId: ATS });
    expect(answer.status).toBe(403);
    expect(errorBody(answer).error.code).toBe('INTEGRATION.MODEL_NOT_AVAILABLE');
  });

  it('answers 404 with a null code for a path that is no endpoint', async () => {
    const answer = await getList(fake, 'ats/unknown-things', { integrationId: ATS });
    expect(answer.status).toBe(404);
    expect(errorBody(answer).error).toMatchObject({ code: null, log_url: null });
  });
});

describe('resources', () => {
  const integrationOf = { ATS, HRIS, LMS } as const;

  it('serves every resource of the project catalogue with records of that resource', async () => {
    for (const { resource, category } of RESOURCE_CATALOGUE) {
      const integrationId = integrationOf[category];
      const seeded = fake.seed(integrationId, resource, 3);
      const page = listBody(
        await getList(fake, resource, { integrationId, query: { ids: seeded.map((r) => r.id).join(',') } }),
      );
      expect(page.data.results, resource).toEqual(seeded);
    }
  });

  it('gives records Kombo-like ids, remote ids and ISO timestamps with milliseconds', () => {
    const [record] = fake.seed(ATS, 'ats/candidates', 1);
    expect(record.id).toMatch(/^[1-9A-HJ-NP-Za-km-z]{24}$/);
    expect(record.remote_id).toEqual(expect.any(String));
    expect(record.changed_at).toBe(clock.now().toISOString());
    expect(record.remote_deleted_at).toBeNull();
  });
});

describe('pagination', () => {
  const integrationId = 'greenhouse:paging';

  beforeAll(() => {
    fake.addIntegration({ id: integrationId, category: 'ATS' });
    fake.seed(integrationId, 'ats/applications', 620);
  });

  it('walks 620 records in pages of 250, 250 and 120, with no duplicates, ending with next = null', async () => {
    const { pages, ids } = await walk(fake, 'ats/applications', { integrationId, query: { page_size: '250' } });
    expect(pages.map((page) => page.data.results.length)).toEqual([250, 250, 120]);
    expect(pages.map((page) => page.data.next === null)).toEqual([false, false, true]);
    expect(new Set(ids).size).toBe(620);
    expect(ids).toEqual(fake.records(integrationId, 'ats/applications').map((record) => record.id));
  });

  it('defaults to pages of 100', async () => {
    const page = listBody(await getList(fake, 'ats/applications', { integrationId }));
    expect(page.data.results).toHaveLength(100);
  });

  it('keeps its place like a database keyset when records are created during a walk', async () => {
    const id = 'greenhouse:paging-live';
    fake.addIntegration({ id, category: 'ATS' });
    const before = fake.seed(id, 'ats/candidates', 5).map((record) => record.id);
    const first = listBody(await getList(fake, 'ats/candidates', { integrationId: id, query: { page_size: '2' } }));
    const added = fake.create(id, 'ats/candidates', { first_name: 'Late' });
    const rest = await walk(fake, 'ats/candidates', {
      integrationId: id,
      query: { page_size: '2', cursor: String(first.data.next) },
    });
    const seen = [...first.data.results.map((record) => record.id), ...rest.ids];
    expect(seen).toEqual([...before, added.id]);
  });

  it('rejects a cursor page whose filters differ from the first page (Kombo wants them repeated)', async () => {
    const query = { page_size: '250', include_deleted: 'true', updated_after: '2020-01-01T00:00:00.000Z' };
    const first = listBody(await getList(fake, 'ats/applications', { integrationId, query }));
    const cursor = String(first.data.next);

    const same = await getList(fake, 'ats/applications', { integrationId, query: { ...query, cursor } });
    expect(same.status).toBe(200);
    // Equal meaning, different spelling: still the same walk.
    const respelled = await getList(fake, 'ats/applications', {
      integrationId,
      query: { ...query, updated_after: '2020-01-01T00:00:00Z', page_size: '100', cursor },
    });
    expect(respelled.status).toBe(200);

    const changes: Record<string, string>[] = [
      { include_deleted: 'false' },
      { updated_after: '2021-01-01T00:00:00.000Z' },
      { ids: 'x' },
    ];
    for (const changed of changes) {
      const answer = await getList(fake, 'ats/applications', {
        integrationId,
        query: { ...query, ...changed, cursor },
      });
      expect(answer.status, JSON.stringify(changed)).toBe(400);
      expect(errorBody(answer).error.code).toBe('PLATFORM.INPUT_INVALID');
    }
    const otherResource = await getList(fake, 'ats/candidates', { integrationId, query: { ...query, cursor } });
    expect(otherResource.status).toBe(400);
  });

  it.each(['251', '0', '-1', '1.5', 'abc', ''])(
    'rejects page_size=%j with 400 PLATFORM.INPUT_INVALID',
    async (pageSize) => {
      const answer = await getList(fake, 'ats/applications', { integrationId, query: { page_size: pageSize } });
      expect(answer.status).toBe(400);
      expect(errorBody(answer).error.code).toBe('PLATFORM.INPUT_INVALID');
    },
  );

  it.each(['garbage', 'eyJ2IjoxfQ', '%%%'])('rejects the cursor %j with 400 PLATFORM.INPUT_INVALID', async (cursor) => {
    const answer = await getList(fake, 'ats/applications', { integrationId, query: { cursor } });
    expect(answer.status).toBe(400);
    expect(errorBody(answer).error.code).toBe('PLATFORM.INPUT_INVALID');
  });

  it('rejects a query parameter given twice (Kombo lists values comma-separated)', async () => {
    const response = await fetch(`${fake.baseUrl}/ats/applications?ids=a&ids=b`, {
      headers: { authorization: `Bearer ${fake.apiKey}`, 'x-integration-id': integrationId },
    });
    expect(response.status).toBe(400);
  });

  it('rejects model-specific filters it cannot honour instead of ignoring them', async () => {
    const answer = await getList(fake, 'ats/applications', { integrationId, query: { job_ids: 'abc' } });
    expect(answer.status).toBe(400);
    expect(errorBody(answer).error.message).toContain('job_ids');
  });
});

describe('updated_after, include_deleted and nested changes', () => {
  const integrationId = 'personio:deltas';
  let ids: string[];
  let seededAt: string;

  beforeAll(() => {
    fake.addIntegration({ id: integrationId, category: 'HRIS' });
    clock.set('2026-04-01T08:00:00.000Z');
    seededAt = clock.now().toISOString();
    ids = fake.seed(integrationId, 'hris/employees', 5).map((record) => record.id);
  });

  const query = (extra: Record<string, string>) => ({ integrationId, query: { page_size: '250', ...extra } });

  it('returns what changed directly, through nested data, or by deletion; changed_at moves only on direct changes', async () => {
    const mark = clock.advance(MINUTE).toISOString();
    clock.advance(MINUTE);
    const updated = fake.update(integrationId, 'hris/employees', ids[0], { job_title: 'CTO' });
    fake.touchNested(integrationId, 'hris/employees', ids[1]);
    const removed = fake.remove(integrationId, 'hris/employees', ids[2]);

    expect(updated.changed_at).toBe(clock.now().toISOString());
    expect(removed.remote_deleted_at).toBe(clock.now().toISOString());
    expect(removed.changed_at).toBe(clock.now().toISOString());

    const visible = listBody(await getList(fake, 'hris/employees', query({ updated_after: mark })));
    expect(visible.data.results.map((record) => record.id)).toEqual([ids[0], ids[1]]);
    expect(visible.data.results[0]).toMatchObject({ job_title: 'CTO' });
    expect(visible.data.results[1].changed_at).toBe(seededAt);

    const withDeleted = listBody(
      await getList(fake, 'hris/employees', query({ updated_after: mark, include_deleted: 'true' })),
    );
    expect(withDeleted.data.results.map((record) => record.id)).toEqual([ids[0], ids[1], ids[2]]);
    expect(withDeleted.data.results[2].remote_deleted_at).toBe(removed.remote_deleted_at);

    const all = listBody(await getList(fake, 'hris/employees', query({})));
    expect(all.data.results.map((record) => record.id)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    expect(fake.records(integrationId, 'hris/employees', { includeDeleted: true })).toHaveLength(5);
  });

  it('compares strictly after updated_after, accepts a bare date, and treats a missing zone as UTC', async () => {
    const last = clock.advance(MINUTE);
    fake.touchNested(integrationId, 'hris/employees', ids[4]);
    const atChange = listBody(await getList(fake, 'hris/employees', query({ updated_after: last.toISOString() })));
    expect(atChange.data.results).toEqual([]);
    const justBefore = new Date(last.getTime() - 1).toISOString();
    const before = listBody(await getList(fake, 'hris/employees', query({ updated_after: justBefore })));
    expect(before.data.results.map((record) => record.id)).toEqual([ids[4]]);
    const noZone = listBody(
      await getList(fake, 'hris/employees', query({ updated_after: justBefore.replace('Z', '') })),
    );
    expect(noZone.data.results.map((record) => record.id)).toEqual([ids[4]]);
    const bareDate = listBody(await getList(fake, 'hris/employees', query({ updated_after: '2026-04-01' })));
    expect(bareDate.data.results.map((record) => record.id)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
  });

  it.each([
    ['updated_after', 'yesterday'],
    ['updated_after', '2026-13-01T00:00:00Z'],
    ['include_deleted', 'yes'],
    ['include_deleted', 'TRUE'],
  ])('rejects %s=%j with 400 PLATFORM.INPUT_INVALID', async (name, value) => {
    const answer = await getList(fake, 'hris/employees', query({ [name]: value }));
    expect(answer.status).toBe(400);
    expect(errorBody(answer).error.code).toBe('PLATFORM.INPUT_INVALID');
  });

  it('keeps removal idempotent and restores a record through update', () => {
    const first = fake.remove(integrationId, 'hris/employees', ids[3]);
    clock.advance(MINUTE);
    expect(fake.remove(integrationId, 'hris/employees', ids[3])).toBe(first);
    const restored = fake.update(integrationId, 'hris/employees', ids[3], { remote_deleted_at: null });
    expect(restored.remote_deleted_at).toBeNull();
  });
});

describe('rate limit', () => {
  it('sends ratelimit-* headers on every answer and 429 PLATFORM.RATE_LIMIT_EXCEEDED over the limit', async () => {
    const limitedClock = manualClock(START);
    const limited = await startFakeKombo({ rateLimit: { limit: 3, windowMs: 10_000 }, clock: limitedClock.now });
    try {
      limited.addIntegration({ id: ATS, category: 'ATS' });
      const answers = [];
      for (let index = 0; index < 4; index++) {
        answers.push(await getList(limited, 'ats/tags', { integrationId: ATS }));
        limitedClock.advance(2_000);
      }
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
      expect(answers.map((answer) => answer.headers.get('ratelimit-limit'))).toEqual(['3', '3', '3', '3']);
      expect(answers.map((answer) => answer.headers.get('ratelimit-remaining'))).toEqual(['2', '1', '0', '0']);
      expect(answers.map((answer) => answer.headers.get('ratelimit-reset'))).toEqual(['10', '8', '6', '4']);
      expect(errorBody(answers[3]).error.code).toBe('PLATFORM.RATE_LIMIT_EXCEEDED');

      limitedClock.advance(4_000);
      expect((await getList(limited, 'ats/tags', { integrationId: ATS })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('faults', () => {
  const integrationId = 'greenhouse:faults';

  beforeAll(() => {
    fake.addIntegration({ id: integrationId, category: 'ATS' });
    fake.seed(integrationId, 'ats/jobs', 30);
  });

  const jobs = (query: Record<string, string> = {}) =>
    getList(fake, 'ats/jobs', { integrationId, query: { page_size: '10', ...query } });
  const secondPageCursor = async () => String(listBody(await jobs()).data.next);

  it('answers a status fault with the error envelope, only for matching requests and only `times` times', async () => {
    fake.injectFault({
      kind: 'status',
      status: 503,
      code: 'REMOTE.SERVICE_UNAVAILABLE',
      match: { resource: 'ats/jobs', page: 2, times: 2 },
    });
    const cursor = await secondPageCursor();
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await jobs({ cursor })).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('carries the error code of a status fault', async () => {
    fake.injectFault({ kind: 'status', status: 500, match: { integrationId } });
    const answer = await jobs();
    expect(answer.status).toBe(500);
    expect(errorBody(answer).error).toMatchObject({ code: null, message: expect.stringContaining('500') });
    fake.injectFault({
      kind: 'status',
      status: 502,
      code: 'PLATFORM.UNKNOWN_ERROR',
      match: { integrationId: 'someone-else' },
    });
    expect((await jobs()).status).toBe(200);
  });

  it('answers a rate-limit fault with 429, the ratelimit headers and, if asked, Retry-After', async () => {
    fake.injectFault({ kind: 'rate-limit', resetSeconds: 7, retryAfterSeconds: 3 });
    const answer = await jobs();
    expect(answer.status).toBe(429);
    expect(errorBody(answer).error.code).toBe('PLATFORM.RATE_LIMIT_EXCEEDED');
    expect(answer.headers.get('ratelimit-remaining')).toBe('0');
    expect(answer.headers.get('ratelimit-reset')).toBe('7');
    expect(answer.headers.get('retry-after')).toBe('3');

    fake.injectFault({ kind: 'rate-limit', resetSeconds: 1 });
    expect((await jobs()).headers.get('retry-after')).toBeNull();
  });

  it('answers a malformed fault with 200 and the raw body', async () => {
    fake.injectFault({ kind: 'malformed', body: '{"status":"success","data":' });
    const answer = await jobs();
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"status":"success","data":');
  });

  it('delays a latency fault, then answers normally', async () => {
    fake.injectFault({ kind: 'latency', ms: 150 });
    const started = performance.now();
    const answer = await jobs();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(answer.status).toBe(200);
  });

  it('rejects only cursor requests with reject-cursor', async () => {
    fake.injectFault({ kind: 'reject-cursor' });
    expect((await jobs()).status).toBe(200);
    const cursor = await secondPageCursor();
    const rejected = await jobs({ cursor });
    expect(rejected.status).toBe(400);
    expect(errorBody(rejected).error.code).toBe('PLATFORM.INPUT_INVALID');
    expect((await jobs({ cursor })).status).toBe(200);
  });

  it('holds a timeout fault open until the client gives up, and close() ends held requests', async () => {
    fake.injectFault({ kind: 'timeout', match: { times: Infinity } });
    const gaveUp = getList(fake, 'ats/jobs', { integrationId, signal: AbortSignal.timeout(200) });
    await expect(gaveUp).rejects.toThrow();
    expect(fake.requests.at(-1)).toMatchObject({ status: 0, answeredAt: null, fault: 'timeout' });

    const other = await startFakeKombo();
    other.addIntegration({ id: ATS, category: 'ATS' });
    other.injectFault({ kind: 'timeout' });
    const pending = getList(other, 'ats/jobs', { integrationId: ATS });
    await waitFor(() => other.requests.length === 1);
    const closing = other.close();
    await expect(pending).rejects.toThrow();
    await closing;
    await expect(other.close()).resolves.toBeUndefined();
  });

  it('applies latency and another fault to the same request, in injection order', async () => {
    fake.injectFault({ kind: 'latency', ms: 50 });
    fake.injectFault({ kind: 'status', status: 502 });
    const started = performance.now();
    expect((await jobs()).status).toBe(502);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(fake.requests.at(-1)?.fault).toBe('status');
  });
});

describe('request log', () => {
  it('records method, path, resource, every query parameter, the integration and the status', async () => {
    fake.resetRequests();
    fake.seed(ATS, 'ats/tags', 2);
    await getList(fake, 'ats/tags', { integrationId: ATS, query: { page_size: '5', include_deleted: 'true' } });
    await getList(fake, 'ats/nope', { integrationId: ATS });
    expect(fake.requests).toEqual([
      {
        method: 'GET',
        path: '/v1/ats/tags',
        resource: 'ats/tags',
        query: { page_size: '5', include_deleted: 'true' },
        integrationId: ATS,
        status: 200,
        at: clock.now().getTime(),
        answeredAt: clock.now().getTime(),
        fault: null,
      },
      expect.objectContaining({ path: '/v1/ats/nope', resource: null, status: 404 }),
    ]);
    fake.resetRequests();
    expect(fake.requests).toEqual([]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
