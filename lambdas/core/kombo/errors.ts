/**
 * What can go wrong talking to Kombo, by what the caller should do about it. Kombo documents that
 * clients should branch on the error `code`, not on the HTTP status.
 */
export abstract class KomboError extends Error {
  constructor(
    message: string,
    readonly code: string | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 429, 5xx, network errors, timeouts and malformed bodies that did not clear up in time: retry later. */
export class KomboUnavailableError extends KomboError {}

/** No share of the fleet's request budget came within the time left: nothing failed, the work waits its turn. */
export class KomboBudgetWaitError extends KomboUnavailableError {}

/** `INTEGRATION.SETUP_SYNC_PENDING`: the integration's first sync is still running; Kombo sends data-changed when it is done. */
export class KomboSetupPendingError extends KomboError {}

/** The integration cannot be read until something changes on Kombo's side (inactive, credentials invalid, gone). */
export class KomboIntegrationUnavailableError extends KomboError {}

/** The integration's tool does not offer this resource (or it is turned off). */
export class KomboResourceUnavailableError extends KomboError {}

/** Kombo refused a pagination cursor we sent (e.g. a checkpointed one that has expired). */
export class KomboCursorRejectedError extends KomboError {}

/** Any other 4xx: retrying the same request will not help. */
export class KomboPermanentError extends KomboError {}

/** Pagination that would not end: a repeated cursor or more pages than any real tenant has. */
export class KomboPaginationError extends KomboError {}

const INTEGRATION_UNAVAILABLE = new Set([
  'INTEGRATION.INACTIVE',
  'INTEGRATION.AUTHENTICATION_INVALID',
  'INTEGRATION.QA_FAILED',
  'INTEGRATION.SETUP_INCOMPLETE',
  'PLATFORM.INTEGRATION_NOT_FOUND',
]);
const RESOURCE_UNAVAILABLE = new Set([
  'INTEGRATION.MODEL_NOT_AVAILABLE',
  'INTEGRATION.MODEL_DISABLED',
  'INTEGRATION.PERMISSION_MISSING',
]);
const RETRYABLE_CODES = new Set([
  'PLATFORM.RATE_LIMIT_EXCEEDED',
  'PLATFORM.CONCURRENCY_LIMIT_EXCEEDED',
  'PLATFORM.TASK_TIMED_OUT',
  'PLATFORM.UNKNOWN_ERROR',
  'REMOTE.SERVICE_UNAVAILABLE',
  'REMOTE.RATE_LIMIT_EXCEEDED',
]);

const INPUT_INVALID = 'PLATFORM.INPUT_INVALID';

/**
 * The code decides first: `SETUP_SYNC_PENDING` came with a 503 until May 2026, and is no reason to
 * retry; nor is input Kombo called invalid.
 */
export function isRetryableResponse(status: number, code: string | null): boolean {
  if (
    code !== null &&
    (code === 'INTEGRATION.SETUP_SYNC_PENDING' ||
      code === INPUT_INVALID ||
      INTEGRATION_UNAVAILABLE.has(code) ||
      RESOURCE_UNAVAILABLE.has(code))
  ) {
    return false;
  }
  return status === 429 || status >= 500 || (code !== null && RETRYABLE_CODES.has(code));
}

/** Turns a non-retryable Kombo error response into the error that says what to do. */
export function classifyErrorResponse(
  status: number,
  code: string | null,
  message: string,
  requestHadCursor: boolean,
): KomboError {
  const text = `Kombo answered ${status}${code ? ` ${code}` : ''}: ${message}`;
  if (code === 'INTEGRATION.SETUP_SYNC_PENDING') return new KomboSetupPendingError(text, code, status);
  if (code && INTEGRATION_UNAVAILABLE.has(code)) return new KomboIntegrationUnavailableError(text, code, status);
  if (code && RESOURCE_UNAVAILABLE.has(code)) return new KomboResourceUnavailableError(text, code, status);
  // By code whatever the status (Kombo has moved codes between statuses); a code-less 400 too.
  if (requestHadCursor && (code === INPUT_INVALID || (code === null && status === 400))) {
    return new KomboCursorRejectedError(text, code, status);
  }
  return new KomboPermanentError(text, code, status);
}
