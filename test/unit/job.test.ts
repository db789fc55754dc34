import { describe, expect, it } from 'vitest';
import { fullJob, syncJobSchema } from '../../lambdas/core/sync/job';

describe('fullJob', () => {
  it('keeps a run id that fits, and hashes one too long for the job, so the worker accepts the message', () => {
    expect(fullJob('personio:p1', 'hris/employees', 'created-evt_1').job).toMatchObject({ runId: 'created-evt_1' });

    const longEventRun = `created-${'e'.repeat(200)}`;
    const queued = fullJob('personio:p1', 'hris/employees', longEventRun);
    expect(syncJobSchema.safeParse(JSON.parse(JSON.stringify(queued.job))).success).toBe(true);
    if (queued.job.kind !== 'full') throw new Error('expected a full job');
    expect(queued.job.runId).toMatch(/^[0-9a-f]{64}$/);
    // The same event delivered again names the same run, so its jobs still coalesce.
    expect(fullJob('personio:p1', 'hris/absences', longEventRun).job).toMatchObject({ runId: queued.job.runId });
  });
});
