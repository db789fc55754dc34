import { describe, expect, it } from 'vitest';
import { toRecordItem } from '../../lambdas/core/sync/record-item';
import { employee, engineHarness, INTEGRATION } from '../support/engine-harness';
import { scriptedKombo } from '../support/scripted-kombo';

const purgeJob = { v: 1 as const, kind: 'purge' as const, integrationId: INTEGRATION };
const now = new Date('2026-11-27T00:00:00.000Z');

function purgeHarness() {
  const h = engineHarness(scriptedKombo(() => new Error('a purge asks Kombo nothing')).source);
  for (const resource of ['hris/employees', 'hris/absences']) {
    for (let n = 0; n < 7; n++)
      h.records.put(toRecordItem(INTEGRATION, resource, employee(n), { now, tombstoneTtlSeconds: 86_400 }));
  }
  h.state.cursors.set(`${INTEGRATION}#hris/employees`, { failures: 0, deltaCursor: now.toISOString() });
  return h;
}

describe('the purge of a deleted integration', () => {
  it('skips an integration that is not marked deleted', async () => {
    const h = purgeHarness();
    expect(await h.run(purgeJob)).toEqual({ outcome: 'skipped', reason: 'integration-unavailable' });
    expect(h.records.partitions.size).toBe(2);
  });

  it('deletes every record and state item, leaving only the deletion marker', async () => {
    const h = purgeHarness();
    h.state.markDeleted(INTEGRATION, now.toISOString());
    expect(await h.run(purgeJob)).toMatchObject({ outcome: 'completed' });
    expect([...h.records.partitions.values()].every((partition) => partition.size === 0)).toBe(true);
    expect(h.state.cursors.size).toBe(0);
    expect(h.state.integrations.get(INTEGRATION)).toMatchObject({
      deletedAt: now.toISOString(),
      purgedAt: expect.any(String),
    });
  });

  it('continues in chunks when time runs short, from where it got to', async () => {
    const h = purgeHarness();
    h.state.markDeleted(INTEGRATION, now.toISOString());
    let steps = 0;
    const result = await h.run(purgeJob, () => (steps++ < 2 ? 300_000 : 1_000));
    expect(result).toMatchObject({ outcome: 'continued' });
    expect(h.state.integrations.get(INTEGRATION)?.purge).toMatchObject({ deleted: expect.any(Number) });
    expect(await h.run(h.sent[0]!.job)).toMatchObject({ outcome: 'completed' });
    expect([...h.records.partitions.values()].every((partition) => partition.size === 0)).toBe(true);
  });

  it('goes another round when a walk wrote meanwhile, and fails (to be retried) when items keep appearing', async () => {
    const h = purgeHarness();
    h.state.markDeleted(INTEGRATION, now.toISOString());
    const purge = h.records.purge.bind(h.records);
    let late = 0;
    h.records.purge = async (partition, startKey) => {
      const page = await purge(partition, startKey);
      // A late writer puts a record back after every page of employees.
      if (partition.resource === 'hris/employees' && late++ < 100)
        h.records.put(toRecordItem(INTEGRATION, 'hris/employees', employee(99), { now, tombstoneTtlSeconds: 86_400 }));
      return page;
    };
    const result = await h.run(purgeJob);
    expect(result).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('after 3 rounds') });
  });
});
