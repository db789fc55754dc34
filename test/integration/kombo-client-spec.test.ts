import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_CATALOGUE } from '../../lambdas/core/kombo/catalogue';
import { KomboClient } from '../../lambdas/core/kombo/client';
import { type FakeKombo, startFakeKombo } from '../../local/fake-kombo';
import { SPEC_PATH, specPresent } from '../support/fake-kombo-spec';

/**
 * The requests our Kombo client sends, checked against Kombo's OpenAPI spec (read from ../shared,
 * never copied): every query parameter exists for the endpoint and its value fits its schema, and
 * the required headers are sent.
 */
interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema: unknown;
}

const title = specPresent
  ? 'Kombo client requests match the OpenAPI spec'
  : `Kombo client requests vs the OpenAPI spec: SKIPPED, the spec is absent (expected at ${SPEC_PATH})`;

describe.skipIf(!specPresent)(title, () => {
  let fake: FakeKombo;
  let parameters: (resource: string) => Parameter[];
  let validate: (schema: unknown, value: unknown) => boolean;

  beforeAll(async () => {
    const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as {
      paths: Record<string, { get?: { parameters?: Parameter[] } }>;
      components: Record<string, unknown>;
    };
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: 'kombo', components: spec.components });
    parameters = (resource) => spec.paths[`/${resource}`]?.get?.parameters ?? [];
    validate = (schema, value) => {
      const rooted = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"kombo#/components/')) as object;
      return ajv.validate(rooted, value);
    };
    fake = await startFakeKombo({ seed: 3 });
  });
  afterAll(async () => fake?.close());

  it.each(RESOURCE_CATALOGUE.map((d) => d.resource))('GET /%s', async (resource) => {
    const integrationId = `sandbox:${resource.replace('/', '-')}`;
    fake.addIntegration({
      id: integrationId,
      category: RESOURCE_CATALOGUE.find((d) => d.resource === resource)!.category,
    });
    fake.seed(integrationId, resource, 260);
    fake.resetRequests();
    const client = new KomboClient({ baseUrl: fake.baseUrl, apiKey: async () => fake.apiKey });
    let pages = 0;
    for await (const _page of client.pages(
      { integrationId, resource, updatedAfter: '2020-01-01T00:00:00.000Z', includeDeleted: true },
      { deadline: { remainingMs: () => 60_000 } },
    ))
      pages++;
    expect(pages).toBe(2);

    const specParameters = parameters(resource);
    expect(specParameters.length, `the spec has GET /${resource}`).toBeGreaterThan(0);
    for (const request of fake.requests) {
      expect(request.status).toBe(200);
      expect(request.integrationId).toBe(integrationId);
      for (const [name, raw] of Object.entries(request.query)) {
        const parameter = specParameters.find((p) => p.in === 'query' && p.name === name);
        expect(parameter, `${name} is a query parameter of GET /${resource}`).toBeDefined();
        const value = /^\d+$/.test(raw) && name === 'page_size' ? Number(raw) : raw;
        expect(validate(parameter?.schema, value), `${name}=${raw} fits its schema`).toBe(true);
      }
    }
    const required = specParameters.filter((p) => p.required).map((p) => `${p.in}:${p.name}`);
    expect(required).toEqual(['header:X-Integration-Id']);
  });
});
