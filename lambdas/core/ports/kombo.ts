import type { KomboRecord } from '../kombo/responses';

/** What the engine needs from Kombo: pages of a list, within the time it has. */
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
    options: { deadline: Deadline; startCursor?: string | undefined; maxPages?: number },
  ): AsyncGenerator<Page & { cursor: string | undefined }>;
}
