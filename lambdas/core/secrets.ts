import * as z from 'zod';
import type { SecretLoader } from './ports';

/**
 * The stack's secret is a JSON object:
 * `{ "webhook_secret": "...", "previous_webhook_secret": "...", "kombo_api_key": "..." }`.
 * `previous_webhook_secret` is only set during a rotation of Kombo's webhook secret.
 */
const secretDocumentSchema = z.looseObject({
  webhook_secret: z.string().min(1, 'webhook_secret must be set'),
  previous_webhook_secret: z.string().optional(),
  kombo_api_key: z.string().optional(),
});

export interface SyncSecrets {
  /** Current first, previous (during rotation) second. */
  readonly webhookSecrets: readonly string[];
  readonly komboApiKey: string | undefined;
}

export class SecretFormatError extends Error {
  override name = 'SecretFormatError';
}

export function parseSecretDocument(raw: string): SyncSecrets {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new SecretFormatError('the secret value is not JSON');
  }
  const parsed = secretDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new SecretFormatError(`the secret value is missing or has invalid field(s): ${fields}`);
  }
  const { webhook_secret, previous_webhook_secret, kombo_api_key } = parsed.data;
  return {
    webhookSecrets: previous_webhook_secret ? [webhook_secret, previous_webhook_secret] : [webhook_secret],
    komboApiKey: kombo_api_key || undefined,
  };
}

/** Environment overrides, for `sam local` and local runs only. */
export interface SecretOverrides {
  readonly webhookSecret?: string | undefined;
  readonly previousWebhookSecret?: string | undefined;
  readonly komboApiKey?: string | undefined;
}

export const SECRET_CACHE_TTL_MS = 5 * 60 * 1000;

/**
 * Reads the secret at most once per TTL per container, so a rotated value is picked up within
 * five minutes without a call to Secrets Manager on every request. An override, when set, wins and
 * the secret store is not read for that value.
 */
export class CachedSecrets {
  private cached: { value: SyncSecrets; loadedAt: number } | undefined;
  private inFlight: Promise<SyncSecrets> | undefined;

  constructor(
    private readonly loadRaw: SecretLoader | undefined,
    private readonly overrides: SecretOverrides = {},
    private readonly ttlMs = SECRET_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async webhookSecrets(): Promise<readonly string[]> {
    const { webhookSecret, previousWebhookSecret } = this.overrides;
    if (webhookSecret) return previousWebhookSecret ? [webhookSecret, previousWebhookSecret] : [webhookSecret];
    return (await this.stored()).webhookSecrets;
  }

  async komboApiKey(): Promise<string> {
    if (this.overrides.komboApiKey) return this.overrides.komboApiKey;
    const key = (await this.stored()).komboApiKey;
    if (!key) throw new SecretFormatError('kombo_api_key is not set in the secret');
    return key;
  }

  private async stored(): Promise<SyncSecrets> {
    const loadRaw = this.loadRaw;
    if (!loadRaw) {
      throw new SecretFormatError('no secret configured: set SECRET_ARN (or the local-only override variables)');
    }
    if (this.cached && this.now() - this.cached.loadedAt < this.ttlMs) return this.cached.value;
    this.inFlight ??= loadRaw()
      .then((raw) => {
        const value = parseSecretDocument(raw);
        this.cached = { value, loadedAt: this.now() };
        return value;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
