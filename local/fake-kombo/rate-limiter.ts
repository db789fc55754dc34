import type { RateLimitOptions } from './types';

export interface RateLimitState {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Whole seconds until the window resets, as Kombo's `ratelimit-reset` header. */
  readonly resetSeconds: number;
}

interface Window {
  startMs: number;
  used: number;
}

/**
 * Fixed windows per API key, timed by the fake's clock (a test can move the clock instead of
 * waiting). The key is whatever bearer token the request presents, so even rejected requests
 * count and carry the headers, as every Kombo response does.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly options: RateLimitOptions,
    private readonly clock: () => Date,
  ) {}

  take(key: string): RateLimitState {
    const nowMs = this.clock().getTime();
    let window = this.windows.get(key);
    if (!window || nowMs >= window.startMs + this.options.windowMs || nowMs < window.startMs) {
      window = { startMs: nowMs, used: 0 };
      this.windows.set(key, window);
    }
    const allowed = window.used < this.options.limit;
    if (allowed) window.used++;
    return {
      allowed,
      limit: this.options.limit,
      remaining: this.options.limit - window.used,
      resetSeconds: Math.max(0, Math.ceil((window.startMs + this.options.windowMs - nowMs) / 1000)),
    };
  }
}

export function rateLimitHeaders(
  state: Pick<RateLimitState, 'limit' | 'remaining' | 'resetSeconds'>,
): Record<string, string> {
  return {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.resetSeconds),
  };
}
