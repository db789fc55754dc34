import { describe, expect, it } from 'vitest';
import type { SyncJob } from '../../lambdas/core/sync/job';
import { employee, engineHarness, fullJob, INTEGRATION, pagedRecords, RESOURCE } from '../support/engine-harness';
import { scriptedKombo } from '../support/scripted-kombo';

const records = Array.from({ length: 30 }, (_, n) => employee(n));

describe('correlation of log lines', () => {
  it("gives every log line of a job's work, across a continuation, the causing event's id", async () => {
    const h = engineHarness(scriptedKombo((_query, cursor) => pagedRecords(records, 10)(cursor)).source);
    // Time runs short after the first page: the walk continues in a second invocation.
    let budget = 300_000;
    const read = h.records.storedVersions.bind(h.records);
    h.records.storedVersions = async (...args) => {
      budget = 0;
      return read(...args);
    };
    const job: SyncJob = {
      v: 1,
      kind: 'delta',
      integrationId: INTEGRATION,
      resource: RESOURCE,
      cause: { eventId: 'evt_77' },
    };
    expect(await h.run(job, () => budget)).toMatchObject({ outcome: 'continued' });
    const continuation = h.sent.at(-1)?.job;
    expect(continuation).toMatchObject({ cause: { eventId: 'evt_77' } });
    budget = 300_000;
    h.records.storedVersions = read;
    expect(await h.run(continuation as SyncJob)).toMatchObject({ outcome: 'completed' });

    const messages = h.telemetry.lines.map((line) => line.message);
    expect(messages).toContain('job continues in a new invocation');
    expect(messages).toContain('walk completed');
    for (const line of h.telemetry.lines) expect(line.fields, line.message).toMatchObject({ correlation_id: 'evt_77' });
  });

  it("gives a full walk's lines its run id", async () => {
    const h = engineHarness(scriptedKombo(() => ({ records, next: null })).source);
    await h.run(fullJob('weekly-2026-11-29'));
    expect(h.telemetry.lines.length).toBeGreaterThan(0);
    for (const line of h.telemetry.lines)
      expect(line.fields, line.message).toMatchObject({ runId: 'weekly-2026-11-29' });
  });
});
