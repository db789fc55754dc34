/**
 * `GET /v1/integrations/{integration_id}`: the one non-list endpoint. The id comes from the
 * path, so it needs no `X-Integration-Id`; the shared checks (rate limit, API key, faults) run in
 * `api-handler.ts` before it.
 */
import { type ApiError, apiError } from './api-errors';
import { integrationDetails } from './integration-details';
import type { FakeStore } from './store';

/**
 * What the endpoint is called in `fake.requests[].resource` and in a fault's `match.resource`.
 * No list resource has this name: they all start with their category.
 */
export const INTEGRATIONS_RESOURCE = 'integrations';

const PATH_PREFIX = `${INTEGRATIONS_RESOURCE}/`;

/**
 * The integration id of a path below `/v1/` (e.g. `integrations/personio%3Aabc`), decoded, or
 * null when the path is not this endpoint. Clients such as Kombo's SDK percent-encode the `:`.
 */
export function integrationIdFromPath(path: string): string | null {
  if (!path.startsWith(PATH_PREFIX)) return null;
  const encoded = path.slice(PATH_PREFIX.length);
  if (encoded === '' || encoded.includes('/')) return null;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null; // malformed percent-encoding: no such route
  }
}

/** The JSON body to answer with, or the error; answers for INACTIVE and INVALID integrations too. */
export function integrationAnswer(store: FakeStore, integrationId: string): string | ApiError {
  const integration = store.findIntegration(integrationId);
  if (!integration) return integrationNotFound(integrationId);
  return JSON.stringify({ status: 'success', data: integrationDetails(integration) });
}

/** Same answer for an id that never existed and one that was removed, as for the lists. */
export function integrationNotFound(integrationId: string): ApiError {
  return apiError('PLATFORM.INTEGRATION_NOT_FOUND', `No integration with the id "${integrationId}" exists.`);
}
