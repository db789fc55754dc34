import { configuredResourcesOf } from '../kombo/catalogue';
import type { IntegrationDetails, IntegrationState } from '../ports';

/** A resource's read model in Kombo's `read_models` (`hris/time-off-balances` → `hris_time_off_balances`). */
export const readModelOf = (resource: string): string => resource.replace(/[/-]/g, '_');

export interface Availability {
  /** Configured resources whose model Kombo offers. */
  readonly available: string[];
  readonly unavailable: string[];
  /** Available now, unavailable at the last reconcile: to be backfilled. */
  readonly newlyAvailable: string[];
  /** `data_expired_at` set, and not the one already acted on. */
  readonly scopeChanged: boolean;
}

/** What Kombo's answer means for the resources this deployment syncs. */
export function availabilityOf(
  details: IntegrationDetails,
  syncResources: ReadonlySet<string>,
  before: IntegrationState | undefined,
): Availability {
  const configured = configuredResourcesOf(details.category, syncResources);
  const unavailableModels = new Set(details.unavailableModels);
  const unavailable = configured.filter((resource) => unavailableModels.has(readModelOf(resource)));
  const available = configured.filter((resource) => !unavailableModels.has(readModelOf(resource)));
  const newlyAvailable = available.filter((resource) => before?.unavailableResources.includes(resource));
  const scopeChanged = details.dataExpiredAt !== null && details.dataExpiredAt !== before?.dataExpiredAt;
  return { available, unavailable, newlyAvailable, scopeChanged };
}
