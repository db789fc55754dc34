import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../lambdas/adapters/powertools';
import { type FakeKombo, startFakeKombo } from '../../local/fake-kombo';
import { confidentialNeedles } from '../support/confidential-values';
import { guardedLines } from '../support/log-guard';
import { kombosSignature } from '../support/webhook-events';

/**
 * The log guard (test/support/log-guard.ts) is on for this folder: it sees the lines the functions'
 * logger writes here, and learns what the fake Kombo serves and what the tests sign with. (That it
 * catches a planted value is test/unit/log-guard.test.ts.)
 */
let fake: FakeKombo;
beforeAll(async () => {
  fake = await startFakeKombo({ seed: 3, apiKey: 'log-guard-api-key' });
});
afterAll(async () => fake?.close());

const needleFor = (value: string) => confidentialNeedles().find((needle) => needle.value === value);

describe('the log guard in an integration test file', () => {
  it('captures what the functions logger writes, INFO lines included (the level production logs at)', () => {
    logger.warn('log guard self-test: a warning without secrets');
    logger.info('log guard self-test: an info line without secrets');
    expect(guardedLines()?.filter((line) => line.includes('log guard self-test'))).toHaveLength(2);
  });

  it('knows the fake Kombo API key and the values of the records it served', async () => {
    fake.addIntegration({ id: 'personio:log-guard', category: 'HRIS' });
    const [seeded] = fake.seed('personio:log-guard', 'hris/employees', 2);
    const email = String(seeded!.work_email);
    // Served values count, not stored ones: nothing is known before the page is fetched.
    expect(needleFor(email)).toBeUndefined();
    const response = await fetch(`${fake.baseUrl}/hris/employees`, {
      headers: { authorization: `Bearer ${fake.apiKey}`, 'x-integration-id': 'personio:log-guard' },
    });
    expect(response.status).toBe(200);

    expect(needleFor('log-guard-api-key')?.what).toBe("the fake Kombo's api key");
    expect(needleFor(email)?.what).toBe('a value of a hris/employees record the fake Kombo served (field work_email)');
    // A record's id is its address, which the functions log on purpose (see confidential-values.ts).
    expect(needleFor(seeded!.id)).toBeUndefined();
  });

  it('knows the secrets and signatures of the signing helper', () => {
    const signature = kombosSignature('{"id":"evt"}', 'whsec_log_guard');
    expect(needleFor('whsec_log_guard')?.what).toBe('a webhook secret a test signed with');
    expect(needleFor(signature)?.what).toBe('a signature a test made');
  });
});
