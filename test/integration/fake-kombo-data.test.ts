import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Category,
  type FakeKombo,
  FakeKomboUsageError,
  resourceCategory,
  servedResources,
  startFakeKombo,
} from '../../local/fake-kombo';
import { manualClock } from '../support/fake-kombo-http';

const KOMBO_ID = /^[1-9A-HJ-NP-Za-km-z]{24}$/;
const categoryOf = (resource: string): Category => {
  const category = resourceCategory(resource);
  if (!category) throw new Error(`the fake does not serve ${resource}`);
  return category;
};

const fakes: FakeKombo[] = [];
async function fakeWithAllCategories(seed: number): Promise<FakeKombo> {
  const fake = await startFakeKombo({ seed, clock: manualClock('2026-05-01T00:00:00.000Z').now });
  for (const category of ['ATS', 'HRIS', 'LMS'] as const) fake.addIntegration({ id: `sandbox:${category}`, category });
  fakes.push(fake);
  return fake;
}

afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
});

describe('deterministic data', () => {
  let first: FakeKombo;
  let second: FakeKombo;
  let otherSeed: FakeKombo;

  beforeAll(async () => {
    [first, second, otherSeed] = await Promise.all([
      fakeWithAllCategories(11),
      fakeWithAllCategories(11),
      fakeWithAllCategories(12),
    ]);
  });

  it('makes the same records and ids for the same seed, and other ids for another seed', () => {
    for (const resource of servedResources()) {
      const integrationId = `sandbox:${categoryOf(resource)}`;
      const a = first.seed(integrationId, resource, 20);
      const b = second.seed(integrationId, resource, 20);
      const c = otherSeed.seed(integrationId, resource, 20);
      expect(b, resource).toEqual(a);
      expect(
        c.map((record) => record.id),
        resource,
      ).not.toEqual(a.map((record) => record.id));
    }
  });

  it("does not let one resource's seeding change another's records", async () => {
    const fresh = await fakeWithAllCategories(11);
    const jobsFirst = fresh.seed('sandbox:ATS', 'ats/jobs', 5);
    expect(jobsFirst).toEqual(first.records('sandbox:ATS', 'ats/jobs').slice(0, 5));
  });
});

describe('records', () => {
  let fake: FakeKombo;

  beforeAll(async () => {
    fake = await fakeWithAllCategories(3);
  });

  it('seeds 100,000 records quickly, each with a distinct Kombo-like id', () => {
    const started = performance.now();
    const records = fake.seed('sandbox:ATS', 'ats/applications', 100_000);
    const elapsedMs = performance.now() - started;
    const ids = new Set(records.map((record) => record.id));
    expect(ids.size).toBe(100_000);
    expect(records.every((record) => KOMBO_ID.test(record.id))).toBe(true);
    // Generous for slow CI machines; about 1 s on a laptop.
    expect(elapsedMs).toBeLessThan(15_000);
  });

  it('applies overrides on create and keeps earlier snapshots unchanged on update', () => {
    const created = fake.create('sandbox:HRIS', 'hris/employees', { first_name: 'Grace', remote_id: 'emp-1' });
    expect(created).toMatchObject({ first_name: 'Grace', remote_id: 'emp-1' });
    const updated = fake.update('sandbox:HRIS', 'hris/employees', created.id, { first_name: 'Ada', id: 'ignored' });
    expect(updated).toMatchObject({ id: created.id, first_name: 'Ada' });
    expect(created.first_name).toBe('Grace');
  });

  it('shares nested values between records only frozen, so no record can change another', () => {
    const [record] = fake.seed('sandbox:ATS', 'ats/jobs', 1);
    const stages = record.stages as { name: string }[];
    expect(() => {
      stages[0].name = 'changed';
    }).toThrow(TypeError);
  });

  it('reports misuse with FakeKomboUsageError', () => {
    const misuse = [
      () => fake.seed('sandbox:ATS', 'hris/employees', 1),
      () => fake.seed('sandbox:ATS', 'ats/nothing', 1),
      () => fake.seed('nobody:x', 'ats/jobs', 1),
      () => fake.seed('sandbox:ATS', 'ats/jobs', -1),
      () => fake.create('sandbox:ATS', 'ats/jobs', { changed_at: 5 }),
      () => fake.update('sandbox:ATS', 'ats/jobs', 'missing'),
      () => fake.addIntegration({ id: 'sandbox:ATS', category: 'ATS' }),
    ];
    for (const call of misuse) expect(call).toThrow(FakeKomboUsageError);
    const [existing] = fake.records('sandbox:ATS', 'ats/jobs');
    expect(() => fake.create('sandbox:ATS', 'ats/jobs', { id: existing.id })).toThrow(/already exists/);
  });
});
