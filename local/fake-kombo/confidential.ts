/**
 * What a fake Kombo in this process hands out that must never appear in a log line: the API key it
 * accepts, the webhook secrets it signs with and the signatures it sends, the records it serves.
 * Test support watches it (test/support/log-guard.ts checks every log line of a test file against
 * it); with no watcher, nothing is kept.
 */
export type Confidential =
  | { readonly kind: 'api key' | 'webhook secret' | 'signature'; readonly value: string }
  | {
      readonly kind: 'records';
      readonly integrationId: string;
      readonly resource: string;
      readonly records: readonly unknown[];
    };

type Watcher = (handedOut: Confidential) => void;
const watchers = new Set<Watcher>();

/** Calls `watcher` with everything confidential the fakes hand out from now on; returns the unwatch. */
export function watchConfidential(watcher: Watcher): () => void {
  watchers.add(watcher);
  return () => void watchers.delete(watcher);
}

export function handOut(confidential: Confidential): void {
  for (const watcher of watchers) watcher(confidential);
}
