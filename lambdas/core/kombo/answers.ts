import { describeIssues } from '../describe';
import type { IntegrationDetails, Page, RateLimitReading } from '../ports';
import { errorEnvelopeSchema, integrationEnvelopeSchema, pageEnvelopeSchema } from './responses';

/** How the client reads Kombo's answers: bodies validated into values (a problem as a string), headers parsed. */

export function parsePage(text: string): Page | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return 'body is not JSON';
  }
  const parsed = pageEnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    return describeIssues(parsed.error);
  }
  return { records: parsed.data.data.results, next: parsed.data.data.next };
}

export function parseIntegration(text: string): IntegrationDetails | string {
  const json = parseJson(text);
  if (json === undefined) return 'body is not JSON';
  const parsed = integrationEnvelopeSchema.safeParse(json);
  if (!parsed.success) return describeIssues(parsed.error);
  const data = parsed.data.data;
  return {
    id: data.id,
    tool: data.tool.id,
    category: data.category,
    status: data.status,
    setupStatus: data.setup_status,
    originId: data.end_user?.origin_id ?? null,
    unavailableModels: data.read_models.filter((model) => !model.is_available).map((model) => model.id),
    dataExpiredAt: data.data_expired_at ? new Date(data.data_expired_at).toISOString() : null,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Past these lengths an error's code or message is not worth keeping whole: both end up in logs and
 * in state items (a walk's failure), which DynamoDB refuses beyond 400 KB, and no Kombo code is this long.
 */
const MAX_ERROR_CODE_CHARS = 100;
const MAX_ERROR_MESSAGE_CHARS = 1000;

const bounded = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (truncated)` : text);

export function parseError(text: string): { code: string | null; message: string } {
  try {
    const parsed = errorEnvelopeSchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      const { code, message, title } = parsed.data.error;
      return {
        code: code == null ? null : bounded(code, MAX_ERROR_CODE_CHARS),
        message: bounded(message ?? title ?? '', MAX_ERROR_MESSAGE_CHARS),
      };
    }
  } catch {
    // Not JSON: a proxy or load balancer answered. The status alone decides.
  }
  return { code: null, message: 'no Kombo error body' };
}

/**
 * Kombo's rate-limit window is a minute or so (`ratelimit-reset` 57 in its docs). A reset further off
 * is no delta in seconds (an epoch timestamp, say) and is not believed for pacing: one such header
 * would otherwise hold every request of the container back for years.
 */
const MAX_RESET_SECONDS = 3600;

/** A header's value when it is a non-negative decimal number. */
function headerNumber(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)?.trim();
  return value !== undefined && /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
}

/** Kombo's `ratelimit-*` headers, when an answer carries all three as numbers and a believable reset. */
export function rateLimitReading(headers: Headers): RateLimitReading | undefined {
  const limit = headerNumber(headers, 'ratelimit-limit');
  const remaining = headerNumber(headers, 'ratelimit-remaining');
  const resetSeconds = headerNumber(headers, 'ratelimit-reset');
  if (limit === undefined || remaining === undefined || resetSeconds === undefined) return undefined;
  return resetSeconds <= MAX_RESET_SECONDS ? { limit, remaining, resetSeconds } : undefined;
}

/**
 * `ratelimit-reset` (seconds until the window resets), else `Retry-After`, else one second. A wait
 * past the deadline (however absurd the header) ends the request as unavailable, to be retried later.
 */
export function rateLimitWaitMs(headers: Headers): number {
  for (const name of ['ratelimit-reset', 'retry-after']) {
    const seconds = headerNumber(headers, name);
    if (seconds !== undefined) return Math.ceil(seconds * 1000);
  }
  return 1_000;
}
