/** Waits `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The wait before retry number `attempt` (1 for the first retry): exponential from `baseMs`, capped
 * at `maxMs`. With `random`, full jitter (anywhere from 0 to the step), so that callers that failed
 * together do not retry together.
 */
export function backoffMs(attempt: number, options: { baseMs: number; maxMs: number; random?: () => number }): number {
  const step = Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1));
  return options.random ? Math.floor(options.random() * step) : step;
}
