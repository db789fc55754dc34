/** How a pool run ended: every item done, stopped by a task, or failed by one. */
export type PoolOutcome =
  | { readonly status: 'done' }
  | { readonly status: 'stopped' }
  | { readonly status: 'failed'; readonly error: unknown };

/**
 * Runs `task` over `items` with at most `limit` in flight. Once a task asks to stop (returns
 * `'stop'`) or throws, no further item starts, and the pool resolves only after every task already
 * started has settled: nothing it began may still run when its caller returns (a Lambda container
 * frozen after the handler returns would resume such work later, out of order).
 */
export async function runPool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<'next' | 'stop'>,
): Promise<PoolOutcome> {
  let nextIndex = 0;
  let outcome: PoolOutcome = { status: 'done' };
  const halted = () => outcome.status !== 'done';
  const worker = async () => {
    while (!halted() && nextIndex < items.length) {
      const index = nextIndex++;
      try {
        if ((await task(items[index] as T, index)) === 'stop' && !halted()) outcome = { status: 'stopped' };
      } catch (error) {
        // The first failure wins; a stop already decided is superseded, since the page failed anyway.
        if (outcome.status !== 'failed') outcome = { status: 'failed', error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return outcome;
}
