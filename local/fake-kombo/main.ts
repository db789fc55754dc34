/**
 * Runs the fake as its own process for local runs: `npx tsx local/fake-kombo/main.ts`.
 * Configure with FAKE_KOMBO_PORT (default 0 = any), FAKE_KOMBO_HOST, FAKE_KOMBO_API_KEY,
 * FAKE_KOMBO_SEED; drive it through the admin API. Prints one JSON line with the URLs.
 */
import { startFakeKombo } from './index';

const numberFromEnv = (name: string): number | undefined => {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got "${text}"`);
  return value;
};

const fake = await startFakeKombo({
  port: numberFromEnv('FAKE_KOMBO_PORT'),
  host: process.env.FAKE_KOMBO_HOST || undefined,
  apiKey: process.env.FAKE_KOMBO_API_KEY || undefined,
  seed: numberFromEnv('FAKE_KOMBO_SEED'),
});
console.log(JSON.stringify({ fakeKombo: { baseUrl: fake.baseUrl, adminUrl: fake.adminUrl, apiKey: fake.apiKey } }));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
