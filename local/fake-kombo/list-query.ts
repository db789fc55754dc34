/**
 * Validation of the query of `GET /v1/<resource>`: the parameters every Kombo list endpoint
 * shares, with the rules of the spec (page_size 1–250, default 100; `include_deleted` exactly
 * `true` or `false`; `updated_after` an ISO date-time). Model-specific filters (`job_ids`,
 * `employment_status`, ...) are rejected rather than ignored, so a client relying on one learns
 * that the fake cannot honour it instead of getting silently unfiltered data.
 */
import { type CursorPosition, decodeCursor, filterFingerprint } from './cursor';
import type { PageRequest } from './store';

export const MAX_PAGE_SIZE = 250;
export const DEFAULT_PAGE_SIZE = 100;

const SUPPORTED_PARAMETERS = new Set([
  'cursor',
  'page_size',
  'updated_after',
  'include_deleted',
  'ignore_unsupported_filters',
  'ids',
  'remote_ids',
]);

/** The spec's pattern for `updated_after`: a date, optionally with time and fraction, optionally `Z`. */
const UPDATED_AFTER_PATTERN = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}(\.\d+)?)?Z?$/;

export interface ListQuery {
  readonly page: PageRequest;
  /** 1-based number of the requested page. */
  readonly pageNumber: number;
  /** Fingerprint of the filters, to put into the next cursor. */
  readonly filters: string;
}

export type ListQueryResult =
  | { readonly ok: true; readonly query: ListQuery }
  | { readonly ok: false; readonly message: string };

export function parseListQuery(params: URLSearchParams, integrationId: string, resource: string): ListQueryResult {
  for (const name of new Set(params.keys())) {
    if (!SUPPORTED_PARAMETERS.has(name)) {
      return invalid(`The query parameter "${name}" is not supported by the fake Kombo API.`);
    }
    // Kombo lists several values comma-separated in one parameter; a repeated one is ambiguous.
    if (params.getAll(name).length > 1) return invalid(`The query parameter "${name}" is given more than once.`);
  }
  const pageSize = parsePageSize(params.get('page_size'));
  if (pageSize === null) return invalid(`page_size must be an integer between 1 and ${MAX_PAGE_SIZE}.`);

  const updatedAfterText = params.get('updated_after');
  const updatedAfterMs = updatedAfterText === null ? null : parseUpdatedAfter(updatedAfterText);
  if (Number.isNaN(updatedAfterMs)) {
    return invalid('updated_after must be an ISO 8601 date-time like 2026-01-31T12:00:00.000Z.');
  }
  const includeDeleted = parseBooleanText(params.get('include_deleted'));
  if (includeDeleted === null) return invalid('include_deleted must be "true" or "false".');
  const ignoreUnsupportedFilters = parseBooleanText(params.get('ignore_unsupported_filters'));
  if (ignoreUnsupportedFilters === null) return invalid('ignore_unsupported_filters must be "true" or "false".');

  const ids = parseList(params.get('ids'));
  const remoteIds = parseList(params.get('remote_ids'));
  const filters = filterFingerprint({
    integrationId,
    resource,
    updatedAfterMs,
    includeDeleted,
    ignoreUnsupportedFilters,
    ids,
    remoteIds,
  });

  const cursorText = params.get('cursor');
  let position: CursorPosition | null = null;
  if (cursorText !== null) {
    position = decodeCursor(cursorText);
    if (!position) return invalid('The cursor is invalid. Pass the `next` value of the previous page unchanged.');
    if (position.filters !== filters) {
      return invalid(
        'The filters differ from those of the request that returned this cursor. Repeat every filter on every page.',
      );
    }
  }
  return {
    ok: true,
    query: {
      page: { afterSeq: position?.afterSeq ?? 0, pageSize, updatedAfterMs, includeDeleted, ids, remoteIds },
      pageNumber: position?.page ?? 1,
      filters,
    },
  };
}

function invalid(message: string): ListQueryResult {
  return { ok: false, message };
}

function parsePageSize(text: string | null): number | null {
  if (text === null) return DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return value >= 1 && value <= MAX_PAGE_SIZE ? value : null;
}

/** Epoch ms, or NaN. A missing zone means UTC (JavaScript would read it as local time). */
function parseUpdatedAfter(text: string): number {
  const match = UPDATED_AFTER_PATTERN.exec(text);
  if (!match) return Number.NaN;
  const [, day, time] = match;
  return Date.parse(`${day}${time ?? 'T00:00:00'}Z`);
}

function parseBooleanText(text: string | null): boolean | null {
  if (text === null || text === 'false') return false;
  return text === 'true' ? true : null;
}

function parseList(text: string | null): ReadonlySet<string> | null {
  if (text === null) return null;
  return new Set(
    text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  );
}
