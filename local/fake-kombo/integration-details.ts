/**
 * The `data` of `GET /v1/integrations/{integration_id}`, shaped after Kombo's
 * `GetIntegrationsIntegrationIdPositiveResponse` and derived from the fake's own state, so it
 * agrees with what the list endpoints answer for the same integration.
 */
import { randomKomboId } from './ids';
import { Random, streamKeys } from './random';
import { readModelsOf } from './read-models';
import type { Category, Integration, IntegrationState } from './types';

/** Labels of a few well-known tools; any other tool id is capitalised. */
const TOOL_LABELS: Readonly<Record<string, string>> = {
  bamboohr: 'BambooHR',
  factorial: 'Factorial',
  greenhouse: 'Greenhouse',
  hibob: 'HiBob',
  lever: 'Lever',
  personio: 'Personio',
  sandbox: 'Sandbox',
  smartrecruiters: 'SmartRecruiters',
  successfactors: 'SAP SuccessFactors',
  teamtailor: 'Teamtailor',
  workday: 'Workday',
};

/** Where Kombo hosts its tool logos (the spec's example). Nobody fetches them from the fake. */
const ASSETS_URL = 'https://storage.googleapis.com/kombo-assets/integrations';

export function integrationDetails(integration: Integration): Record<string, unknown> {
  const { status, setupStatus } = statusOf(integration.state);
  const tool = encodeURIComponent(integration.tool);
  return {
    id: integration.id,
    tool: {
      id: integration.tool,
      label: TOOL_LABELS[integration.tool] ?? capitalised(integration.tool),
      internal_label: null,
      logo_url: `${ASSETS_URL}/${tool}/logo.svg`,
      icon_url: `${ASSETS_URL}/${tool}/icon.svg`,
    },
    category: integration.category,
    status,
    setup_status: setupStatus,
    end_user: {
      organization_name: integration.organizationName,
      creator_email: null,
      origin_id: integration.originId,
    },
    scope_config: { id: scopeConfigId(integration.category), name: `Default ${integration.category} scopes` },
    data_expired_at: integration.dataExpiredAt,
    created_at: integration.createdAt,
    beta: false,
    read_models: readModelsOf(integration.category).map((model) => {
      const available = !integration.unavailableReadModels.includes(model.id);
      return {
        id: model.id,
        label: model.label,
        is_available: available,
        coverage_status: 'SUPPORTED',
        // A model the test turned off reads as switched off in the scope config: supported by the
        // tool, so that is the one reason left for it to be unavailable.
        scope_config_setting: available ? 'ENABLED' : 'DISABLED',
        opted_out_by_customer: false,
        fields: [],
      };
    }),
    // The fake serves no write endpoints.
    write_actions: [],
  };
}

/**
 * Kombo's `status` knows no pending setup: an integration whose first sync still runs is ACTIVE
 * with `setup_status` FINAL_SYNC_PENDING (the lists answer INTEGRATION.SETUP_SYNC_PENDING meanwhile).
 */
function statusOf(state: IntegrationState): { status: 'ACTIVE' | 'INVALID' | 'INACTIVE'; setupStatus: string } {
  if (state === 'SETUP_SYNC_PENDING') return { status: 'ACTIVE', setupStatus: 'FINAL_SYNC_PENDING' };
  return { status: state, setupStatus: 'COMPLETED' };
}

/** One scope config per category, like a customer who configured one per product. */
function scopeConfigId(category: Category): string {
  const [first, second] = streamKeys(`scope-config\n${category}`);
  return randomKomboId(new Random(first, second, 0, 0));
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
