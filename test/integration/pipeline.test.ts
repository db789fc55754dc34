import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../../local/pipeline';
import { expectedMirror, mirrorOf } from '../support/mirror';

const ATS = 'greenhouse:e2e';
const HRIS = 'personio:e2e';
let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline({ kombo: { seed: 11 } });
  pipeline.kombo.addIntegration({ id: ATS, category: 'ATS' });
  pipeline.kombo.addIntegration({ id: HRIS, category: 'HRIS' });
});
afterAll(async () => pipeline?.close());

const deliver = async (integrationId: string, changedModels: string[]) => {
  const { status } = await pipeline.kombo.sendDataChanged({
    url: pipeline.webhook.url,
    secret: pipeline.webhookSecret,
    integrationId,
    changedModels,
  });
  expect(status).toBe(200);
};

describe('signed webhook → queue → worker → DynamoDB', () => {
  it('backfills what a data-changed event names, and the table equals the dataset', async () => {
    pipeline.kombo.seed(ATS, 'ats/candidates', 520);
    pipeline.kombo.seed(ATS, 'ats/jobs', 30);
    const deleted = pipeline.kombo.records(ATS, 'ats/candidates').slice(0, 3);
    for (const record of deleted) pipeline.kombo.remove(ATS, 'ats/candidates', record.id);

    await deliver(ATS, ['ats_candidates']);
    await pipeline.runWorker();

    for (const resource of ['ats/candidates', 'ats/applications', 'ats/interviews', 'ats/offers']) {
      expect(mirrorOf(await pipeline.storedRecords(ATS, resource)), resource).toEqual(
        expectedMirror(pipeline.kombo, ATS, resource),
      );
    }
    expect(await pipeline.storedRecords(ATS, 'ats/jobs')).toEqual([]);
    const candidates = await pipeline.storedRecords(ATS, 'ats/candidates');
    expect(candidates).toHaveLength(520);
    expect(candidates.filter((item) => item.data_encoding === 'tombstone')).toHaveLength(3);
  });

  it('fetches only what changed since the cursor, with updated_after and include_deleted on every page', async () => {
    const [first, second] = pipeline.kombo.records(ATS, 'ats/candidates');
    pipeline.kombo.update(ATS, 'ats/candidates', first!.id, { first_name: 'Changed' });
    pipeline.kombo.remove(ATS, 'ats/candidates', second!.id);
    pipeline.kombo.resetRequests();

    await deliver(ATS, ['ats_candidates']);
    await pipeline.runWorker();

    const requests = pipeline.kombo.requests.filter((r) => r.resource === 'ats/candidates');
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(request.query).toMatchObject({
        page_size: '250',
        include_deleted: 'true',
        updated_after: expect.any(String),
      });
    }
    const mirror = mirrorOf(await pipeline.storedRecords(ATS, 'ats/candidates'));
    expect(mirror).toEqual(expectedMirror(pipeline.kombo, ATS, 'ats/candidates'));
    expect(mirror.find((item) => item.id === first!.id)?.data).toMatchObject({ first_name: 'Changed' });
  });

  it('keeps the delta cursor and the last walk in the state table', async () => {
    const state = await pipeline.stateItems(ATS);
    const cursor = state.find((item) => item.sk === 'cursor#ats/candidates');
    expect(cursor).toMatchObject({
      delta_cursor: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      last_success_at: expect.any(String),
      walks_completed: 2,
      // The 5-minute overlap re-reads everything seeded moments ago; only the two changes are written.
      last_walk: expect.objectContaining({
        kind: 'delta',
        pages: 3,
        written: 2,
        tombstoned: 1,
        unchanged: 518,
        stale: 0,
        updated_after: expect.any(String),
      }),
    });
    expect(state.some((item) => String(item.sk).startsWith('walk#'))).toBe(false);
  });

  it('syncs HRIS the same way', async () => {
    pipeline.kombo.seed(HRIS, 'hris/employees', 40);
    await deliver(HRIS, ['hris_employees']);
    await pipeline.runWorker();
    expect(mirrorOf(await pipeline.storedRecords(HRIS, 'hris/employees'))).toEqual(
      expectedMirror(pipeline.kombo, HRIS, 'hris/employees'),
    );
  });

  it('skips an integration Kombo calls inactive, records why, and does not retry it in a loop', async () => {
    pipeline.kombo.setIntegrationState(HRIS, 'INACTIVE');
    pipeline.kombo.resetRequests();
    await deliver(HRIS, ['hris_employees']);
    const invocations = await pipeline.runWorker();
    expect(invocations.every((report) => report.failed === 0)).toBe(true);
    const meta = (await pipeline.stateItems(HRIS)).find((item) => item.sk === 'meta');
    expect(meta).toMatchObject({
      block: { by: 'kombo', code: 'INTEGRATION.INACTIVE', until: expect.any(String), at: expect.any(String) },
    });

    const before = pipeline.kombo.requests.length;
    await deliver(HRIS, ['hris_employees', 'hris_employments']);
    await pipeline.runWorker();
    expect(pipeline.kombo.requests.length).toBe(before);
    pipeline.kombo.setIntegrationState(HRIS, 'ACTIVE');
  });
});
