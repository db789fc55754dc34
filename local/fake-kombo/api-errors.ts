/**
 * Kombo's error envelope and the HTTP status the fake sends for each error code.
 *
 * Kombo's OpenAPI spec gives every operation only a `200` and a `default` response, so statuses
 * are not part of the contract, and Kombo's docs tell clients to branch on `error.code`, never on
 * the status. The statuses below are the documented ones where a document exists, plausible ones
 * otherwise:
 * - 401 AUTHENTICATION_INVALID, 429 RATE_LIMIT_EXCEEDED: Kombo's "querying the API" docs.
 * - 409 SETUP_SYNC_PENDING: Kombo's "important changes" (503 before 2026-05-19).
 * - 400 INPUT_INVALID, 404 INTEGRATION_NOT_FOUND, 403 for the other integration errors: chosen.
 */

export type ErrorCode =
  | 'PLATFORM.AUTHENTICATION_INVALID'
  | 'PLATFORM.INPUT_INVALID'
  | 'PLATFORM.INTEGRATION_NOT_FOUND'
  | 'PLATFORM.RATE_LIMIT_EXCEEDED'
  | 'PLATFORM.UNKNOWN_ERROR'
  | 'INTEGRATION.INACTIVE'
  | 'INTEGRATION.AUTHENTICATION_INVALID'
  | 'INTEGRATION.SETUP_SYNC_PENDING'
  | 'INTEGRATION.MODEL_NOT_AVAILABLE';

const ERRORS: Record<ErrorCode, { readonly status: number; readonly title: string }> = {
  'PLATFORM.AUTHENTICATION_INVALID': { status: 401, title: 'The API key is invalid.' },
  'PLATFORM.INPUT_INVALID': { status: 400, title: 'The request input is invalid.' },
  'PLATFORM.INTEGRATION_NOT_FOUND': { status: 404, title: 'The integration was not found.' },
  'PLATFORM.RATE_LIMIT_EXCEEDED': { status: 429, title: 'Rate limit exceeded.' },
  'PLATFORM.UNKNOWN_ERROR': { status: 500, title: 'An unknown error occurred.' },
  'INTEGRATION.INACTIVE': { status: 403, title: 'The integration is inactive.' },
  'INTEGRATION.AUTHENTICATION_INVALID': { status: 403, title: "The integration's credentials are invalid." },
  'INTEGRATION.SETUP_SYNC_PENDING': { status: 409, title: 'The initial sync of the integration is still running.' },
  'INTEGRATION.MODEL_NOT_AVAILABLE': {
    status: 403,
    title: "This data model isn't supported for the selected integration.",
  },
};

export interface ApiError {
  readonly status: number;
  /** Kombo's error code; null like Kombo's errors without one (e.g. an unknown route). */
  readonly code: string | null;
  readonly title: string | null;
  readonly message: string;
}

export function apiError(code: ErrorCode, message: string): ApiError {
  const { status, title } = ERRORS[code];
  return { status, code, title, message };
}

/** An error without a Kombo code, e.g. for a route that does not exist. */
export function plainError(status: number, message: string): ApiError {
  return { status, code: null, title: null, message };
}

export function errorBody(error: ApiError): string {
  return JSON.stringify({
    status: 'error',
    error: { code: error.code, title: error.title, message: error.message, log_url: null },
  });
}
