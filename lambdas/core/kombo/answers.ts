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

export function parseError(text: string): { code: string | null; message: string } {
  try {
    const parsed = errorEnvelopeSchema.safeParse(JSON.parse(text));
    if (parsed.success) {
      return {
        code: parsed.data.error.code ?? null,
        message: parsed.data.error.message ?? parsed.data.error.title ?? '',
      };
    }
  } catch {
    // Not JSON: a proxy or load balancer answered. The status alone decides.
  }
  return { code: null, message: 'no Kombo error body' };
}

/** Kombo's `ratelimit-*` headers, when an answer carries all three as numbers. */
export function rateLimitReading(headers: Headers): RateLimitReading | undefined {
  const [limit, remaining, resetSeconds] = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((name) => {
    const value = headers.get(name)?.trim();
    return value !== undefined && /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
  });
  if (limit === undefined || remaining === undefined || resetSeconds === undefined) return undefined;
  return { limit, remaining, resetSeconds };
}

/** `ratelimit-reset` (seconds until the window resets), else `Retry-After`, else one second. */
export function rateLimitWaitMs(headers: Headers): number {
  for (const name of ['ratelimit-reset', 'retry-after']) {
    const value = headers.get(name);
    if (value !== null && /^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  }
  return 1_000;
}
