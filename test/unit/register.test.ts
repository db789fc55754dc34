import { describe, expect, it } from 'vitest';
import { type RegisterDependencies, registerIntegrations } from '../../lambdas/core/plan/register';
import type { QueuedJob } from '../../lambdas/core/sync/job';
import { integrationDetails } from '../support/integration-details';
import { RecordingTelemetry } from '../support/recording-telemetry';

describe('bulk registration', () => {
  it('answers per id and counts what it registered and what it could not', async () => {
    const telemetry = new RecordingTelemetry();
    const sent: QueuedJob[] = [];
    const deps: RegisterDependencies = {
      upstream: {
        getIntegration: async (id) => {
          if (id === 'personio:flaky') throw new Error('Kombo answered 503');
          return integrationDetails({ id });
        },
      },
      registry: {
        get: async () => undefined,
        register: async () => ({ outcome: 'registered' }),
        setState: async () => 'applied',
      },
      queue: { send: async (jobs) => void sent.push(...jobs) },
      telemetry,
      now: () => new Date('2026-11-29T12:00:00.000Z'),
      bulkLanes: 20,
    };
    const { results } = await registerIntegrations(
      ['personio:a', 'personio:flaky'],
      'run-1',
      { remainingMs: () => 60_000 },
      deps,
    );
    expect(results).toEqual([
      { id: 'personio:a', result: 'registered' },
      { id: 'personio:flaky', result: 'failed', reason: 'Kombo answered 503' },
    ]);
    expect(sent).toHaveLength(1);
    // A backfill is bulk work: its reconcile goes in a lane, as the weekly run's.
    expect(sent[0]?.groupId).toMatch(/^bulk-lane#\d+$/);
    expect(telemetry.counted('IntegrationsRegisteredInBulk')).toBe(1);
    expect(telemetry.counted('IntegrationRegistrationsFailed')).toBe(1);
  });
});
