import { describe, expect, it } from 'vitest';
import {
  type PlanDependencies,
  planWeeklyFullSync,
  scheduledRunSchema,
  weeklyRunOf,
} from '../../lambdas/core/plan/full-sync-plan';
import { spreadSlot } from '../../lambdas/core/plan/spread-slot';
import type { RegisteredIntegration } from '../../lambdas/core/ports';
import type { QueuedJob } from '../../lambdas/core/sync/job';
import { RecordingTelemetry } from '../support/recording-telemetry';

const registered = (id: string, state = 'ACTIVE'): RegisteredIntegration => ({
  id,
  tool: 'personio',
  category: 'HRIS',
  state,
  originId: null,
  firstSeenAt: '2026-11-01T00:00:00.000Z',
  lastSeenAt: '2026-11-01T00:00:00.000Z',
  stateUpdatedAt: undefined,
  missingSince: undefined,
  dataChanged: undefined,
});

const INTEGRATIONS = [
  ...Array.from({ length: 200 }, (_, i) => registered(`personio:${i}`)),
  registered('personio:gone', 'DELETED'),
];

function planner() {
  const sent: QueuedJob[] = [];
  const telemetry = new RecordingTelemetry();
  const deps: PlanDependencies = {
    registry: { list: async () => INTEGRATIONS, get: async () => undefined },
    queue: { send: async (jobs) => void sent.push(...jobs) },
    syncResources: new Set(['hris/employees']),
    telemetry,
    bulkLanes: 0,
  };
  return { sent, telemetry, deps };
}

/** A slot's scheduled event, as its schedule would send it (slot k fires k × 15 minutes after 02:00). */
const slotEvent = (slot: number, slots = 16) =>
  scheduledRunSchema.parse({
    source: 'schedule',
    scheduled_time: new Date(Date.parse('2026-11-29T02:00:00Z') + slot * 15 * 60_000).toISOString(),
    slot,
    slots,
    slot_minutes: 15,
  });
const NOW = new Date('2026-11-29T09:00:00Z');

describe('the weekly plan, spread over slots', () => {
  it("plans exactly the slot's integrations, deleted ones skipped", async () => {
    const { sent, telemetry, deps } = planner();
    const result = await planWeeklyFullSync(weeklyRunOf(slotEvent(3), NOW), deps);
    const expected = INTEGRATIONS.filter((i) => spreadSlot(i.id, 16) === 3 && i.state !== 'DELETED').map((i) => i.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(sent.map(({ job }) => job.integrationId)).toEqual(expected);
    expect(result).toMatchObject({ runId: '2026-11-29T02:00:00.000Z', slot: 3, slots: 16, jobs: expected.length });
    expect(telemetry.counted('ReconcileJobsPlanned')).toBe(expected.length);
    expect(telemetry.lines.at(-1)?.fields).toMatchObject({ slot: 3, slots: 16 });
  });

  it('plans every integration once over all slots, under one run id', async () => {
    const { sent, deps } = planner();
    const results = [];
    for (let slot = 0; slot < 16; slot++)
      results.push(await planWeeklyFullSync(weeklyRunOf(slotEvent(slot), NOW), deps));
    const planned = sent.map(({ job }) => job.integrationId);
    expect(planned.sort()).toEqual(
      INTEGRATIONS.filter((i) => i.state !== 'DELETED')
        .map((i) => i.id)
        .sort(),
    );
    expect(results.flatMap((r) => r.skipped)).toEqual([{ integrationId: 'personio:gone', state: 'DELETED' }]);
    expect(new Set(results.map((r) => r.runId))).toEqual(new Set(['2026-11-29T02:00:00.000Z']));
    expect(new Set(sent.map(({ job }) => (job.kind === 'reconcile' ? job.runId : undefined)))).toEqual(
      new Set(['2026-11-29T02:00:00.000Z']),
    );
  });

  it('enqueues the same (deduplicated) jobs when a slot is retried', async () => {
    const first = planner();
    const retry = planner();
    await planWeeklyFullSync(weeklyRunOf(slotEvent(7), NOW), first.deps);
    await planWeeklyFullSync(weeklyRunOf(slotEvent(7), new Date('2026-11-29T10:00:00Z')), retry.deps);
    expect(retry.sent.map((j) => j.deduplicationId)).toEqual(first.sent.map((j) => j.deduplicationId));
  });

  it('without slot fields (an operator, the local runtime) plans every integration, as one slot of one', async () => {
    const { sent, deps } = planner();
    const event = scheduledRunSchema.parse({ source: 'schedule', scheduled_time: '2026-11-29T02:00:00Z' });
    const result = await planWeeklyFullSync(weeklyRunOf(event, NOW), deps);
    expect(result).toMatchObject({ runId: '2026-11-29T02:00:00.000Z', slot: 0, slots: 1, jobs: 200 });
    expect(sent).toHaveLength(200);
    const bare = weeklyRunOf(scheduledRunSchema.parse({ source: 'schedule' }), NOW);
    expect(bare).toEqual({ runId: NOW.toISOString(), slot: 0, slots: 1 });
  });
});

describe('the scheduled event', () => {
  const problems = (event: Record<string, unknown>) => {
    const parsed = scheduledRunSchema.safeParse({
      source: 'schedule',
      scheduled_time: '2026-11-29T02:00:00Z',
      ...event,
    });
    return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
  };

  it('takes whole slot fields, 0 ≤ slot < slots ≤ 96, slot_minutes ≥ 1, all three or none', () => {
    expect(problems({ slot: 95, slots: 96, slot_minutes: 1 })).toEqual([]);
    expect(problems({})).toEqual([]);
    expect(problems({ slot: 16, slots: 16, slot_minutes: 15 })).toEqual(['slot']);
    expect(problems({ slot: -1, slots: 16, slot_minutes: 15 })).toEqual(['slot']);
    expect(problems({ slot: 1.5, slots: 16, slot_minutes: 15 })).toEqual(['slot']);
    expect(problems({ slot: 0, slots: 97, slot_minutes: 15 })).toEqual(['slots']);
    expect(problems({ slot: 0, slots: 16, slot_minutes: 0 })).toEqual(['slot_minutes']);
    expect(problems({ slot: '1', slots: 16, slot_minutes: 15 })).toEqual(['slot']);
    expect(problems({ slot: 1 })).toEqual(['slots', 'slot_minutes']);
    expect(problems({ slot: 1, slots: 16, slot_minutes: 15, scheduled_time: undefined })).toEqual(['scheduled_time']);
  });
});
