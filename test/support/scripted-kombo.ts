import type { Page, PageSource, RequestPriority } from '../../lambdas/core/ports';

/** What a scripted Kombo answers to one request: a page, or an error to throw. */
export type ScriptedAnswer = Page | Error;

/**
 * A Kombo page source from a function of (query, cursor): pages chain by their `next` cursor, as
 * the real client's do. Every request is recorded.
 */
export function scriptedKombo(
  answer: (
    query: Parameters<PageSource['pages']>[0],
    cursor: string | undefined,
  ) => ScriptedAnswer | Promise<ScriptedAnswer>,
) {
  const requests: {
    query: Parameters<PageSource['pages']>[0];
    cursor: string | undefined;
    priority: RequestPriority | undefined;
  }[] = [];
  const source: PageSource = {
    async *pages(query, options) {
      let cursor = options.startCursor;
      for (;;) {
        requests.push({ query, cursor, priority: options.priority });
        const result = await answer(query, cursor);
        if (result instanceof Error) throw result;
        yield { ...result, cursor };
        if (result.next === null) return;
        cursor = result.next;
      }
    },
  };
  return { source, requests };
}

/** A port a test does not expect to be used: any call fails the test, naming the call. */
export function unused<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, method) => () => {
      throw new Error(`${name}.${String(method)} must not be called`);
    },
  });
}
