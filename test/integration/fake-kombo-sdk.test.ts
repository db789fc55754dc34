/**
 * The official SDK validates every response strictly (zod, closed enums): if it parses all pages
 * of every endpoint, the fake's records are complete enough to stand in for Kombo's.
 */
import { Kombo } from '@kombo-api/sdk';
import { KomboAtsError, ResponseValidationError } from '@kombo-api/sdk/models/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKombo, startFakeKombo } from '../../local/fake-kombo';

const ATS = 'greenhouse:sdk';
const HRIS = 'personio:sdk';
const RECORDS_PER_RESOURCE = 230;
const PAGE_SIZE = 100;

let fake: FakeKombo;
let ats: Kombo;
let hris: Kombo;

const client = (integrationId: string, apiKey = fake.apiKey) =>
  new Kombo({
    api_key: apiKey,
    integration_id: integrationId,
    server_url: fake.baseUrl,
    retry_config: { strategy: 'none' },
  });

/** What every paginated SDK method returns: an async iterable of pages. */
type PageIterable = AsyncIterable<{ result: { data: { next?: string | null; results: { id: string }[] } } }>;

const ATS_METHODS: Record<string, (request: { page_size: number; include_deleted: boolean }) => Promise<PageIterable>> =
  {
    'ats/applications': (request) => ats.ats.getApplications(request),
    'ats/candidates': (request) => ats.ats.getCandidates(request),
    'ats/jobs': (request) => ats.ats.getJobs(request),
    'ats/users': (request) => ats.ats.getUsers(request),
    'ats/offers': (request) => ats.ats.getOffers(request),
    'ats/interviews': (request) => ats.ats.getInterviews(request),
    'ats/tags': (request) => ats.ats.getTags(request),
    'ats/application-stages': (request) => ats.ats.getApplicationStages(request),
    'ats/rejection-reasons': (request) => ats.ats.getRejectionReasons(request),
    'ats/roles': (request) => ats.ats.getRoles(request),
  };
const HRIS_METHODS: Record<
  string,
  (request: { page_size: number; include_deleted: boolean }) => Promise<PageIterable>
> = {
  'hris/employees': (request) => hris.hris.getEmployees(request),
  'hris/employments': (request) => hris.hris.getEmployments(request),
  'hris/groups': (request) => hris.hris.getGroups(request),
  'hris/locations': (request) => hris.hris.getLocations(request),
  'hris/legal-entities': (request) => hris.hris.getLegalEntities(request),
  'hris/absence-types': (request) => hris.hris.getAbsenceTypes(request),
  'hris/absences': (request) => hris.hris.getAbsences(request),
  'hris/time-off-balances': (request) => hris.hris.getTimeOffBalances(request),
  'hris/timesheets': (request) => hris.hris.getTimesheets(request),
  'hris/employee-document-categories': (request) => hris.hris.getEmployeeDocumentCategories(request),
  'hris/performance-review-cycles': (request) => hris.hris.getPerformanceReviewCycles(request),
  'hris/performance-reviews': (request) => hris.hris.getPerformanceReviews(request),
  'hris/staffing-entities': (request) => hris.hris.getStaffingEntities(request),
};

beforeAll(async () => {
  fake = await startFakeKombo({ seed: 21 });
  fake.addIntegration({ id: ATS, category: 'ATS' });
  fake.addIntegration({ id: HRIS, category: 'HRIS' });
  for (const [integrationId, methods] of [
    [ATS, ATS_METHODS],
    [HRIS, HRIS_METHODS],
  ] as const) {
    for (const resource of Object.keys(methods)) {
      const [deleted] = fake.seed(integrationId, resource, RECORDS_PER_RESOURCE);
      // One deleted record per resource, so `remote_deleted_at` is parsed as a date-time too.
      fake.remove(integrationId, resource, deleted.id);
    }
  }
  ats = client(ATS);
  hris = client(HRIS);
});

afterAll(async () => {
  await fake.close();
});

describe('official SDK (@kombo-api/sdk) against the fake', () => {
  it.each(Object.entries({ ...ATS_METHODS, ...HRIS_METHODS }))('parses every page of %s', async (resource, list) => {
    const pages = [];
    for await (const page of await list({ page_size: PAGE_SIZE, include_deleted: true })) pages.push(page.result.data);
    expect(pages.map((page) => page.results.length)).toEqual([100, 100, 30]);
    const integrationId = resource.startsWith('ats/') ? ATS : HRIS;
    const expectedIds = fake.records(integrationId, resource, { includeDeleted: true }).map((record) => record.id);
    expect(pages.flatMap((page) => page.results.map((record) => record.id))).toEqual(expectedIds);
  });

  it('is strict: a record missing required fields fails with ResponseValidationError', async () => {
    fake.injectFault({
      kind: 'malformed',
      body: JSON.stringify({ status: 'success', data: { next: null, results: [{ id: 'only-an-id' }] } }),
    });
    await expect(ats.ats.getJobs()).rejects.toBeInstanceOf(ResponseValidationError);
  });

  it("parses the fake's error envelope as Kombo's error with its code", async () => {
    const error = await client(ATS, 'wrong-key')
      .ats.getApplications()
      .then(
        () => null,
        (caught: unknown) => caught,
      );
    if (!(error instanceof KomboAtsError)) throw new Error(`expected KomboAtsError, got ${String(error)}`);
    expect(error.data$.error.code).toBe('PLATFORM.AUTHENTICATION_INVALID');
    expect(error.statusCode).toBe(401);
  });
});
