/**
 * The integration registry: which integrations exist, their tool, category and state, and the id
 * the user's own system knows the customer by. Kept from Kombo's lifecycle webhooks; the weekly
 * full sync plans from it.
 */
export interface RegisteredIntegration {
  readonly id: string;
  readonly tool: string;
  readonly category: string;
  /** Kombo's state: ACTIVE, INACTIVE or INVALID (others are kept as sent); DELETED once deleted. */
  readonly state: string;
  /** `end_user.origin_id`: the id the user's own system knows the customer by. */
  readonly originId: string | null;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  /** The time of the state as Kombo gave it (an event's `updated_at`, or when Kombo was asked). */
  readonly stateUpdatedAt: string | undefined;
  /** Since when Kombo answers that it does not know the integration. */
  readonly missingSince: string | undefined;
  /** `data-changed` events: when the first and the last arrived, and how many. */
  readonly dataChanged: { readonly first: string; readonly last: string; readonly count: number } | undefined;
}

/** What registering did: a new entry, a refreshed one (with the state it had), or none (deleted). */
export type RegisterResult =
  | { readonly outcome: 'registered' }
  | { readonly outcome: 'refreshed'; readonly previousState: string }
  | { readonly outcome: 'deleted' };

export interface IntegrationRegistry {
  /**
   * Adds the integration, or refreshes it; a `data-changed` also counts towards its cadence. A
   * deleted integration stays deleted.
   */
  register(input: {
    id: string;
    tool: string;
    category: string;
    originId?: string | null | undefined;
    at: string;
    dataChangedAt?: string | undefined;
  }): Promise<RegisterResult>;
  /**
   * Stores Kombo's state as of `updatedAt`, unless a state at least as new is stored (`stale`: a
   * late or replayed event). Anything but ACTIVE blocks the integration's jobs until it changes. A
   * deleted integration stays deleted.
   */
  setState(input: {
    id: string;
    tool: string;
    category: string;
    state: string;
    originId?: string | null | undefined;
    at: string;
    updatedAt: string;
  }): Promise<'applied' | 'stale' | 'deleted'>;
  /** Notes that Kombo does not know the integration; returns since when that has been so. */
  markMissing(id: string, at: string): Promise<string>;
  clearMissing(id: string): Promise<void>;
  /**
   * Marks the integration deleted: its jobs are dropped from now on, and its registry entry keeps
   * only the tool, category and state DELETED (no customer details), so a late event cannot revive it.
   */
  markDeleted(input: { id: string; tool: string; category: string; at: string }): Promise<void>;
  list(): Promise<RegisteredIntegration[]>;
  get(id: string): Promise<RegisteredIntegration | undefined>;
}

/**
 * Why an integration's jobs are skipped. One model, no sentinel dates: Kombo refused to serve it
 * (re-asked after `until`), or its state is not ACTIVE (until a state change says otherwise).
 */
export type IntegrationBlock =
  | { readonly by: 'kombo'; readonly code: string; readonly at: string; readonly until: string }
  | { readonly by: 'state'; readonly state: string; readonly at: string };

export interface PurgeProgress {
  /** Index into the resource catalogue of the partition being deleted; past the end: state items. */
  readonly resourceIndex: number;
  readonly key: string | undefined;
  readonly deleted: number;
  /** 1 for the first pass; more when items written meanwhile had to be purged again. */
  readonly round: number;
}

/** What the engine knows of an integration as a whole. */
export interface IntegrationState {
  readonly block: IntegrationBlock | undefined;
  /** Set when Kombo said the integration was deleted; its jobs are dropped. */
  readonly deletedAt: string | undefined;
  /** Where a purge in progress has got to. */
  readonly purge: PurgeProgress | undefined;
  /** Configured resources whose model Kombo says is not available: their jobs are skipped. */
  readonly unavailableResources: readonly string[];
  /** The `data_expired_at` last acted on (a full walk of every resource followed it). */
  readonly dataExpiredAt: string | undefined;
}

/**
 * The engine's view of an integration's own item: blocked, deleted, its purge. The same store owns
 * the registry entry, so one adapter writes each stored item.
 */
export interface IntegrationStatus {
  integrationState(integrationId: string): Promise<IntegrationState | undefined>;
  /** Kombo refused to serve the integration: its jobs are skipped until `until`. */
  blockIntegration(integrationId: string, block: { code: string; until: string; at: string }): Promise<void>;
  savePurgeProgress(integrationId: string, progress: PurgeProgress): Promise<void>;
  /** Ends a purge: the integration's item keeps only the deletion marker. */
  finishPurge(integrationId: string, at: string): Promise<void>;
  /** What Kombo last said of the integration's models and scope. */
  saveUpstream(
    integrationId: string,
    upstream: { unavailableResources: readonly string[]; dataExpiredAt: string | undefined },
  ): Promise<void>;
}

export const ACTIVE_STATE = 'ACTIVE';
export const DELETED_STATE = 'DELETED';
