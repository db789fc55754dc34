import { backoffMs, sleep } from '../backoff';
import { errorMessage } from '../describe';
import type {
  Deadline,
  IntegrationDetails,
  ListQuery,
  Page,
  RequestBudget,
  RequestPriority,
  Telemetry,
} from '../ports';
import { parseError, parseIntegration, parsePage, rateLimitReading, rateLimitWaitMs } from './answers';
import {
  classifyErrorResponse,
  isRetryableResponse,
  KomboBudgetWaitError,
  KomboPaginationError,
  KomboUnavailableError,
} from './errors';

/**
 * A small Kombo read client on Node's fetch. Not the official SDK: its enums are closed (a value
 * Kombo adds later makes it throw), its response validation is strict, and it has no LMS endpoints.
 */
export const MAX_PAGE_SIZE = 250;

export interface RetryNotice {
  readonly reason: string;
  readonly waitMs: number;
  readonly attempt: number;
}

export interface KomboClientOptions {
  /** Including `/v1`, e.g. `https://api.kombo.dev/v1`. */
  readonly baseUrl: string;
  readonly apiKey: () => Promise<string>;
  readonly pageSize?: number;
  readonly requestTimeoutMs?: number;
  /** Retries of 5xx, network errors, timeouts and malformed bodies (429s are bounded by time alone). */
  readonly maxRetries?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Time kept in reserve: no request or wait may end later than this before the deadline. */
  readonly reserveMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly onRetry?: (notice: RetryNotice) => void;
  /** After every request Kombo answered or that failed: whether it was answered 429 (rate limited). */
  readonly onRequest?: (request: { readonly rateLimited: boolean }) => void;
  /** The fleet's share of Kombo's rate limit, drawn from before every request. @default none: unpaced */
  readonly budget?: RequestBudget;
}

/** Past any real tenant (250 × 40,000 = 10 million records): a walk this long is a loop. */
export const DEFAULT_MAX_PAGES = 40_000;
const MAX_RATE_LIMIT_WAITS = 100;

export class KomboClient {
  private readonly baseUrl: string;
  private readonly pageSize: number;
  private readonly requestTimeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly reserveMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: KomboClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.pageSize = options.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1 || this.pageSize > MAX_PAGE_SIZE) {
      throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 5;
    this.baseBackoffMs = options.baseBackoffMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 20_000;
    this.reserveMs = options.reserveMs ?? 0;
    this.fetchFn = options.fetch ?? fetch;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
  }

  /**
   * Every page of a list, from `startCursor` (or the beginning), with the same filters on every
   * page. Yields each page with the cursor that fetched it.
   */
  async *pages(
    query: ListQuery,
    options: {
      deadline: Deadline;
      startCursor?: string | undefined;
      maxPages?: number;
      priority?: RequestPriority;
    },
  ): AsyncGenerator<Page & { cursor: string | undefined }> {
    const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    const seen = new Set<string>();
    let cursor = options.startCursor;
    for (let count = 1; ; count++) {
      if (count > maxPages) {
        throw new KomboPaginationError(
          `${query.resource}: more than ${maxPages} pages; stopping a walk that does not end`,
        );
      }
      const page = await this.fetchPage(query, cursor, options.deadline, options.priority);
      yield { ...page, cursor };
      if (page.next === null) return;
      if (seen.has(page.next) || page.next === cursor) {
        throw new KomboPaginationError(`${query.resource}: Kombo returned a cursor it had already returned`);
      }
      seen.add(page.next);
      cursor = page.next;
    }
  }

  /** One page, retried within the deadline as Kombo's answers allow. */
  async fetchPage(
    query: ListQuery,
    cursor: string | undefined,
    deadline: Deadline,
    priority: RequestPriority = 'bulk',
  ): Promise<Page> {
    const headers = { ...(await this.headers()), 'x-integration-id': query.integrationId };
    return this.get(this.pageUrl(query, cursor), headers, deadline, {
      label: query.resource,
      priority,
      answer: 'page',
      hadCursor: cursor !== undefined,
      parse: parsePage,
    });
  }

  /** `GET /v1/integrations/{id}`, with the same retries and error handling as the lists. */
  async getIntegration(
    integrationId: string,
    deadline: Deadline,
    priority: RequestPriority = 'bulk',
  ): Promise<IntegrationDetails> {
    const url = `${this.baseUrl}/integrations/${encodeURIComponent(integrationId)}`;
    return this.get(url, await this.headers(), deadline, {
      label: 'integrations',
      priority,
      answer: 'integration',
      hadCursor: false,
      parse: parseIntegration,
    });
  }

  private async headers(): Promise<Record<string, string>> {
    return { authorization: `Bearer ${await this.options.apiKey()}`, accept: 'application/json' };
  }

  /** One GET, retried within the deadline as Kombo's answers allow. */
  private async get<T>(
    url: string,
    headers: Record<string, string>,
    deadline: Deadline,
    request: {
      label: string;
      priority: RequestPriority;
      answer: string;
      hadCursor: boolean;
      parse: (text: string) => T | string;
    },
  ): Promise<T> {
    const { label } = request;
    let failures = 0;
    let rateLimitWaits = 0;
    const usable = { remainingMs: () => deadline.remainingMs() - this.reserveMs };
    for (let attempt = 1; ; attempt++) {
      const grant = await this.options.budget?.take(request.priority, usable);
      if (grant?.granted === false) {
        throw new KomboBudgetWaitError(`${label}: no share of the fleet's request budget within the time left`);
      }
      const timeoutMs = Math.min(this.requestTimeoutMs, usable.remainingMs());
      if (timeoutMs <= 0) throw new KomboUnavailableError(`${label}: no time left for a request`);
      const outcome = await this.attempt(url, headers, timeoutMs, request);
      this.options.onRequest?.({
        rateLimited: 'rateLimitedForMs' in outcome && outcome.rateLimitedForMs !== undefined,
      });
      if ('value' in outcome) return outcome.value;

      let waitMs: number;
      if (outcome.rateLimitedForMs !== undefined) {
        rateLimitWaits++;
        if (rateLimitWaits > MAX_RATE_LIMIT_WAITS)
          throw new KomboUnavailableError(`${label}: ${outcome.reason}`, outcome.code, outcome.status);
        waitMs = outcome.rateLimitedForMs + Math.floor(this.random() * 250);
      } else {
        failures++;
        if (failures > this.maxRetries) {
          throw new KomboUnavailableError(
            `${label}: ${outcome.reason} (after ${failures} attempts)`,
            outcome.code,
            outcome.status,
          );
        }
        // Full jitter, so workers that failed together do not retry together.
        waitMs = backoffMs(failures, { baseMs: this.baseBackoffMs, maxMs: this.maxBackoffMs, random: this.random });
      }
      if (waitMs > deadline.remainingMs() - this.reserveMs) {
        throw new KomboUnavailableError(
          `${label}: ${outcome.reason}; no time left to retry`,
          outcome.code,
          outcome.status,
        );
      }
      this.options.onRetry?.({ reason: outcome.reason, waitMs, attempt });
      await this.sleep(waitMs);
    }
  }

  private pageUrl(query: ListQuery, cursor: string | undefined): string {
    const params = new URLSearchParams({
      page_size: String(this.pageSize),
      include_deleted: String(query.includeDeleted),
    });
    if (query.updatedAfter !== undefined) params.set('updated_after', query.updatedAfter);
    if (query.ids !== undefined) params.set('ids', query.ids.join(','));
    if (cursor !== undefined) params.set('cursor', cursor);
    return `${this.baseUrl}/${query.resource}?${params.toString()}`;
  }

  private async attempt<T>(
    url: string,
    headers: Record<string, string>,
    timeoutMs: number,
    request: { answer: string; hadCursor: boolean; parse: (text: string) => T | string },
  ): Promise<{ value: T } | { reason: string; code: string | null; status: number | null; rateLimitedForMs?: number }> {
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      const reading = rateLimitReading(response.headers);
      if (reading) this.options.budget?.observe(reading);
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return {
        reason: timedOut ? `no answer within ${timeoutMs} ms` : `network error: ${errorMessage(error)}`,
        code: null,
        status: null,
      };
    }

    if (response.ok) {
      const value = request.parse(text);
      if (typeof value === 'string')
        return { reason: `malformed ${request.answer}: ${value}`, code: null, status: response.status };
      return { value };
    }

    const error = parseError(text);
    if (response.status === 429) {
      return {
        reason: `rate limited (${error.code ?? '429'})`,
        code: error.code,
        status: 429,
        rateLimitedForMs: rateLimitWaitMs(response.headers),
      };
    }
    if (isRetryableResponse(response.status, error.code)) {
      return {
        reason: `Kombo answered ${response.status}${error.code ? ` ${error.code}` : ''}`,
        code: error.code,
        status: response.status,
      };
    }
    throw classifyErrorResponse(response.status, error.code, error.message, request.hadCursor);
  }
}

/** How the functions report on their Kombo requests: requests, 429s and retries counted, retries logged. */
export function telemetryHooks(telemetry: Telemetry): Pick<KomboClientOptions, 'onRetry' | 'onRequest'> {
  return {
    onRetry: (notice) => {
      telemetry.warn('retrying a Kombo request', { ...notice });
      telemetry.count('KomboRetries');
    },
    onRequest: ({ rateLimited }) => {
      telemetry.count('KomboRequests');
      if (rateLimited) telemetry.count('KomboRateLimited');
    },
  };
}

/** The client as the functions use it, reporting through the Telemetry port (see telemetryHooks). */
export function komboClientFor(options: {
  baseUrl: string;
  apiKey: () => Promise<string>;
  requestTimeoutMs: number;
  telemetry: Telemetry;
  /** The functions pass one that traces each request when they trace. @default Node's fetch */
  fetch?: typeof fetch;
  /** The fleet's request budget (see FleetRequestBudget). @default none: unpaced */
  budget?: RequestBudget;
}): KomboClient {
  return new KomboClient({
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    requestTimeoutMs: options.requestTimeoutMs,
    fetch: options.fetch,
    budget: options.budget,
    ...telemetryHooks(options.telemetry),
  });
}
