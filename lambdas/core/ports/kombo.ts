import type { KomboRecord } from '../kombo/responses';
import type { RequestPriority } from './budget';

/** How much time the caller has left; every wait and request is bounded by it. */
export interface Deadline {
  remainingMs(): number;
}

export interface ListQuery {
  readonly integrationId: string;
  readonly resource: string;
  readonly updatedAfter?: string | undefined;
  readonly includeDeleted: boolean;
  /** Only these Kombo ids (Kombo's `ids` filter). */
  readonly ids?: readonly string[] | undefined;
}

export interface Page {
  readonly records: KomboRecord[];
  readonly next: string | null;
}

/** The part of the Kombo client the engine uses. */
export interface PageSource {
  pages(
    query: ListQuery,
    options: {
      deadline: Deadline;
      startCursor?: string | undefined;
      maxPages?: number;
      /** Whose request it is, for the fleet's request budget. @default 'bulk' */
      priority?: RequestPriority;
    },
  ): AsyncGenerator<Page & { cursor: string | undefined }>;
}

/** Kombo's view of one integration (`GET /v1/integrations/{id}`): what reconciling needs of it. */
export interface IntegrationDetails {
  readonly id: string;
  readonly tool: string;
  readonly category: string;
  /** `ACTIVE`, `INVALID` or `INACTIVE` (a value Kombo adds later is kept as sent). */
  readonly status: string;
  readonly setupStatus: string;
  readonly originId: string | null;
  /** Models (e.g. `hris_employees`) that are not available: not offered, disabled or opted out of. */
  readonly unavailableModels: readonly string[];
  /** Set when the customer changed the integration's scope: data synced before is no longer valid. */
  readonly dataExpiredAt: string | null;
}

/** The part of the Kombo client that reads integrations. */
export interface IntegrationSource {
  /** Throws KomboIntegrationUnavailableError with code `PLATFORM.INTEGRATION_NOT_FOUND` for an id Kombo does not know. */
  getIntegration(integrationId: string, deadline: Deadline, priority?: RequestPriority): Promise<IntegrationDetails>;
}
