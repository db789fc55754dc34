/**
 * Pagination cursors: opaque to clients, but a base64url JSON of a keyset position, the page
 * number it leads to (for page-matched faults) and a fingerprint of the filters it was made with.
 * Kombo requires every filter to be repeated on every page; the fingerprint lets the fake reject
 * a page request whose filters differ instead of silently mixing two result sets.
 */
import { z } from 'zod';
import { hashString } from './random';

export interface CursorPosition {
  /** Keyset position: the next page starts after this record seq. */
  readonly afterSeq: number;
  /** 1-based number of the page this cursor fetches (the first page has no cursor). */
  readonly page: number;
  /** `filterFingerprint` of the request that produced the cursor. */
  readonly filters: string;
}

const cursorSchema = z.object({
  v: z.literal(1),
  a: z.number().int().nonnegative(),
  p: z.number().int().min(2),
  f: z.string().regex(/^[0-9a-f]{16}$/),
});

export function encodeCursor(position: CursorPosition): string {
  const payload = { v: 1, a: position.afterSeq, p: position.page, f: position.filters };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The position, or null for anything that is not a cursor this fake made. */
export function decodeCursor(text: string): CursorPosition | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = cursorSchema.safeParse(payload);
  return parsed.success ? { afterSeq: parsed.data.a, page: parsed.data.p, filters: parsed.data.f } : null;
}

/** What makes two page requests "the same walk": everything but `cursor` and `page_size`. */
export interface WalkIdentity {
  readonly integrationId: string;
  readonly resource: string;
  readonly updatedAfterMs: number | null;
  readonly includeDeleted: boolean;
  readonly ignoreUnsupportedFilters: boolean;
  readonly ids: ReadonlySet<string> | null;
  readonly remoteIds: ReadonlySet<string> | null;
}

/**
 * Compares filters by meaning, not spelling: `include_deleted` left out equals `false`, and the
 * order of listed ids does not matter. Two 32-bit hashes make accidental equality negligible.
 */
export function filterFingerprint(walk: WalkIdentity): string {
  const canonical = JSON.stringify([
    walk.integrationId,
    walk.resource,
    walk.updatedAfterMs,
    walk.includeDeleted,
    walk.ignoreUnsupportedFilters,
    walk.ids ? [...walk.ids].sort() : null,
    walk.remoteIds ? [...walk.remoteIds].sort() : null,
  ]);
  const high = hashString(canonical).toString(16).padStart(8, '0');
  const low = hashString(canonical, 0x2545f491).toString(16).padStart(8, '0');
  return high + low;
}
