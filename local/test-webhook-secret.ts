import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The test-only secret the sample events are signed with; never a real one. */
export const TEST_WEBHOOK_SECRET_FILE = 'events/test-webhook-secret.txt';

export function readTestWebhookSecret(): string {
  return readFileSync(path.join(import.meta.dirname, '..', TEST_WEBHOOK_SECRET_FILE), 'utf8').trim();
}
