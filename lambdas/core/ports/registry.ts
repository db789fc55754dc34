/**
 * The integration registry: which integrations exist, their tool, category and state, and the id
 * the user's own system knows the customer by. Kept from Kombo's lifecycle webhooks; the weekly
 * full sync plans from it.
 */
export interface RegisteredIntegration {
  readonly id: string;
  readonly tool: string;
  readonly category: string;
  /** Kombo's state: ACTIVE, INACTIVE or INVALID (others are kept as sent). */
  readonly state: string;
  /** `end_user.origin_id`: the id the user's own system knows the customer by. */
  readonly originId: string | null;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
}

export interface IntegrationRegistry {
  /** Adds the integration, or refreshes it. A deleted integration stays deleted. */
  register(input: { id: string; tool: string; category: string; originId?: string | null | undefined; at: string }): Promise<void>;
  /**
   * Stores Kombo's new state; anything but ACTIVE blocks the integration's jobs until it changes.
   * A deleted integration stays deleted.
   */
  setState(input: { id: string; tool: string; category: string; state: string; originId?: string | null | undefined; at: string }): Promise<void>;
  /**
   * Marks the integration deleted: its jobs are dropped from now on, and its registry entry keeps
   * only the tool, category and state DELETED (no customer details), so a late event cannot revive it.
   */
  markDeleted(input: { id: string; tool: string; category: string; at: string }): Promise<void>;
  list(): Promise<RegisteredIntegration[]>;
  get(id: string): Promise<RegisteredIntegration | undefined>;
}

export const ACTIVE_STATE = 'ACTIVE';
export const DELETED_STATE = 'DELETED';
