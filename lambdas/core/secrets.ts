import * as z from 'zod';
import { ENV } from '../contracts';
import type { SecretLoader } from './ports';

/**
 * Two secrets, each a JSON object, so that the internet-facing webhook function never holds the API key:
 * - the webhook secret: `{ "webhook_secret": "...", "previous_webhook_secret": "..." }`, the previous one only
 *   during a rotation of Kombo's webhook secret;
 * - the API key secret: `{ "kombo_api_key": "..." }`.
 * Other fields are ignored, so one secret holding all three (the layout before the split) still serves both.
 */
// Trimmed: a value pasted with a trailing newline would otherwise make every signature check fail.
const webhookSecretSchema = z.looseObject({
  webhook_secret: z.string().trim().min(1),
  previous_webhook_secret: z.string().trim().optional(),
});
const apiKeySecretSchema = z.looseObject({ kombo_api_key: z.string().trim().min(1) });

export class SecretFormatError extends Error {
  override name = 'SecretFormatError';
}

/** Names what is wrong without echoing the value. */
function parseSecret<T>(raw: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new SecretFormatError('the secret value is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new SecretFormatError(`the secret value is missing or has invalid field(s): ${fields}`);
  }
  return parsed.data;
}

/** The webhook secrets to accept: current first, previous (during a rotation) second. */
export function parseWebhookSecret(raw: string): readonly string[] {
  const { webhook_secret, previous_webhook_secret } = parseSecret(raw, webhookSecretSchema);
  return previous_webhook_secret ? [webhook_secret, previous_webhook_secret] : [webhook_secret];
}

/** The Kombo API key; an empty one (as a created secret starts) is missing. */
export function parseApiKeySecret(raw: string): string {
  return parseSecret(raw, apiKeySecretSchema).kombo_api_key;
}

export const SECRET_CACHE_TTL_MS = 5 * 60 * 1000;

/**
 * One secret's parsed value, read at most once per TTL per container, so a rotated value is picked up within
 * five minutes without a call to Secrets Manager on every request. Concurrent callers share one read; a failed
 * read or parse is not cached.
 */
export class CachedSecret<T> {
  private cached: { value: T; loadedAt: number } | undefined;
  private inFlight: Promise<T> | undefined;

  constructor(
    private readonly loadRaw: SecretLoader,
    private readonly parse: (raw: string) => T,
    private readonly ttlMs = SECRET_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async value(): Promise<T> {
    if (this.cached && this.now() - this.cached.loadedAt < this.ttlMs) return this.cached.value;
    this.inFlight ??= this.loadRaw()
      .then((raw) => {
        const value = this.parse(raw);
        this.cached = { value, loadedAt: this.now() };
        return value;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}

/** Environment overrides of the webhook secrets, for `sam local` and local runs only. */
export interface WebhookSecretOverrides {
  readonly webhookSecret?: string | undefined;
  readonly previousWebhookSecret?: string | undefined;
}

/** Environment override of the Kombo API key, for `sam local` and local runs only. */
export interface ApiKeyOverrides {
  readonly komboApiKey?: string | undefined;
}

/** What the webhook function verifies signatures with: the override when set (the store is then never read). */
export function webhookSecretsFrom(
  load: SecretLoader | undefined,
  overrides: WebhookSecretOverrides,
): () => Promise<readonly string[]> {
  const { webhookSecret, previousWebhookSecret } = overrides;
  if (webhookSecret) {
    const fixed = previousWebhookSecret ? [webhookSecret, previousWebhookSecret] : [webhookSecret];
    return async () => fixed;
  }
  const stored = new CachedSecret(requireLoader(load, ENV.webhookSecretArn), parseWebhookSecret);
  return () => stored.value();
}

/** What the worker and the full-sync function call Kombo with: the override when set. */
export function komboApiKeyFrom(load: SecretLoader | undefined, overrides: ApiKeyOverrides): () => Promise<string> {
  const { komboApiKey } = overrides;
  if (komboApiKey) return async () => komboApiKey;
  const stored = new CachedSecret(requireLoader(load, ENV.apiKeySecretArn), parseApiKeySecret);
  return () => stored.value();
}

/** The configuration guarantees a secret or an override; a caller that passes neither fails on first use. */
function requireLoader(load: SecretLoader | undefined, variable: string): SecretLoader {
  return (
    load ??
    (async () => {
      throw new SecretFormatError(`no secret configured: set ${variable} (or the local-only override variables)`);
    })
  );
}
