import { z } from 'zod';
import type { FakeKombo } from '../../local/fake-kombo';

/** Kombo's success envelope; parsing it checks the shape of every page a test reads. */
const listEnvelope = z.strictObject({
  status: z.literal('success'),
  data: z.strictObject({
    next: z.string().min(1).nullable(),
    results: z.array(
      z.looseObject({
        id: z.string(),
        remote_id: z.string().nullable(),
        changed_at: z.string(),
        remote_deleted_at: z.string().nullable(),
      }),
    ),
  }),
});
export type ListEnvelope = z.infer<typeof listEnvelope>;

/** Kombo's error envelope. */
const errorEnvelope = z.strictObject({
  status: z.literal('error'),
  error: z.strictObject({
    code: z.string().nullable(),
    title: z.string().nullable(),
    message: z.string().min(1),
    log_url: z.string().nullable(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelope>;

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface ListRequest {
  readonly integrationId?: string | null;
  readonly query?: Record<string, string>;
  /** Defaults to the fake's key; null sends no Authorization header. */
  readonly apiKey?: string | null;
  readonly signal?: AbortSignal;
}

/** `GET /v1/<resource>` with plain fetch, the way any HTTP client would call Kombo. */
export async function getList(fake: FakeKombo, resource: string, request: ListRequest = {}): Promise<ApiAnswer> {
  const url = new URL(`${fake.baseUrl}/${resource}`);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = {};
  const apiKey = request.apiKey === undefined ? fake.apiKey : request.apiKey;
  if (apiKey !== null) headers.authorization = `Bearer ${apiKey}`;
  if (request.integrationId) headers['x-integration-id'] = request.integrationId;
  const response = await fetch(url, { headers, signal: request.signal });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

export function listBody(answer: ApiAnswer): ListEnvelope {
  if (answer.status !== 200) throw new Error(`expected 200, got ${answer.status}: ${answer.text}`);
  return listEnvelope.parse(JSON.parse(answer.text));
}

export function errorBody(answer: ApiAnswer): ErrorEnvelope {
  return errorEnvelope.parse(JSON.parse(answer.text));
}

/** Follows `next` to the end, repeating the filters on every page as Kombo requires. */
export async function walk(
  fake: FakeKombo,
  resource: string,
  request: ListRequest = {},
): Promise<{ pages: ListEnvelope[]; ids: string[] }> {
  const pages: ListEnvelope[] = [];
  let cursor: string | null = null;
  do {
    const query: Record<string, string> = { ...request.query, ...(cursor === null ? {} : { cursor }) };
    const page = listBody(await getList(fake, resource, { ...request, query }));
    pages.push(page);
    cursor = page.data.next;
    if (pages.length > 10_000) throw new Error('pagination does not end');
  } while (cursor !== null);
  return { pages, ids: pages.flatMap((page) => page.data.results.map((record) => record.id)) };
}

/** A clock the test moves by hand. */
export function manualClock(startIso: string): {
  now: () => Date;
  advance: (ms: number) => Date;
  set: (iso: string) => void;
} {
  let current = Date.parse(startIso);
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
      return new Date(current);
    },
    set: (iso) => {
      current = Date.parse(iso);
    },
  };
}
