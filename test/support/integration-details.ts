import type { IntegrationDetails } from '../../lambdas/core/ports';

/** What Kombo's `GET /v1/integrations/{id}` says of a healthy, active integration, with overrides. */
export const integrationDetails = (overrides: Partial<IntegrationDetails> = {}): IntegrationDetails => ({
  id: 'personio:p1',
  tool: 'personio',
  category: 'HRIS',
  status: 'ACTIVE',
  setupStatus: 'COMPLETED',
  originId: null,
  unavailableModels: [],
  dataExpiredAt: null,
  ...overrides,
});
