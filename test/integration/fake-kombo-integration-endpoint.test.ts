/**
 * `GET /v1/integrations/{integration_id}` of the fake: details consistent with the fake's own
 * state, the controls that change them, the checks it shares with the list endpoints, and (when
 * Kombo's spec is present) its bodies against the spec.
 */
import { Kombo } from '@kombo-api/sdk';
import type { ValidateFunction } from 'ajv/dist/2020';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Category,
  type FakeKombo,
  resourceCategory,
  servedResources,
  startFakeKombo,
} from '../../local/fake-kombo';
import { type ApiAnswer, errorBody, getList, manualClock } from '../support/fake-kombo-http';
import { loadSpecValidators, SPEC_PATH, specPresent } from '../support/fake-kombo-spec';

const SPEC_OPERATION = '/integrations/{integration_id}';
const START = '2026-03-01T10:00:00.000Z';

interface ReadModel {
  id: string;
  label: string;
  is_available: boolean;
  coverage_status: string;
  scope_config_setting: string;
}
interface IntegrationDetails {
  id: string;
  tool: { id: string; label: string; internal_label: string | null; logo_url: string; icon_url: string };
  category: Category;
  status: string;
  setup_status: string;
  end_user: { organization_name: string; creator_email: string | null; origin_id: string | null };
  scope_config: { id: string; name: string | null };
  data_expired_at: string | null;
  created_at: string;
  beta: boolean;
  read_models: ReadModel[];
  write_actions: unknown[];
}

interface IntegrationRequest {
  /** Defaults to the fake's key; null sends no Authorization header. */
  readonly apiKey?: string | null;
  /** Send the `:` of the id raw instead of percent-encoded (both reach the same route). */
  readonly raw?: boolean;
}

/** `GET /v1/integrations/{id}` with plain fetch, percent-encoding the id as Kombo's SDK does. */
async function getIntegration(fake: FakeKombo, id: string, request: IntegrationRequest = {}): Promise<ApiAnswer> {
  const apiKey = request.apiKey === undefined ? fake.apiKey : request.apiKey;
  const response = await fetch(`${fake.baseUrl}/integrations/${request.raw ? id : encodeURIComponent(id)}`, {
    headers: apiKey === null ? {} : { authorization: `Bearer ${apiKey}` },
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function details(answer: ApiAnswer): IntegrationDetails {
  if (answer.status !== 200) throw new Error(`expected 200, got ${answer.status}: ${answer.text}`);
  const body = JSON.parse(answer.text) as { status: string; data: IntegrationDetails };
  expect(body.status).toBe('success');
  return body.data;
}

/** Written out here rather than taken from the fake, so a wrong mapping in the fake shows. */
const expectedModelIds = (category: Category): string[] =>
  servedResources()
    .filter((resource) => resourceCategory(resource) === category)
    .map((resource) => resource.replaceAll('/', '_').replaceAll('-', '_'));

async function admin(fake: FakeKombo, path: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${fake.adminUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : JSON.parse(text) };
}

let fake: FakeKombo;
const clock = manualClock(START);

beforeAll(async () => {
  fake = await startFakeKombo({ seed: 31, clock: clock.now });
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  fake.clearFaults();
});

describe('GET /v1/integrations/{integration_id}', () => {
  it('answers details consistent with the integration', async () => {
    fake.addIntegration({ id: 'personio:details', category: 'HRIS', originId: 'tenant-42', organizationName: 'Acme' });
    fake.resetRequests();
    const answer = await getIntegration(fake, 'personio:details');
    const data = details(answer);
    expect(data).toMatchObject({
      id: 'personio:details',
      tool: { id: 'personio', label: 'Personio', internal_label: null },
      category: 'HRIS',
      status: 'ACTIVE',
      setup_status: 'COMPLETED',
      end_user: { organization_name: 'Acme', creator_email: null, origin_id: 'tenant-42' },
      data_expired_at: null,
      created_at: START,
      beta: false,
      write_actions: [],
    });
    for (const url of [data.tool.logo_url, data.tool.icon_url]) expect(new URL(url).protocol).toBe('https:');
    expect(data.read_models.map((model) => model.id)).toEqual(expectedModelIds('HRIS'));
    expect(data.read_models.map((model) => model.id)).toEqual(
      expect.arrayContaining(['hris_employees', 'hris_time_off_balances']),
    );
    for (const model of data.read_models) {
      expect(model).toMatchObject({ is_available: true, coverage_status: 'SUPPORTED' });
      expect(model.label).not.toBe('');
    }
    expect(data.read_models.find((model) => model.id === 'hris_employees')?.label).toBe('Employees');

    // Checked like a list: the rate-limit headers, and recorded for tests to filter on.
    expect(answer.headers.get('ratelimit-limit')).toBe('10000');
    expect(answer.headers.get('ratelimit-remaining')).not.toBeNull();
    expect(fake.requests).toEqual([
      expect.objectContaining({
        path: '/v1/integrations/personio%3Adetails',
        resource: 'integrations',
        integrationId: 'personio:details',
        status: 200,
      }),
    ]);
  });

  it('takes the tool given to addIntegration, defaults the end user deterministically, reads a raw `:`', async () => {
    fake.addIntegration({ id: 'sandbox:ats-tool', tool: 'greenhouse', category: 'ATS' });
    const data = details(await getIntegration(fake, 'sandbox:ats-tool', { raw: true }));
    expect(data.tool).toMatchObject({ id: 'greenhouse', label: 'Greenhouse' });
    expect(data.category).toBe('ATS');
    expect(data.end_user).toEqual({
      organization_name: 'Organization sandbox:ats-tool',
      creator_email: null,
      origin_id: 'origin-sandbox:ats-tool',
    });
    expect(data.read_models.map((model) => model.id)).toEqual(expectedModelIds('ATS'));
    expect(data.read_models.map((model) => model.id)).toContain('ats_applications');

    fake.addIntegration({ id: 'lms-tool:none', category: 'LMS', originId: null });
    const lms = details(await getIntegration(fake, 'lms-tool:none'));
    expect(lms.end_user.origin_id).toBeNull();
    expect(lms.read_models.map((model) => model.id)).toEqual(expectedModelIds('LMS'));
  });

  it('shows INACTIVE and INVALID as status, and a pending setup sync as ACTIVE with FINAL_SYNC_PENDING', async () => {
    const id = 'bamboohr:states';
    fake.addIntegration({ id, category: 'HRIS' });
    const expectations = [
      { state: 'INACTIVE', status: 'INACTIVE', setup: 'COMPLETED', list: 'INTEGRATION.INACTIVE' },
      { state: 'INVALID', status: 'INVALID', setup: 'COMPLETED', list: 'INTEGRATION.AUTHENTICATION_INVALID' },
      {
        state: 'SETUP_SYNC_PENDING',
        status: 'ACTIVE',
        setup: 'FINAL_SYNC_PENDING',
        list: 'INTEGRATION.SETUP_SYNC_PENDING',
      },
      { state: 'ACTIVE', status: 'ACTIVE', setup: 'COMPLETED', list: null },
    ] as const;
    for (const expected of expectations) {
      fake.setIntegrationState(id, expected.state);
      const data = details(await getIntegration(fake, id));
      expect({ status: data.status, setup: data.setup_status }).toEqual({
        status: expected.status,
        setup: expected.setup,
      });
      const list = await getList(fake, 'hris/employees', { integrationId: id });
      expect(list.status === 200 ? null : errorBody(list).error.code).toBe(expected.list);
    }
  });

  it('shows data_expired_at once set, and null again once cleared', async () => {
    const id = 'personio:expired';
    fake.addIntegration({ id, category: 'HRIS' });
    fake.setDataExpiredAt(id, '2026-03-02T08:30:00Z');
    expect(details(await getIntegration(fake, id)).data_expired_at).toBe('2026-03-02T08:30:00.000Z');
    fake.setDataExpiredAt(id, null);
    expect(details(await getIntegration(fake, id)).data_expired_at).toBeNull();
    expect(() => fake.setDataExpiredAt(id, 'yesterday')).toThrow(/date-time/);
  });

  it('a read model turned off is unavailable there, and its list answers INTEGRATION.MODEL_NOT_AVAILABLE', async () => {
    const id = 'greenhouse:models';
    fake.addIntegration({ id, category: 'ATS' });
    fake.seed(id, 'ats/applications', 3);
    fake.seed(id, 'ats/application-stages', 2);
    fake.setReadModelAvailable(id, 'ats_applications', false);
    fake.setReadModelAvailable(id, 'ats_application_stages', false);

    const models = details(await getIntegration(fake, id)).read_models;
    const unavailable = models.filter((model) => !model.is_available).map((model) => model.id);
    expect(unavailable).toEqual(['ats_applications', 'ats_application_stages']);
    for (const answer of [
      await getList(fake, 'ats/applications', { integrationId: id }),
      await getList(fake, 'ats/application-stages', { integrationId: id }),
    ]) {
      expect(answer.status).toBe(403);
      expect(errorBody(answer).error.code).toBe('INTEGRATION.MODEL_NOT_AVAILABLE');
    }
    expect((await getList(fake, 'ats/candidates', { integrationId: id })).status).toBe(200);

    fake.setReadModelAvailable(id, 'ats_applications', true);
    expect(
      details(await getIntegration(fake, id)).read_models.every(
        (model) => model.id !== 'ats_applications' || model.is_available,
      ),
    ).toBe(true);
    expect((await getList(fake, 'ats/applications', { integrationId: id })).status).toBe(200);
    // Another integration's models are untouched.
    fake.addIntegration({ id: 'greenhouse:models-other', category: 'ATS' });
    expect((await getList(fake, 'ats/application-stages', { integrationId: 'greenhouse:models-other' })).status).toBe(
      200,
    );
    expect(() => fake.setReadModelAvailable(id, 'hris_employees', false)).toThrow(/no read model/);
  });

  it('answers 404 PLATFORM.INTEGRATION_NOT_FOUND on both endpoints for a removed or unknown integration', async () => {
    const id = 'personio:removed';
    fake.addIntegration({ id, category: 'HRIS' });
    fake.seed(id, 'hris/employees', 2);
    expect((await getIntegration(fake, id)).status).toBe(200);
    fake.removeIntegration(id);

    for (const gone of [id, 'personio:never-existed']) {
      for (const answer of [
        await getIntegration(fake, gone),
        await getList(fake, 'hris/employees', { integrationId: gone }),
      ]) {
        expect(answer.status).toBe(404);
        expect(errorBody(answer).error.code).toBe('PLATFORM.INTEGRATION_NOT_FOUND');
      }
    }
    expect(() => fake.records(id, 'hris/employees')).toThrow(/unknown integration/);
    expect(() => fake.removeIntegration(id)).toThrow(/unknown integration/);
  });

  it('answers 401 without or with a wrong API key', async () => {
    fake.addIntegration({ id: 'personio:auth', category: 'HRIS' });
    expect((await getIntegration(fake, 'personio:auth')).status).toBe(200);
    for (const apiKey of [null, 'wrong']) {
      const answer = await getIntegration(fake, 'personio:auth', { apiKey });
      expect(answer.status).toBe(401);
      expect(errorBody(answer).error.code).toBe('PLATFORM.AUTHENTICATION_INVALID');
    }
  });

  it('shares the rate limit of the API key with the lists', async () => {
    const limited = await startFakeKombo({ rateLimit: { limit: 2, windowMs: 60_000 } });
    try {
      limited.addIntegration({ id: 'personio:limited', category: 'HRIS' });
      expect((await getList(limited, 'hris/employees', { integrationId: 'personio:limited' })).status).toBe(200);
      const last = await getIntegration(limited, 'personio:limited');
      expect([last.status, last.headers.get('ratelimit-remaining')]).toEqual([200, '0']);
      const refused = await getIntegration(limited, 'personio:limited');
      expect(refused.status).toBe(429);
      expect(errorBody(refused).error.code).toBe('PLATFORM.RATE_LIMIT_EXCEEDED');
      expect(refused.headers.get('ratelimit-limit')).toBe('2');
    } finally {
      await limited.close();
    }
  });

  it('is hit by faults matching resource `integrations` and the path id; not by list resources or pages', async () => {
    const id = 'personio:faults';
    fake.addIntegration({ id, category: 'HRIS' });

    fake.injectFault({ kind: 'status', status: 503, match: { resource: 'hris/employees' } });
    fake.injectFault({ kind: 'status', status: 502, match: { page: 1 } });
    fake.injectFault({ kind: 'reject-cursor' });
    expect((await getIntegration(fake, id)).status).toBe(200);
    fake.clearFaults();

    fake.injectFault({ kind: 'status', status: 503, match: { resource: 'integrations', integrationId: 'other:id' } });
    fake.injectFault({ kind: 'status', status: 500, match: { resource: 'integrations', integrationId: id } });
    expect((await getList(fake, 'hris/employees', { integrationId: id })).status).toBe(200);
    expect((await getIntegration(fake, id)).status).toBe(500);
    expect(fake.requests.at(-1)).toMatchObject({ resource: 'integrations', fault: 'status', status: 500 });
    expect((await getIntegration(fake, id)).status).toBe(200);
    fake.clearFaults();

    // A fault without `match` hits the next request, whichever endpoint it is.
    fake.injectFault({ kind: 'rate-limit', resetSeconds: 7 });
    const limited = await getIntegration(fake, id);
    expect([limited.status, limited.headers.get('ratelimit-reset')]).toEqual([429, '7']);
    fake.injectFault({ kind: 'malformed', body: '{"status":', match: { resource: 'integrations' } });
    expect((await getIntegration(fake, id)).text).toBe('{"status":');
  });

  it('answers 404 without a Kombo code for a malformed or nested path, 405 for another method', async () => {
    expect((await fetch(`${fake.baseUrl}/integrations/`, { headers: auth() })).status).toBe(404);
    expect((await fetch(`${fake.baseUrl}/integrations/a/b`, { headers: auth() })).status).toBe(404);
    expect((await fetch(`${fake.baseUrl}/integrations/%E0%A4%A`, { headers: auth() })).status).toBe(404);
    fake.addIntegration({ id: 'personio:methods', category: 'HRIS' });
    const deleted = await fetch(`${fake.baseUrl}/integrations/personio:methods`, { method: 'DELETE', headers: auth() });
    expect(deleted.status).toBe(405);
  });

  it("parses with the official SDK's strict response validation", async () => {
    fake.addIntegration({ id: 'factorial:sdk', category: 'HRIS', state: 'SETUP_SYNC_PENDING' });
    fake.setReadModelAvailable('factorial:sdk', 'hris_absences', false);
    fake.setDataExpiredAt('factorial:sdk', '2026-02-01T00:00:00.000Z');
    const kombo = new Kombo({ api_key: fake.apiKey, server_url: fake.baseUrl, retry_config: { strategy: 'none' } });
    const result = await kombo.general.getIntegrationDetails({ integration_id: 'factorial:sdk' });
    expect(result.data.id).toBe('factorial:sdk');
    expect(result.data.setup_status).toBe('FINAL_SYNC_PENDING');
    expect(result.data.data_expired_at?.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    expect(result.data.read_models.find((model) => model.id === 'hris_absences')?.is_available).toBe(false);
  });
});

describe('admin routes for the integration endpoint', () => {
  it('add with end user, turn a read model off, set data_expired_at, remove', async () => {
    const id = 'hibob:admin';
    expect(
      (
        await admin(fake, '/integrations', {
          id,
          category: 'HRIS',
          originId: 'tenant-admin',
          organizationName: 'Admin Org',
        })
      ).status,
    ).toBe(201);
    expect(
      (await admin(fake, '/integrations/read-model', { id, modelId: 'hris_groups', available: false })).status,
    ).toBe(204);
    expect(
      (await admin(fake, '/integrations/data-expired-at', { id, dataExpiredAt: '2026-03-03T00:00:00.000Z' })).status,
    ).toBe(204);

    const data = details(await getIntegration(fake, id));
    expect(data.end_user).toMatchObject({ origin_id: 'tenant-admin', organization_name: 'Admin Org' });
    expect(data.tool.label).toBe('HiBob');
    expect(data.data_expired_at).toBe('2026-03-03T00:00:00.000Z');
    expect(data.read_models.find((model) => model.id === 'hris_groups')?.is_available).toBe(false);
    expect(errorBody(await getList(fake, 'hris/groups', { integrationId: id })).error.code).toBe(
      'INTEGRATION.MODEL_NOT_AVAILABLE',
    );

    expect((await admin(fake, '/integrations/data-expired-at', { id, dataExpiredAt: null })).status).toBe(204);
    expect(details(await getIntegration(fake, id)).data_expired_at).toBeNull();
    expect(
      (await admin(fake, '/integrations/read-model', { id, modelId: 'hris_groups', available: true })).status,
    ).toBe(204);
    expect((await getList(fake, 'hris/groups', { integrationId: id })).status).toBe(200);

    expect((await admin(fake, '/integrations/remove', { id })).status).toBe(204);
    expect((await getIntegration(fake, id)).status).toBe(404);
  });

  it('reject bad input (400), unknown models (400) and unknown integrations (404)', async () => {
    fake.addIntegration({ id: 'hibob:admin-errors', category: 'HRIS' });
    const id = 'hibob:admin-errors';
    expect(await admin(fake, '/integrations/read-model', { id, modelId: 'hris_groups' })).toMatchObject({
      status: 400,
      json: { error: { field: 'available' } },
    });
    expect(await admin(fake, '/integrations/data-expired-at', { id, dataExpiredAt: 'soon' })).toMatchObject({
      status: 400,
      json: { error: { field: 'dataExpiredAt' } },
    });
    expect((await admin(fake, '/integrations/read-model', { id, modelId: 'ats_jobs', available: false })).status).toBe(
      400,
    );
    expect((await admin(fake, '/integrations/remove', { id: 'hibob:nobody' })).status).toBe(404);
    expect(
      (await admin(fake, '/integrations/data-expired-at', { id: 'hibob:nobody', dataExpiredAt: null })).status,
    ).toBe(404);
  });
});

const specTitle = specPresent
  ? "GET /v1/integrations/{integration_id} of the fake matches Kombo's OpenAPI spec"
  : `fake integration endpoint vs Kombo's OpenAPI spec: SKIPPED, the spec is absent (expected at ${SPEC_PATH})`;

describe.skipIf(!specPresent)(specTitle, () => {
  it('200 bodies match the spec in every category and state, with models off and data expired', async () => {
    const validate = loadSpecValidators().successOf(SPEC_OPERATION);
    const states = ['ACTIVE', 'INACTIVE', 'INVALID', 'SETUP_SYNC_PENDING'] as const;
    for (const category of ['ATS', 'HRIS', 'LMS'] as const) {
      for (const state of states) {
        const id = `spec-tool:${category}-${state}`;
        fake.addIntegration({ id, category, state, originId: state === 'INVALID' ? null : undefined });
        if (state === 'INACTIVE') {
          fake.setReadModelAvailable(id, expectedModelIds(category)[0], false);
          fake.setDataExpiredAt(id, '2026-03-01T12:00:00.000Z');
        }
        expectValid(validate, await getIntegration(fake, id));
      }
    }
  });

  it('error bodies (404, 401) match the error schema of the path', async () => {
    const validate = loadSpecValidators().errorOf(SPEC_OPERATION);
    fake.addIntegration({ id: 'spec-tool:removed', category: 'ATS' });
    fake.removeIntegration('spec-tool:removed');
    const answers = [
      await getIntegration(fake, 'spec-tool:removed'),
      await getIntegration(fake, 'spec-tool:unknown'),
      await getIntegration(fake, 'spec-tool:unknown', { apiKey: 'wrong' }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 401]);
    for (const answer of answers) expectValid(validate, answer);
  });
});

function auth(): Record<string, string> {
  return { authorization: `Bearer ${fake.apiKey}` };
}

function expectValid(validate: ValidateFunction, answer: ApiAnswer): void {
  const valid = validate(JSON.parse(answer.text));
  expect(
    valid ? [] : (validate.errors ?? []).slice(0, 5),
    `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`,
  ).toEqual([]);
}
