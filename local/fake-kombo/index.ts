/**
 * A stateful fake of Kombo's REST API (list endpoints, `GET /integrations/{id}`, errors, rate
 * limits, faults) that also sends Kombo-style webhooks. For tests, benchmarks and local runs;
 * loopback by default.
 *
 *   const fake = await startFakeKombo({ seed: 7 });
 *   fake.addIntegration({ id: 'greenhouse:abc', category: 'ATS' });
 *   fake.seed('greenhouse:abc', 'ats/applications', 620);
 *   // GET `${fake.baseUrl}/ats/applications` with `Authorization: Bearer ${fake.apiKey}`
 *   //   and `X-Integration-Id: greenhouse:abc`
 *   await fake.close();
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_PREFIX, handleAdminRequest } from './admin-handler';
import { API_PREFIX, type ApiDependencies, handleApiRequest } from './api-handler';
import { handOut } from './confidential';
import { FaultBook } from './faults';
import { sendJson } from './http';
import { randomKomboId } from './ids';
import { recordRandom, streamKeys } from './random';
import { RateLimiter } from './rate-limiter';
import { FakeKomboUsageError, FakeStore } from './store';
import type { FakeKombo, FakeKomboOptions, RecordedRequest, UnknownIdsAnswer } from './types';
import { assertUnknownIdsAnswer } from './unknown-ids';
import { deliverWebhook } from './webhooks';

export { resourceCategory, servedResources } from './generators';
export { INTEGRATIONS_RESOURCE } from './integration-endpoint';
export { readModelId } from './read-models';
export { FakeKomboUsageError } from './store';
export type * from './types';

const DEFAULT_API_KEY = 'test-api-key';
const DEFAULT_RATE_LIMIT = { limit: 10_000, windowMs: 60_000 };

export async function startFakeKombo(options: FakeKomboOptions = {}): Promise<FakeKombo> {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  handOut({ kind: 'api key', value: apiKey });
  const seed = options.seed ?? 1;
  const clock = options.clock ?? (() => new Date());
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  let unknownIdsAnswer: UnknownIdsAnswer = assertUnknownIdsAnswer(options.unknownIds ?? 'omit');
  const store = new FakeStore(seed, clock);
  const faults = new FaultBook();
  const requests: RecordedRequest[] = [];
  const held = new Set<ServerResponse>();
  const closing = new AbortController();
  let webhookCount = 0;
  let closed: Promise<void> | undefined;

  const deps: ApiDependencies = {
    apiKey,
    store,
    rateLimit,
    rateLimiter: new RateLimiter(rateLimit, clock),
    faults,
    clock,
    requests,
    unknownIdsAnswer: () => unknownIdsAnswer,
    hold(response) {
      held.add(response);
      response.on('close', () => held.delete(response));
    },
    async delay(ms) {
      try {
        await sleep(ms, undefined, { signal: closing.signal });
        return true;
      } catch {
        return false;
      }
    },
  };

  // Assigned right after listening, before anyone knows the port.
  let fake: FakeKombo | undefined;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-kombo.local');
    const isAdmin = url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`);
    if (isAdmin && !fake) return sendJson(response, 503, { error: { message: 'the fake is starting', field: null } });
    const handled =
      isAdmin && fake
        ? handleAdminRequest(request, response, url, fake)
        : handleApiRequest(request, response, url, deps);
    handled.catch((error: unknown) => {
      sendJson(response, 500, {
        status: 'error',
        error: { code: 'PLATFORM.UNKNOWN_ERROR', title: null, message: String(error), log_url: null },
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo; // a TCP listener always has an AddressInfo
  const origin = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;

  const eventStream = streamKeys('webhook-events');
  const nextEventId = (): string => randomKomboId(recordRandom(seed, eventStream, webhookCount++));

  fake = {
    baseUrl: `${origin}${API_PREFIX.slice(0, -1)}`,
    adminUrl: `${origin}${ADMIN_PREFIX}`,
    apiKey,
    rateLimit,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        for (const response of held) response.destroy();
        held.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        // Ends idle keep-alive sockets too, which server.close() alone would wait for.
        server.closeAllConnections();
      });
      return closed;
    },
    addIntegration: (input) => void store.addIntegration(input),
    setIntegrationState: (id, state) => store.setIntegrationState(id, state),
    setReadModelAvailable: (integrationId, modelId, available) =>
      store.setReadModelAvailable(integrationId, modelId, available),
    setDataExpiredAt: (integrationId, iso) => store.setDataExpiredAt(integrationId, iso),
    removeIntegration: (integrationId) => store.removeIntegration(integrationId),
    seed: (integrationId, resource, count) => store.seed(integrationId, resource, count),
    create: (integrationId, resource, overrides) => store.create(integrationId, resource, overrides),
    update: (integrationId, resource, id, patch) => store.update(integrationId, resource, id, patch),
    touchNested: (integrationId, resource, id, patch) => store.touchNested(integrationId, resource, id, patch),
    dropField: (integrationId, resource, field) => store.dropField(integrationId, resource, field),
    remove: (integrationId, resource, id) => store.remove(integrationId, resource, id),
    vanish: (integrationId, resource, id) => store.vanish(integrationId, resource, id),
    records: (integrationId, resource, opts) => store.records(integrationId, resource, opts),
    requests,
    resetRequests: () => void requests.splice(0),
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    setUnknownIdsAnswer(answer) {
      unknownIdsAnswer = assertUnknownIdsAnswer(answer);
    },
    async sendDataChanged(input) {
      const integration = store.findIntegration(input.integrationId);
      if (!integration) throw new FakeKomboUsageError(`unknown integration ${input.integrationId}`, 'not-found');
      return deliverWebhook(input.url, input.secret, {
        id: input.eventId ?? nextEventId(),
        type: 'data-changed',
        data: {
          integration_id: integration.id,
          integration_tool: integration.tool,
          integration_category: integration.category,
          changed_models: input.changedModels.map((name) => ({ name })),
        },
      });
    },
    sendWebhook: (input) =>
      deliverWebhook(input.url, input.secret, {
        id: input.eventId ?? nextEventId(),
        type: input.type,
        data: input.data,
      }),
  };
  return fake;
}
