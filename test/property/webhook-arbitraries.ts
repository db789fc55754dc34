import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { RESOURCE_CATALOGUE } from '../../lambdas/core/kombo/catalogue';
import type { Faults, SecretSetup } from './webhook-world';

/** What the webhook property tests generate: secrets, outages, bodies and how they are delivered. */

/** The `changed_models` names the catalogue knows, per category and in all. */
export const CATEGORY_MODELS: ReadonlyMap<string, readonly string[]> = (() => {
  const models = new Map<string, string[]>();
  for (const definition of RESOURCE_CATALOGUE) {
    models.set(definition.category, [...new Set([...(models.get(definition.category) ?? []), ...definition.models])]);
  }
  return models;
})();
export const ALL_MODELS = [...new Set([...CATEGORY_MODELS.values()].flat())];

// Kombo's secrets have no surrounding whitespace (the function trims what it reads: a pasted newline is no key).
export const realSecret = fc
  .string({ minLength: 1, maxLength: 64 })
  .map((secret) => secret.trim())
  .filter((secret) => secret !== '');
const blankSecret = fc.constantFrom('', ' ', '\t', '  \n ');

export const secretSetup: fc.Arbitrary<SecretSetup> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('stored' as const), current: realSecret }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('stored' as const), current: realSecret, previous: realSecret }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stored' as const), current: blankSecret }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('stored' as const), current: realSecret, previous: blankSecret }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'unreadable' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('garbled' as const),
      raw: fc.oneof(fc.string(), fc.json()),
    }),
  },
);

/** Secrets the function may verify with: the stored ones that are not blank. */
export const usableSecrets = (setup: SecretSetup): string[] =>
  setup.kind === 'stored'
    ? [setup.current, setup.previous ?? ''].map((secret) => secret.trim()).filter((secret) => secret !== '')
    : [];

/** `true` in a fifth of the runs: an outage now and then, so that most runs get past it. */
const rarely = fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
export const faults: fc.Arbitrary<Faults> = fc.record({ sqsDown: rarely, registryDown: rarely });

/** Mostly what Kombo sends, sometimes anything JSON can say instead. */
const mostly = <T>(usual: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 9, arbitrary: usual }, { weight: 1, arbitrary: fc.jsonValue() });

const eventData = fc.record({
  integration_id: mostly(fc.string({ minLength: 1 })),
  id: mostly(fc.string({ minLength: 1 })),
  integration_tool: mostly(fc.string()),
  tool: mostly(fc.string({ minLength: 1 })),
  integration_category: mostly(fc.constantFrom('HRIS', 'ATS', 'LMS', 'ASSESSMENT', '')),
  category: mostly(fc.constantFrom('HRIS', 'ATS', 'LMS', 'ASSESSMENT')),
  state: mostly(fc.constantFrom('ACTIVE', 'INACTIVE', 'INVALID', '')),
  updated_at: mostly(fc.oneof(fc.constant('2026-11-27T12:00:00.000Z'), fc.string())),
  changed_models: mostly(
    fc.array(fc.record({ name: fc.oneof(fc.constantFrom(...ALL_MODELS), fc.string()) }), { maxLength: 30 }),
  ),
  end_user: fc.oneof(fc.constant(null), fc.record({ origin_id: fc.option(fc.string()) }), fc.jsonValue()),
});

/** A body Kombo might send, nearly send, or that an attacker sends: as the raw bytes on the wire. */
export const komboLikeEvent = fc
  .record(
    {
      id: mostly(fc.string({ minLength: 1 })),
      type: fc.constantFrom(
        'data-changed',
        'integration-created',
        'integration-state-changed',
        'integration-deleted',
        'sync-finished',
        '__proto__',
        'constructor',
      ),
      // Whole, or with fields missing.
      data: fc.oneof({ weight: 3, arbitrary: eventData }, { weight: 1, arbitrary: eventData.map(dropHalf) }),
    },
    { requiredKeys: ['type', 'data'] },
  )
  .map((event) => Buffer.from(JSON.stringify(event), 'utf8'));

function dropHalf(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter((_, index) => index % 2 === 0));
}

export const nested = fc
  .record({ depth: fc.integer({ min: 1, max: 100_000 }), open: fc.constantFrom('[', '{"a":') })
  .map(({ depth, open }) => Buffer.from(open.repeat(depth) + (open === '[' ? ']' : '1}').repeat(depth)));

// Bytes that are not UTF-8: a bad lead byte, a lone continuation byte, an overlong slash, an encoded surrogate.
export const invalidUtf8 = fc
  .tuple(fc.json(), fc.constantFrom([0xc3, 0x28], [0x80], [0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80]))
  .map(([json, bad]) => Buffer.concat([Buffer.from(json.slice(0, 1)), Buffer.from(bad), Buffer.from(json.slice(1))]));

const huge = fc
  .record({ bytes: fc.integer({ min: 200_000, max: 4_000_000 }), fill: fc.constantFrom('a', '[', '\u00e9') })
  .map(({ bytes, fill }) => Buffer.alloc(bytes, fill));

export const rawBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 8, arbitrary: komboLikeEvent },
  { weight: 2, arbitrary: fc.json().map((json) => Buffer.from(json)) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }).map((text) => Buffer.from(text, 'utf8')) },
  { weight: 1, arbitrary: invalidUtf8 },
  { weight: 1, arbitrary: nested },
  { weight: 1, arbitrary: huge },
);

/** How the bytes reach the function: honestly (text, or base64 with the flag), or with a flag that lies. */
export const delivery = fc.constantFrom('text', 'base64', 'base64-flag-on-text', 'text-flag-on-base64', 'no-body');
type Delivery = typeof delivery extends fc.Arbitrary<infer T> ? T : never;

export function deliver(bytes: Buffer, how: Delivery): Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'> {
  switch (how) {
    case 'text':
      return { body: bytes.toString('utf8'), isBase64Encoded: false };
    case 'base64':
      return { body: bytes.toString('base64'), isBase64Encoded: true };
    case 'base64-flag-on-text':
      return { body: bytes.toString('utf8'), isBase64Encoded: true };
    case 'text-flag-on-base64':
      return { body: bytes.toString('base64'), isBase64Encoded: false };
    case 'no-body':
      return { body: undefined, isBase64Encoded: false };
  }
}

/** The bytes API Gateway says it received: what a valid signature must cover. */
export const receivedBytes = (event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>) =>
  Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
