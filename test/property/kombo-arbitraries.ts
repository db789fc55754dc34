import fc from 'fast-check';

/**
 * What the Kombo client property tests answer with: bodies of the wrong shape, missing and extra
 * fields, nulls, huge pages, non-JSON, odd content types, any status with or without Kombo's error
 * envelope, garbage rate-limit headers, broken connections.
 */
export type Reply =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly body: string;
      readonly headers: Record<string, string>;
    }
  | { readonly kind: 'network-error' }
  | { readonly kind: 'body-breaks' };

/** An hour: the longest `ratelimit-reset` the client believes (Kombo's window is about a minute). */
export const MAX_HOLD_MS = 3_600_000;

/** A healthy, empty last page. */
export const SETTLED: Reply = {
  kind: 'answer',
  status: 200,
  headers: {},
  body: JSON.stringify({ status: 'success', data: { next: null, results: [] } }),
};

/** Statuses whose answers have no body (the Response constructor refuses one). */
const NULL_BODY = new Set([204, 205, 304]);

export function respond(reply: Reply): Response {
  if (reply.kind === 'network-error') throw new TypeError('fetch failed', { cause: new Error('ECONNRESET') });
  if (reply.kind === 'body-breaks') {
    const stream = new ReadableStream({
      pull: (controller) => controller.error(new Error('socket hang up mid-body')),
    });
    return new Response(stream, { status: 200, headers: { 'content-type': 'application/json' } });
  }
  return new Response(NULL_BODY.has(reply.status) ? null : reply.body, {
    status: reply.status,
    headers: reply.headers,
  });
}

const isoTime = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** A key for extra fields: anything but `__proto__` (which JSON.parse keeps as a field and zod drops). */
const fieldName = fc.string({ maxLength: 12 }).filter((key) => key !== '__proto__');
const extraFields = fc.dictionary(fieldName, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });

export const goodRecord = fc
  .tuple(
    fc.record(
      {
        id: fc.string({ minLength: 1, maxLength: 30 }),
        changed_at: isoTime,
        remote_id: fc.option(fc.string()),
        remote_deleted_at: fc.option(isoTime),
      },
      { requiredKeys: ['id', 'changed_at'] },
    ),
    extraFields,
  )
  .map(([known, extra]) => ({ ...extra, ...known }));

/** A record with one thing wrong: a field missing, null, of the wrong type, or not a time. */
const badRecord = fc
  .tuple(
    goodRecord,
    fc.constantFrom<[string, unknown]>(
      ['id', undefined],
      ['id', null],
      ['id', ''],
      ['id', 42],
      ['changed_at', undefined],
      ['changed_at', null],
      ['changed_at', 'yesterday'],
      ['changed_at', 1_700_000_000],
      ['remote_deleted_at', 'not a time'],
      ['remote_id', 7],
    ),
  )
  .map(([record, [field, value]]) => {
    const broken: Record<string, unknown> = { ...record };
    if (value === undefined) delete broken[field];
    else broken[field] = value;
    return broken;
  });

const hugeString = fc.integer({ min: 100_000, max: 1_000_000 }).map((length) => 'x'.repeat(length));

const results = fc.oneof(
  { weight: 6, arbitrary: fc.array(goodRecord, { maxLength: 20 }) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.array(goodRecord, { maxLength: 10 }), badRecord).map(([ok, bad]) => [...ok, bad]),
  },
  // Thousands of records (one generated, the rest copies with their own ids: generating each is slow).
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1_000, max: 5_000 }), goodRecord)
      .map(([count, record]) =>
        Array.from({ length: count }, (_, index) => ({ ...record, id: `${record.id}-${index}` })),
      ),
  },
  { weight: 1, arbitrary: fc.tuple(goodRecord, hugeString).map(([record, text]) => [{ ...record, notes: text }]) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

const pageBody = fc
  .record(
    {
      status: fc.oneof(
        { weight: 8, arbitrary: fc.constant('success') },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      ),
      data: fc.oneof(
        {
          weight: 8,
          arbitrary: fc.record(
            { next: fc.oneof(fc.constant(null), fc.string({ maxLength: 20 }), fc.integer()), results },
            { requiredKeys: ['results'] },
          ),
        },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      ),
    },
    { requiredKeys: [] },
  )
  .chain((page) => fc.tuple(fc.constant(page), extraFields).map(([p, extra]) => ({ ...extra, ...p })));

const integrationBody = fc.record(
  {
    status: fc.constantFrom('success', 'error'),
    data: fc.record(
      {
        id: fc.oneof(fc.string({ minLength: 1 }), fc.constant(null)),
        tool: fc.oneof(fc.record({ id: fc.string({ minLength: 1 }) }), fc.string()),
        category: fc.constantFrom('HRIS', 'ATS', '', 'SOMETHING_NEW'),
        status: fc.constantFrom('ACTIVE', 'INACTIVE', 'INVALID', 'NEW_STATE', ''),
        setup_status: fc.constantFrom('COMPLETED', 'INCOMPLETE', ''),
        end_user: fc.oneof(fc.constant(null), fc.record({ origin_id: fc.option(fc.string()) }), fc.string()),
        data_expired_at: fc.oneof(fc.constant(null), isoTime, fc.string()),
        read_models: fc.oneof(
          fc.array(fc.record({ id: fc.string({ minLength: 1 }), is_available: fc.boolean() }), { maxLength: 8 }),
          fc.array(fc.record({ id: fc.jsonValue({ maxDepth: 3 }), is_available: fc.jsonValue({ maxDepth: 3 }) }), {
            maxLength: 3,
          }),
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const KNOWN_CODES = [
  'PLATFORM.RATE_LIMIT_EXCEEDED',
  'PLATFORM.INPUT_INVALID',
  'PLATFORM.INTEGRATION_NOT_FOUND',
  'PLATFORM.UNKNOWN_ERROR',
  'INTEGRATION.SETUP_SYNC_PENDING',
  'INTEGRATION.INACTIVE',
  'INTEGRATION.MODEL_NOT_AVAILABLE',
  'REMOTE.SERVICE_UNAVAILABLE',
];
const errorBody = fc.record(
  {
    status: fc.constantFrom('error', 'success'),
    error: fc.record(
      {
        code: fc.oneof(fc.constantFrom(...KNOWN_CODES), fc.string(), fc.constant(null), hugeString, fc.integer()),
        title: fc.option(fc.string()),
        message: fc.oneof(fc.string(), fc.constant(null), hugeString, fc.jsonValue({ maxDepth: 3 })),
        log_url: fc.option(fc.webUrl()),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  { weight: 6, arbitrary: pageBody.map((value) => JSON.stringify(value)) },
  { weight: 3, arbitrary: integrationBody.map((value) => JSON.stringify(value)) },
  { weight: 3, arbitrary: errorBody.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom('', '<html><body>502 Bad Gateway</body></html>', '{"status":"success","data":', 'null'),
      fc.string(),
    ),
  },
);

/** Rate-limit headers as Kombo sends them, and as nobody should. */
const headerNumber = fc.oneof(
  fc.nat({ max: 400 }).map(String),
  fc.constantFrom('-1', '1e5', ' 7 ', '', 'abc', '0.5', '9'.repeat(400), '1795780800', 'Infinity', 'NaN'),
);
const headers = fc
  .record(
    {
      'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/html', 'x/y', ''),
      'ratelimit-limit': headerNumber,
      'ratelimit-remaining': headerNumber,
      'ratelimit-reset': headerNumber,
      'retry-after': headerNumber,
    },
    { requiredKeys: [] },
  )
  .map((h) => h as Record<string, string>);

const status = fc.oneof(
  { weight: 6, arbitrary: fc.constant(200) },
  { weight: 4, arbitrary: fc.constantFrom(201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }) },
);

export const reply: fc.Arbitrary<Reply> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('answer' as const), status, body, headers }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'network-error' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'body-breaks' as const }) },
);
