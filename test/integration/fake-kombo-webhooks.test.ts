import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeKombo, startFakeKombo } from '../../local/fake-kombo';

interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const SECRET = 'whsec_fake_kombo_vector';
/**
 * Computed offline, independently of node:crypto and of the fake:
 *   printf '%s' "$BODY" | openssl dgst -sha256 -hmac whsec_fake_kombo_vector -binary | base64
 * then `+/` → `-_` and the `=` padding dropped (base64url, unpadded).
 */
const EXPECTED_BODY =
  '{"id":"evt_fixed_1","type":"data-changed","data":{"integration_id":"personio:fixed123","integration_tool":"personio",' +
  '"integration_category":"HRIS","changed_models":[{"name":"hris_employees"}]}}';
const EXPECTED_SIGNATURE = 'y4hJft0q25mZA6CwbepPvNfmGPMJM8vTCKIVSPU-I_Y';

let fake: FakeKombo;
let receiver: Server;
let receiverUrl: string;
const deliveries: Delivery[] = [];

beforeAll(async () => {
  fake = await startFakeKombo({ seed: 9 });
  fake.addIntegration({ id: 'personio:fixed123', category: 'HRIS' });
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(request.url === '/reject' ? 401 : 200, { 'content-type': 'text/plain' });
      response.end(request.url === '/reject' ? 'bad signature' : 'ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await fake.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('webhook emitter', () => {
  it('sends data-changed exactly as Kombo would, signed over the raw body (literal vector)', async () => {
    deliveries.length = 0;
    const result = await fake.sendDataChanged({
      url: `${receiverUrl}/webhooks/kombo`,
      secret: SECRET,
      integrationId: 'personio:fixed123',
      changedModels: ['hris_employees'],
      eventId: 'evt_fixed_1',
    });
    expect(result).toEqual({ status: 200, body: 'ok', eventId: 'evt_fixed_1' });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0].body).toBe(EXPECTED_BODY);
    expect(deliveries[0].headers['x-kombo-signature']).toBe(EXPECTED_SIGNATURE);
    expect(deliveries[0].headers['content-type']).toBe('application/json');
  });

  it('sends any webhook type and reports the receiver answer; event ids are Kombo-like when not given', async () => {
    deliveries.length = 0;
    const result = await fake.sendWebhook({
      url: `${receiverUrl}/reject`,
      secret: SECRET,
      type: 'integration-deleted',
      data: { id: 'personio:fixed123', tool: 'personio', category: 'HRIS', deleted_at: '2026-01-01T00:00:00.000Z' },
    });
    expect(result.status).toBe(401);
    expect(result.body).toBe('bad signature');
    expect(result.eventId).toMatch(/^[1-9A-HJ-NP-Za-km-z]{24}$/);
    expect(JSON.parse(deliveries[0].body)).toEqual({
      id: result.eventId,
      type: 'integration-deleted',
      data: { id: 'personio:fixed123', tool: 'personio', category: 'HRIS', deleted_at: '2026-01-01T00:00:00.000Z' },
    });
  });

  it('refuses data-changed for an integration it does not know', async () => {
    await expect(
      fake.sendDataChanged({ url: receiverUrl, secret: SECRET, integrationId: 'nobody:x', changedModels: [] }),
    ).rejects.toThrow(/unknown integration/);
  });

  it('sends through the admin API too', async () => {
    deliveries.length = 0;
    const response = await fetch(`${fake.adminUrl}/webhooks/data-changed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        url: `${receiverUrl}/webhooks/kombo`,
        secret: SECRET,
        integrationId: 'personio:fixed123',
        changedModels: ['hris_employees'],
        eventId: 'evt_fixed_1',
      }),
    });
    expect(await response.json()).toEqual({ status: 200, body: 'ok', eventId: 'evt_fixed_1' });
    expect(deliveries[0].headers['x-kombo-signature']).toBe(EXPECTED_SIGNATURE);
  });
});
