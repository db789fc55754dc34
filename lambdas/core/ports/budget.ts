import type { Deadline } from './kombo';

/**
 * Whose request it is. `realtime`: someone waits for it (a delta after a webhook, a reconcile after a
 * lifecycle event). `bulk`: the weekly run's reconciles and full walks, sweeps, bulk registration.
 */
export type RequestPriority = 'realtime' | 'bulk';

/** Kombo's rate-limit headers on an answer: the API key's window, as seen by every caller of the key. */
export interface RateLimitReading {
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until Kombo's window resets. */
  readonly resetSeconds: number;
}

/** How a wait for the budget ended. */
export type BudgetGrant = { readonly granted: true; readonly waitedMs: number } | { readonly granted: false };

/**
 * The fleet's share of Kombo's rate limit, which is per API key: every container of every function
 * draws from it before a request, so the fleet paces itself instead of finding the limit by 429s.
 */
export interface RequestBudget {
  /** Waits until a request of this priority may go; `granted: false` when that is later than the deadline allows. */
  take(priority: RequestPriority, deadline: Deadline): Promise<BudgetGrant>;
  /** What Kombo's headers said on an answer (a 429's too). */
  observe(reading: RateLimitReading): void;
}

/** A counter per time window that every container shares (one item per window in the state table). */
export interface WindowCounter {
  /**
   * Counts one request in window `windowStartMs` if fewer than `limit` are counted there; false
   * when the window is full. The window's count may be forgotten after `expiresAt` (epoch seconds).
   */
  tryTake(windowStartMs: number, limit: number, expiresAt: number): Promise<boolean>;
}
