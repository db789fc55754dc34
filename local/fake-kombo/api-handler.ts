/**
 * `GET /v1/<resource>`, the Kombo list endpoints, and `GET /v1/integrations/{integration_id}`.
 * Checks run in this order: rate limit (every answer carries the `ratelimit-*` headers), API
 * key, route, injected faults; then, for a list, integration, query, unknown `ids` (only when
 * the `unknownIds` switch says to answer them) and one page of records; for the integration
 * endpoint, the integration's details (see `integration-endpoint.ts`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiError, apiError, errorBody, plainError } from './api-errors';
import { handOut } from './confidential';
import { decodeCursor, encodeCursor } from './cursor';
import type { FaultBook } from './faults';
import { generatorFor, type ResourceGenerator } from './generators';
import { bearerToken, headerValue, sendJsonText } from './http';
import {
  INTEGRATIONS_RESOURCE,
  integrationAnswer,
  integrationIdFromPath,
  integrationNotFound,
} from './integration-endpoint';
import { integrationError } from './integration-errors';
import { parseListQuery } from './list-query';
import { type RateLimiter, rateLimitHeaders } from './rate-limiter';
import type { FakeStore } from './store';
import type { Fault, RateLimitOptions, RecordedRequest, UnknownIdsAnswer } from './types';
import { unknownIdsError } from './unknown-ids';

export const API_PREFIX = '/v1/';

export interface ApiDependencies {
  readonly apiKey: string;
  readonly store: FakeStore;
  readonly rateLimit: RateLimitOptions;
  readonly rateLimiter: RateLimiter;
  readonly faults: FaultBook;
  readonly clock: () => Date;
  readonly requests: RecordedRequest[];
  /** Read per request: the switch can change while the fake runs. */
  unknownIdsAnswer(): UnknownIdsAnswer;
  /** Keeps the response open, unanswered, until the fake closes. */
  hold(response: ServerResponse): void;
  /** Waits `ms`; resolves false instead when the fake closes meanwhile. */
  delay(ms: number): Promise<boolean>;
}

export async function handleApiRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  deps: ApiDependencies,
): Promise<void> {
  const route = routeOf(url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : '');
  const integrationId =
    route?.kind === 'integration' ? route.integrationId : headerValue(request.headers, 'x-integration-id');
  const logEntry: RecordedRequest = {
    method: request.method ?? 'GET',
    path: url.pathname,
    resource: route && resourceOf(route),
    query: Object.fromEntries(url.searchParams),
    integrationId,
    status: 0,
    at: deps.clock().getTime(),
    answeredAt: null,
    fault: null,
  };
  deps.requests.push(logEntry);

  const token = bearerToken(request.headers);
  const limit = deps.rateLimiter.take(token ?? '');
  let headers = rateLimitHeaders(limit);
  const answer = (status: number, body: string): void => {
    logEntry.status = status;
    logEntry.answeredAt = deps.clock().getTime();
    sendJsonText(response, status, body, headers);
  };
  const fail = (error: ApiError): void => answer(error.status, errorBody(error));

  if (!limit.allowed) {
    const seconds = Math.round(deps.rateLimit.windowMs / 1000);
    return fail(
      apiError(
        'PLATFORM.RATE_LIMIT_EXCEEDED',
        `Rate limit exceeded. Maximum requests are ${deps.rateLimit.limit} every ${seconds} seconds.`,
      ),
    );
  }
  if (token !== deps.apiKey) {
    return fail(apiError('PLATFORM.AUTHENTICATION_INVALID', 'Pass a valid API key as "Authorization: Bearer <key>".'));
  }
  if (route === null) return fail(plainError(404, `There is no endpoint ${request.method} ${url.pathname}.`));
  if (request.method !== 'GET') return fail(plainError(405, `${request.method} is not allowed on ${url.pathname}.`));

  const cursorText = url.searchParams.get('cursor');
  // The integration endpoint has no pages and no cursor: faults naming a page, and
  // `reject-cursor` faults, only ever hit lists.
  const paged = route.kind === 'list';
  const faults = deps.faults.take({
    resource: resourceOf(route),
    integrationId,
    page: paged ? (cursorText === null ? 1 : (decodeCursor(cursorText)?.page ?? null)) : null,
    hasCursor: paged && cursorText !== null,
  });
  for (const fault of faults) {
    logEntry.fault = fault.kind;
    if (fault.kind === 'latency') {
      if (!(await deps.delay(fault.ms))) return;
      continue;
    }
    if (fault.kind === 'timeout') return deps.hold(response);
    if (fault.kind === 'rate-limit') headers = faultRateLimitHeaders(fault, deps.rateLimit.limit);
    const faulty = faultAnswer(fault);
    return answer(faulty.status, faulty.body);
  }

  if (route.kind === 'integration') {
    const details = integrationAnswer(deps.store, route.integrationId);
    return typeof details === 'string' ? answer(200, details) : fail(details);
  }
  const { resource: requestedResource, generator } = route;
  if (integrationId === null || integrationId === '') {
    return fail(apiError('PLATFORM.INPUT_INVALID', 'The X-Integration-Id header is required.'));
  }
  const integration = deps.store.findIntegration(integrationId);
  if (!integration) return fail(integrationNotFound(integrationId));
  const unusable = integrationError(integration, generator.category, requestedResource);
  if (unusable) return fail(unusable);

  const parsed = parseListQuery(url.searchParams, integrationId, requestedResource);
  if (!parsed.ok) return fail(apiError('PLATFORM.INPUT_INVALID', parsed.message));
  const { page, pageNumber, filters } = parsed.query;
  const answerUnknownIds = deps.unknownIdsAnswer();
  if (answerUnknownIds !== 'omit' && page.ids) {
    // Checked on every page, not only the first: every page repeats the filter, and an id can
    // vanish mid-walk.
    const unknown = deps.store.countUnknownIds(integrationId, requestedResource, page.ids);
    const error = unknownIdsError(answerUnknownIds, unknown, page.ids.size);
    if (error) return fail(error);
  }
  const found = deps.store.page(integrationId, requestedResource, page);
  handOut({ kind: 'records', integrationId, resource: requestedResource, records: found.results });
  const next =
    found.nextAfterSeq === null ? null : encodeCursor({ afterSeq: found.nextAfterSeq, page: pageNumber + 1, filters });
  answer(200, JSON.stringify({ status: 'success', data: { next, results: found.results } }));
}

type Route =
  | { readonly kind: 'list'; readonly resource: string; readonly generator: ResourceGenerator }
  | { readonly kind: 'integration'; readonly integrationId: string };

/** Which endpoint a path below `/v1/` names, or null when none. */
function routeOf(path: string): Route | null {
  const generator = generatorFor(path);
  if (generator) return { kind: 'list', resource: path, generator };
  const integrationId = integrationIdFromPath(path);
  return integrationId === null ? null : { kind: 'integration', integrationId };
}

/** The name requests are recorded, and faults matched, under. */
function resourceOf(route: Route): string {
  return route.kind === 'list' ? route.resource : INTEGRATIONS_RESOURCE;
}

type AnsweringFault = Exclude<Fault, { kind: 'latency' } | { kind: 'timeout' }>;

function faultAnswer(fault: AnsweringFault): { status: number; body: string } {
  switch (fault.kind) {
    case 'status':
      return {
        status: fault.status,
        body: errorBody({
          status: fault.status,
          code: fault.code ?? null,
          title: null,
          message: `Injected fault: HTTP ${fault.status}.`,
        }),
      };
    case 'rate-limit':
      return {
        status: 429,
        body: errorBody(apiError('PLATFORM.RATE_LIMIT_EXCEEDED', 'Rate limit exceeded (injected fault).')),
      };
    case 'malformed':
      return { status: 200, body: fault.body };
    case 'reject-cursor':
      return {
        status: 400,
        body: errorBody(apiError('PLATFORM.INPUT_INVALID', 'The cursor is invalid or expired (injected fault).')),
      };
  }
}

function faultRateLimitHeaders(fault: Extract<Fault, { kind: 'rate-limit' }>, limit: number): Record<string, string> {
  const headers = rateLimitHeaders({ limit, remaining: 0, resetSeconds: fault.resetSeconds });
  return fault.retryAfterSeconds === undefined
    ? headers
    : { ...headers, 'retry-after': String(fault.retryAfterSeconds) };
}
