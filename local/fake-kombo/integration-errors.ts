import { type ApiError, apiError } from './api-errors';
import { readModelId } from './read-models';
import type { Category, Integration } from './types';

/** Why an integration cannot serve a resource right now, or null when it can. */
export function integrationError(integration: Integration, category: Category, resource: string): ApiError | null {
  switch (integration.state) {
    case 'INACTIVE':
      return apiError(
        'INTEGRATION.INACTIVE',
        `The integration ${integration.id} is inactive. Reactivate it in the Kombo dashboard.`,
      );
    case 'INVALID':
      return apiError(
        'INTEGRATION.AUTHENTICATION_INVALID',
        `The credentials of the integration ${integration.id} are no longer valid. Ask the customer to reconnect.`,
      );
    case 'SETUP_SYNC_PENDING':
      return apiError(
        'INTEGRATION.SETUP_SYNC_PENDING',
        `The initial sync of the integration ${integration.id} has not finished yet.`,
      );
    case 'ACTIVE':
      break;
  }
  if (integration.category !== category) {
    return apiError(
      'INTEGRATION.MODEL_NOT_AVAILABLE',
      `The "${resource}" model is not available for the ${integration.category} integration ${integration.id} (${integration.tool}).`,
    );
  }
  const modelId = readModelId(resource);
  if (integration.unavailableReadModels.includes(modelId)) {
    return apiError(
      'INTEGRATION.MODEL_NOT_AVAILABLE',
      `The "${resource}" model (${modelId}) is not enabled for the integration ${integration.id} (${integration.tool}).`,
    );
  }
  return null;
}
