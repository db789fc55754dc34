/**
 * `/_admin/*`: a JSON mirror of the programmatic API, so another process (the local runtime
 * started with `npm start`) can drive the fake. Loopback-only test tooling, hence no auth.
 * Bad input answers 400 naming the field; misuse (unknown integration or record) 404 or 409.
 *
 *   GET    /_admin/info                       → { baseUrl, apiKey, resources }
 *   POST   /_admin/integrations               { id, tool?, category, state?, originId?, organizationName? }
 *   POST   /_admin/integrations/state         { id, state }
 *   POST   /_admin/integrations/read-model    { id, modelId, available }
 *   POST   /_admin/integrations/data-expired-at { id, dataExpiredAt: iso | null }
 *   POST   /_admin/integrations/remove        { id }
 *   POST   /_admin/seed                       { integrationId, resource, count } → { count, ids }
 *   POST   /_admin/records/create             { integrationId, resource, overrides? } → record
 *   POST   /_admin/records/update             { integrationId, resource, id, patch? } → record
 *   POST   /_admin/records/touch-nested       { integrationId, resource, id }
 *   POST   /_admin/records/remove             { integrationId, resource, id } → record
 *   GET    /_admin/records?integrationId=&resource=&includeDeleted=true → { records }
 *   GET    /_admin/requests                   → { requests }
 *   DELETE /_admin/requests
 *   POST   /_admin/faults                     a Fault
 *   DELETE /_admin/faults
 *   POST   /_admin/unknown-ids                { answer: 'omit' | 'not-found' | 'input-invalid' }
 *   POST   /_admin/webhooks/data-changed      { url, secret, integrationId, changedModels, eventId? } → delivery
 *   POST   /_admin/webhooks                   { url, secret, type, data, eventId? } → delivery
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { servedResources } from './generators';
import { BodyTooLargeError, readBody, sendJson, sendNoContent } from './http';
import { FakeKomboUsageError } from './store';
import type { FakeKombo } from './types';
import { UNKNOWN_IDS_ANSWERS } from './unknown-ids';

export const ADMIN_PREFIX = '/_admin';
/** Big enough for generous `overrides`, small enough to refuse accidents. */
const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

const nonEmpty = z.string().min(1);
const category = z.enum(['ATS', 'HRIS', 'LMS']);
const integrationState = z.enum(['ACTIVE', 'INACTIVE', 'INVALID', 'SETUP_SYNC_PENDING']);
const fields = z.record(z.string(), z.unknown());
const target = { integrationId: nonEmpty, resource: nonEmpty };

const integrationInput = z.strictObject({
  id: nonEmpty,
  tool: nonEmpty.optional(),
  category,
  state: integrationState.optional(),
  originId: nonEmpty.nullable().optional(),
  organizationName: nonEmpty.optional(),
});
const stateInput = z.strictObject({ id: nonEmpty, state: integrationState });
const readModelInput = z.strictObject({ id: nonEmpty, modelId: nonEmpty, available: z.boolean() });
const dataExpiredAtInput = z.strictObject({ id: nonEmpty, dataExpiredAt: z.iso.datetime({ offset: true }).nullable() });
const integrationIdInput = z.strictObject({ id: nonEmpty });
const seedInput = z.strictObject({ ...target, count: z.number().int().min(0).max(5_000_000) });
const createInput = z.strictObject({ ...target, overrides: fields.optional() });
const updateInput = z.strictObject({ ...target, id: nonEmpty, patch: fields.optional() });
const recordInput = z.strictObject({ ...target, id: nonEmpty });
const recordsQuery = z.strictObject({ ...target, includeDeleted: z.enum(['true', 'false']).optional() });

const faultMatch = z.strictObject({
  resource: nonEmpty.optional(),
  integrationId: nonEmpty.optional(),
  page: z.number().int().min(1).optional(),
  times: z.number().int().min(1).optional(),
});
const faultInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status'),
    status: z.number().int().min(100).max(599),
    code: nonEmpty.optional(),
    match: faultMatch.optional(),
  }),
  z.strictObject({
    kind: z.literal('rate-limit'),
    resetSeconds: z.number().int().min(0),
    retryAfterSeconds: z.number().int().min(0).optional(),
    match: faultMatch.optional(),
  }),
  z.strictObject({ kind: z.literal('timeout'), match: faultMatch.optional() }),
  z.strictObject({ kind: z.literal('malformed'), body: z.string(), match: faultMatch.optional() }),
  z.strictObject({
    kind: z.literal('latency'),
    ms: z.number().int().min(0).max(600_000),
    match: faultMatch.optional(),
  }),
  z.strictObject({ kind: z.literal('reject-cursor'), match: faultMatch.optional() }),
]);

const unknownIdsInput = z.strictObject({ answer: z.enum(UNKNOWN_IDS_ANSWERS) });

const webhookTarget = { url: z.url({ protocol: /^https?$/ }), secret: nonEmpty, eventId: nonEmpty.optional() };
const dataChangedInput = z.strictObject({
  ...webhookTarget,
  integrationId: nonEmpty,
  changedModels: z.array(nonEmpty),
});
const webhookInput = z.strictObject({ ...webhookTarget, type: nonEmpty, data: fields });

class AdminInputError extends Error {
  constructor(
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

export async function handleAdminRequest(
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  fake: FakeKombo,
): Promise<void> {
  try {
    await route(request, response, url, fake);
  } catch (error) {
    if (error instanceof AdminInputError) {
      sendJson(response, 400, { error: { message: error.message, field: error.field } });
    } else if (error instanceof BodyTooLargeError) {
      sendJson(response, 413, { error: { message: error.message, field: null } });
    } else if (error instanceof FakeKomboUsageError) {
      const status = error.kind === 'not-found' ? 404 : error.kind === 'conflict' ? 409 : 400;
      sendJson(response, status, { error: { message: error.message, field: null } });
    } else {
      sendJson(response, 500, {
        error: { message: error instanceof Error ? error.message : String(error), field: null },
      });
    }
  }
}

async function route(request: IncomingMessage, response: ServerResponse, url: URL, fake: FakeKombo): Promise<void> {
  const action = `${request.method} ${url.pathname.slice(ADMIN_PREFIX.length)}`;
  const body = async <T>(schema: z.ZodType<T>): Promise<T> => parse(schema, await jsonBody(request));
  switch (action) {
    case 'GET /info':
      return sendJson(response, 200, { baseUrl: fake.baseUrl, apiKey: fake.apiKey, resources: servedResources() });
    case 'POST /integrations': {
      const input = await body(integrationInput);
      fake.addIntegration(input);
      return sendJson(response, 201, { integration: input });
    }
    case 'POST /integrations/state': {
      const input = await body(stateInput);
      fake.setIntegrationState(input.id, input.state);
      return sendNoContent(response);
    }
    case 'POST /integrations/read-model': {
      const input = await body(readModelInput);
      fake.setReadModelAvailable(input.id, input.modelId, input.available);
      return sendNoContent(response);
    }
    case 'POST /integrations/data-expired-at': {
      const input = await body(dataExpiredAtInput);
      fake.setDataExpiredAt(input.id, input.dataExpiredAt);
      return sendNoContent(response);
    }
    case 'POST /integrations/remove':
      fake.removeIntegration((await body(integrationIdInput)).id);
      return sendNoContent(response);
    case 'POST /seed': {
      const input = await body(seedInput);
      const ids = fake.seed(input.integrationId, input.resource, input.count).map((record) => record.id);
      return sendJson(response, 201, { count: ids.length, ids });
    }
    case 'POST /records/create': {
      const input = await body(createInput);
      return sendJson(response, 201, fake.create(input.integrationId, input.resource, input.overrides));
    }
    case 'POST /records/update': {
      const input = await body(updateInput);
      return sendJson(response, 200, fake.update(input.integrationId, input.resource, input.id, input.patch));
    }
    case 'POST /records/touch-nested': {
      const input = await body(recordInput);
      fake.touchNested(input.integrationId, input.resource, input.id);
      return sendNoContent(response);
    }
    case 'POST /records/remove': {
      const input = await body(recordInput);
      return sendJson(response, 200, fake.remove(input.integrationId, input.resource, input.id));
    }
    case 'GET /records': {
      const query = parse(recordsQuery, Object.fromEntries(url.searchParams));
      const records = fake.records(query.integrationId, query.resource, {
        includeDeleted: query.includeDeleted === 'true',
      });
      return sendJson(response, 200, { records });
    }
    case 'GET /requests':
      return sendJson(response, 200, { requests: fake.requests });
    case 'DELETE /requests':
      fake.resetRequests();
      return sendNoContent(response);
    case 'POST /faults':
      fake.injectFault(await body(faultInput));
      return sendNoContent(response);
    case 'DELETE /faults':
      fake.clearFaults();
      return sendNoContent(response);
    case 'POST /unknown-ids':
      fake.setUnknownIdsAnswer((await body(unknownIdsInput)).answer);
      return sendNoContent(response);
    case 'POST /webhooks/data-changed':
      return sendJson(response, 200, await fake.sendDataChanged(await body(dataChangedInput)));
    case 'POST /webhooks':
      return sendJson(response, 200, await fake.sendWebhook(await body(webhookInput)));
    default:
      return sendJson(response, 404, { error: { message: `no admin route ${action}`, field: null } });
  }
}

async function jsonBody(request: IncomingMessage): Promise<unknown> {
  const text = await readBody(request, BODY_LIMIT_BYTES);
  try {
    return JSON.parse(text);
  } catch {
    throw new AdminInputError('body: not valid JSON', 'body');
  }
}

/** Parses, or throws naming the first offending field, e.g. `count: Too small: expected number to be >=0`. */
function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const field = [...issue.path.map(String), ...(unknownKey === undefined ? [] : [unknownKey])].join('.') || null;
  throw new AdminInputError(`${field ?? '(body)'}: ${issue.message}`, field);
}
