import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_BODY_BYTES } from '../../lambdas/core/ingest/receive-webhook';
import { RESOURCE_CATALOGUE } from '../../lambdas/core/kombo/catalogue';
import { jobGroupId, syncJobSchema } from '../../lambdas/core/sync/job';
import { apiGatewayEvent } from '../support/webhook-events';
import {
  carriesValidSignature,
  kombosHeader,
  macOf,
  signatureHeaderName,
  signatureSpelling,
  spell,
} from './signatures';
import {
  ALL_MODELS,
  CATEGORY_MODELS,
  deliver,
  delivery,
  faults,
  invalidUtf8,
  komboLikeEvent,
  nested,
  rawBody,
  realSecret,
  receivedBytes,
  secretSetup,
  usableSecrets,
} from './webhook-arbitraries';
import { CONTEXT, webhookWorld } from './webhook-world';

/**
 * The webhook function (createWebhookHandler, mocked AWS clients) over generated HTTP API events.
 * On a failure fast-check prints the shrunk counterexample and `{ seed, path }`: pass both to the
 * failing fc.assert (`fc.assert(property, { seed, path, endOnFailure: true })`) to replay exactly that run.
 */
const world = webhookWorld();
afterAll(() => world.restore());

/** Who signs: Kombo with the current or previous secret, someone with another secret, or with a blank one. */
const signer = fc.constantFrom('current', 'current', 'previous', 'stranger', 'blank', 'unsigned');

const headerSet = fc.record({
  signer,
  // What the signer signed: the bytes it sent, or the bytes the function will decode (they differ when the flag lies).
  signs: fc.constantFrom('sent', 'received'),
  // Kombo's own spelling half of the time, so that signed bodies go deep into the function too.
  spelling: fc.oneof(fc.constantFrom('kombo', 'kombo-with-whitespace' as const), signatureSpelling),
  name: signatureHeaderName,
  second: fc.option(fc.tuple(signatureHeaderName, fc.string({ maxLength: 60 })), { freq: 4 }),
  stranger: realSecret,
  extra: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 80 }), { maxKeys: 5 }),
});

describe('the webhook function under hostile input', () => {
  it('never throws, never 5xx without an outage, always answers JSON, and never enqueues an unsigned body', async () => {
    await fc.assert(
      fc.asyncProperty(secretSetup, faults, rawBody, delivery, headerSet, async (secret, fault, sent, how, h) => {
        world.arrange(secret, fault);
        const payload = deliver(sent, how);
        const received = receivedBytes(payload);
        const signingSecret =
          h.signer === 'current' && secret.kind === 'stored'
            ? secret.current
            : h.signer === 'previous' && secret.kind === 'stored' && secret.previous !== undefined
              ? secret.previous
              : h.signer === 'blank'
                ? ''
                : h.stranger;
        const headers: Record<string, string> = { ...h.extra };
        if (h.signer !== 'unsigned') {
          headers[h.name] = spell(macOf(h.signs === 'sent' ? sent : received, signingSecret), h.spelling);
        }
        if (h.second) headers[h.second[0]] = h.second[1];
        const event = { ...apiGatewayEvent('', headers), ...payload };

        const response = await world.handler()(event, CONTEXT);

        const status = expectJsonAnswer(response);
        const valid = carriesValidSignature(headers, received, usableSecrets(secret));
        // Size, then secret, then signature, before anything reads the body: a secret that is down or
        // blank lets nothing through (500, so Kombo retries), and an invalid signature is a 401 whatever follows.
        const refusedFirst =
          received.length > MAX_WEBHOOK_BODY_BYTES ? 413 : usableSecrets(secret).length === 0 ? 500 : !valid ? 401 : 0;
        if (refusedFirst) {
          expect(status).toBe(refusedFirst);
          expect(world.enqueued).toEqual([]);
          expect(world.registryCalls()).toBe(0);
        } else {
          expect([401, 413]).not.toContain(status);
          if (status >= 500) expect(fault.sqsDown || fault.registryDown).toBe(true);
        }
        expectWorkerAcceptsEnqueued();
      }),
      { numRuns: 300 },
    );
  });

  it('answers a validly signed body of any content without a 5xx unless SQS or the registry is down', async () => {
    const signedBody = fc.oneof(
      { weight: 6, arbitrary: komboLikeEvent },
      { weight: 2, arbitrary: fc.json().map((json) => Buffer.from(json)) },
      { weight: 1, arbitrary: invalidUtf8 },
      { weight: 1, arbitrary: nested },
    );
    await fc.assert(
      fc.asyncProperty(realSecret, faults, signedBody, fc.boolean(), async (secret, fault, body, base64) => {
        world.arrange({ kind: 'stored', current: secret }, fault);
        const payload = deliver(body, base64 ? 'base64' : 'text');
        const received = receivedBytes(payload);
        const headers = { 'x-kombo-signature': kombosHeader(received, secret) };
        const response = await world.handler()({ ...apiGatewayEvent('', headers), ...payload }, CONTEXT);

        const status = expectJsonAnswer(response);
        if (status >= 500) expect(fault.sqsDown || fault.registryDown).toBe(true);
        expect(status === 401 || status === 413).toBe(received.length > MAX_WEBHOOK_BODY_BYTES);
        if (status === 200) expect(world.enqueued.length).toBe(JSON.parse(response.body ?? '').jobs ?? 0);
        expectWorkerAcceptsEnqueued();
      }),
      { numRuns: 300 },
    );
  });

  it('enqueues a validly signed data-changed event exactly once per affected resource', async () => {
    const category = fc.constantFrom('HRIS', 'ATS', 'LMS');
    const event = category.chain((cat) =>
      fc.record({
        category: fc.constant(cat),
        eventId: fc.string({ minLength: 1, maxLength: 40 }),
        // Any Unicode but U+FFFE and U+FFFF: a job naming those is refused by SQS (a finding of this file, reported).
        integrationId: fc
          .string({ minLength: 1, maxLength: 80, unit: 'binary' })
          .filter((id) => !/[\uFFFE\uFFFF]/.test(id)),
        // Repeats, models of other categories, and names nobody knows yet.
        models: fc.array(
          fc.oneof(
            { weight: 5, arbitrary: fc.constantFrom(...(CATEGORY_MODELS.get(cat) ?? [])) },
            { weight: 2, arbitrary: fc.constantFrom(...ALL_MODELS) },
            { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map((name) => `zz_unknown_${name}`) },
          ),
          { minLength: 1, maxLength: 12 },
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        realSecret,
        event,
        fc.boolean(),
        signatureHeaderName,
        fc.constantFrom('kombo', 'kombo-with-whitespace' as const),
        async (secret, e, base64, name, spelling) => {
          world.arrange({ kind: 'stored', current: secret }, { sqsDown: false, registryDown: false });
          const body = JSON.stringify({
            id: e.eventId,
            type: 'data-changed',
            data: {
              integration_id: e.integrationId,
              integration_tool: 'tool',
              integration_category: e.category,
              changed_models: e.models.map((model) => ({ name: model })),
            },
          });
          const signature = spell(macOf(Buffer.from(body), secret), spelling);
          const response = await world.handler()(apiGatewayEvent(body, { [name]: signature }, { base64 }), CONTEXT);

          expect(kombosHeader(Buffer.from(body), secret)).toBe(signature.trim());
          expect(response.statusCode).toBe(200);
          const expected = expectedResources(e.category, e.models);
          expect(JSON.parse(response.body ?? '')).toEqual({
            status: 'accepted',
            jobs: expected.length,
            resources: expected,
          });
          const jobs = world.enqueued.map((entry) => JSON.parse(entry.MessageBody ?? ''));
          expect(jobs.map((job) => job.resource).sort()).toEqual([...expected].sort());
          expect(new Set(world.enqueued.map((entry) => entry.MessageGroupId)).size).toBe(expected.length);
          for (const job of jobs) {
            expect(job).toMatchObject({ v: 1, kind: 'delta', integrationId: e.integrationId });
            expect(job.cause).toEqual({ eventId: e.eventId });
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

/** The answer is JSON with the content type that says so, and names the problem whenever it is not a 2xx. */
function expectJsonAnswer(response: APIGatewayProxyStructuredResultV2): number {
  const status = response.statusCode ?? 0;
  expect(Number.isInteger(status)).toBe(true);
  expect(response.headers).toEqual({ 'content-type': 'application/json' });
  const answer: unknown = JSON.parse(response.body ?? '');
  expect(answer).toBeTypeOf('object');
  if (status < 200 || status > 299) expect(answer).toMatchObject({ error: expect.stringMatching(/\S/) });
  return status;
}

/** Whatever reached the queue is a job the worker runs (not one it dead-letters), in the group it belongs to. */
function expectWorkerAcceptsEnqueued(): void {
  for (const entry of world.enqueued) {
    const job = syncJobSchema.parse(JSON.parse(entry.MessageBody ?? ''));
    expect(entry.MessageGroupId).toBe(jobGroupId(job));
  }
}

/** Independently of the mapping code: an unknown name means everything of the category, else what the names touch. */
function expectedResources(category: string, models: readonly string[]): string[] {
  const ofCategory = RESOURCE_CATALOGUE.filter((definition) => definition.category === category);
  const unknown = models.some((model) => !ALL_MODELS.includes(model));
  return ofCategory
    .filter((definition) => unknown || definition.models.some((model) => models.includes(model)))
    .map((definition) => definition.resource);
}

describe('regressions found by these properties', () => {
  const body = JSON.stringify({
    id: 'evt_blank',
    type: 'data-changed',
    data: {
      integration_id: 'personio:p1',
      integration_tool: 'personio',
      integration_category: 'HRIS',
      changed_models: [{ name: 'hris_employees' }],
    },
  });

  it('a blank stored secret is no key: a body signed with it gets a 500 and nothing is enqueued', async () => {
    for (const blank of [' ', '\t', '  \n ']) {
      world.arrange({ kind: 'stored', current: blank }, { sqsDown: false, registryDown: false });
      const response = await world.handler()(
        apiGatewayEvent(body, { 'x-kombo-signature': kombosHeader(Buffer.from(body), blank) }),
        CONTEXT,
      );
      expect(response.statusCode).toBe(500);
      expect(JSON.parse(response.body ?? '')).toEqual({ error: 'webhook secret unavailable' });
      expect(world.enqueued).toEqual([]);
    }
  });

  it('a blank previous secret is skipped: the current one still verifies, the blank one does not', async () => {
    world.arrange({ kind: 'stored', current: 'whsec_current', previous: ' ' }, { sqsDown: false, registryDown: false });
    const handler = world.handler();
    const signedWith = (secret: string) =>
      handler(apiGatewayEvent(body, { 'x-kombo-signature': kombosHeader(Buffer.from(body), secret) }), CONTEXT);
    expect((await signedWith(' ')).statusCode).toBe(401);
    expect(world.enqueued).toEqual([]);
    expect((await signedWith('whsec_current')).statusCode).toBe(200);
    expect(world.enqueued.length).toBeGreaterThan(0);
  });
});
