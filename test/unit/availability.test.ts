import { describe, expect, it } from 'vitest';
import { availabilityOf, readModelOf } from '../../lambdas/core/lifecycle/availability';
import type { IntegrationState } from '../../lambdas/core/ports';
import { integrationDetails } from '../support/integration-details';

const previously = (overrides: Partial<IntegrationState> = {}): IntegrationState => ({
  block: undefined,
  deletedAt: undefined,
  purge: undefined,
  unavailableResources: [],
  dataExpiredAt: undefined,
  ...overrides,
});
const synced = new Set(['hris/employees', 'hris/time-off-balances', 'ats/jobs']);

describe('what Kombo says of an integration means for the resources we sync', () => {
  it('names read models as Kombo does: hyphens become underscores too', () => {
    expect(readModelOf('hris/time-off-balances')).toBe('hris_time_off_balances');
    expect(readModelOf('ats/application-stages')).toBe('ats_application_stages');
  });

  it('keeps unavailable models out, of the configured resources of the category only', () => {
    const availability = availabilityOf(
      integrationDetails({ unavailableModels: ['hris_time_off_balances'] }),
      synced,
      undefined,
    );
    expect(availability).toEqual({
      available: ['hris/employees'],
      unavailable: ['hris/time-off-balances'],
      newlyAvailable: [],
      scopeChanged: false,
    });
  });

  it('notices a model that became available, and a data_expired_at not yet acted on', () => {
    const answer = integrationDetails({ dataExpiredAt: '2026-11-29T10:00:00.000Z' });
    const availability = availabilityOf(
      answer,
      synced,
      previously({ unavailableResources: ['hris/time-off-balances'] }),
    );
    expect(availability.newlyAvailable).toEqual(['hris/time-off-balances']);
    expect(availability.scopeChanged).toBe(true);
    expect(availabilityOf(answer, synced, previously({ dataExpiredAt: '2026-11-29T10:00:00.000Z' })).scopeChanged).toBe(
      false,
    );
  });
});
