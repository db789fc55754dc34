/**
 * The fleet's Kombo request budget and its defaults. This module loads nothing else, so configuration
 * (and with it `cdk synth`) can read the defaults without loading the client.
 */
export interface RequestBudgetSettings {
  /**
   * Kombo requests per minute the whole fleet may send (every function, every container: Kombo
   * limits per API key). 0: not paced by a shared counter, only by Kombo's headers.
   */
  readonly requestsPerMinute: number;
  /** The share of each budget window that only real-time requests may use during its first half. */
  readonly realtimeShare: number;
}

/**
 * Kombo documents a sample limit of 300 requests per 60-second window (the real value is not
 * published); the fleet takes 90 % of it by default, leaving room for the customer's other uses of
 * the key. Operators who know their limit set `komboRequestsPerMinute`.
 */
export const DEFAULT_REQUEST_BUDGET: RequestBudgetSettings = { requestsPerMinute: 270, realtimeShare: 0.2 };
