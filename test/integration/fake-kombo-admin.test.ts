import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKombo, startFakeKombo } from '../../local/fake-kombo';
import { getList, listBody } from '../support/fake-kombo-http';

let fake: FakeKombo;

beforeAll(async () => {
  fake = await startFakeKombo({ seed: 5 });
});

afterAll(async () => {
  await fake.close();
});

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${fake.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : JSON.parse(text) };
}

describe('admin HTTP API', () => {
  const integrationId = 'bamboohr:admin';
  const target = { integrationId, resource: 'hris/employees' };

  it('drives the fake like the programmatic API does', async () => {
    expect(await admin('GET', '/info')).toMatchObject({
      status: 200,
      json: {
        baseUrl: fake.baseUrl,
        apiKey: fake.apiKey,
        resources: expect.arrayContaining(['hris/employees', 'lms/courses']),
      },
    });
    expect((await admin('POST', '/integrations', { id: integrationId, category: 'HRIS' })).status).toBe(201);

    const seeded = await admin('POST', '/seed', { ...target, count: 3 });
    expect(seeded).toMatchObject({ status: 201, json: { count: 3 } });
    const ids = (seeded.json as { ids: string[] }).ids;
    expect(ids).toEqual(fake.records(integrationId, 'hris/employees').map((record) => record.id));

    const created = await admin('POST', '/records/create', { ...target, overrides: { first_name: 'Admin' } });
    expect(created).toMatchObject({ status: 201, json: { first_name: 'Admin', remote_deleted_at: null } });

    const updated = await admin('POST', '/records/update', {
      ...target,
      id: ids[0],
      patch: { job_title: 'Chief Admin' },
    });
    expect(updated).toMatchObject({ status: 200, json: { id: ids[0], job_title: 'Chief Admin' } });
    expect((await admin('POST', '/records/touch-nested', { ...target, id: ids[1] })).status).toBe(204);
    const removed = await admin('POST', '/records/remove', { ...target, id: ids[2] });
    expect(removed).toMatchObject({ status: 200, json: { id: ids[2], remote_deleted_at: expect.any(String) } });

    const visible = await admin('GET', `/records?integrationId=${integrationId}&resource=hris/employees`);
    expect((visible.json as { records: unknown[] }).records).toHaveLength(3);
    const all = await admin(
      'GET',
      `/records?integrationId=${integrationId}&resource=hris/employees&includeDeleted=true`,
    );
    expect((all.json as { records: unknown[] }).records).toHaveLength(4);

    expect((await admin('POST', '/integrations/state', { id: integrationId, state: 'INACTIVE' })).status).toBe(204);
    expect((await getList(fake, 'hris/employees', { integrationId })).status).toBe(403);
    await admin('POST', '/integrations/state', { id: integrationId, state: 'ACTIVE' });

    expect(
      (await admin('POST', '/faults', { kind: 'status', status: 503, match: { integrationId, times: 1 } })).status,
    ).toBe(204);
    expect((await getList(fake, 'hris/employees', { integrationId })).status).toBe(503);
    await admin('POST', '/faults', { kind: 'status', status: 503 });
    expect((await admin('DELETE', '/faults')).status).toBe(204);
    expect(listBody(await getList(fake, 'hris/employees', { integrationId })).data.results).toHaveLength(3);

    const requests = await admin('GET', '/requests');
    expect((requests.json as { requests: { status: number }[] }).requests.map((request) => request.status)).toEqual([
      403, 503, 200,
    ]);
    expect((await admin('DELETE', '/requests')).status).toBe(204);
    expect(fake.requests).toEqual([]);
  });

  it.each([
    ['/seed', { integrationId: 'x', resource: 'ats/jobs', count: -1 }, 'count'],
    ['/seed', { integrationId: 'x', resource: 'ats/jobs' }, 'count'],
    ['/integrations', { id: 'a:b', category: 'CRM' }, 'category'],
    ['/integrations', { id: 'a:b', category: 'ATS', colour: 'red' }, 'colour'],
    ['/faults', { kind: 'latency', ms: 'slow' }, 'ms'],
    ['/faults', { kind: 'status', status: 503, match: { page: 0 } }, 'match.page'],
    ['/webhooks', { url: 'not a url', secret: 's', type: 't', data: {} }, 'url'],
  ])('answers bad input to %s with 400 naming the field', async (path, body, field) => {
    const answer = await admin('POST', path, body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: { field, message: expect.stringContaining(field) } });
  });

  it('answers invalid JSON with 400, misuse with 404 or 409, and unknown routes with 404', async () => {
    const response = await fetch(`${fake.adminUrl}/seed`, { method: 'POST', body: '{' });
    expect(response.status).toBe(400);
    expect(
      (await admin('POST', '/seed', { integrationId: 'nobody:here', resource: 'ats/jobs', count: 1 })).status,
    ).toBe(404);
    await admin('POST', '/integrations', { id: 'lever:twice', category: 'ATS' });
    expect((await admin('POST', '/integrations', { id: 'lever:twice', category: 'ATS' })).status).toBe(409);
    expect(
      (await admin('POST', '/records/update', { integrationId: 'lever:twice', resource: 'ats/jobs', id: 'missing' }))
        .status,
    ).toBe(404);
    expect((await admin('GET', '/nothing')).status).toBe(404);
  });
});
