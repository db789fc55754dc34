import { describe, expect, it, vi } from 'vitest';
import {
  CachedSecret,
  komboApiKeyFrom,
  parseApiKeySecret,
  parseWebhookSecret,
  SECRET_CACHE_TTL_MS,
  SecretFormatError,
  webhookSecretsFrom,
} from '../../lambdas/core/secrets';

const doc = (value: Record<string, string>) => JSON.stringify(value);

describe('the webhook secret', () => {
  it('yields the current then the previous webhook secret', () => {
    expect(parseWebhookSecret(doc({ webhook_secret: 'a', previous_webhook_secret: 'b' }))).toEqual(['a', 'b']);
    expect(parseWebhookSecret(doc({ webhook_secret: 'a' }))).toEqual(['a']);
  });

  it('names what is wrong without echoing the value', () => {
    expect(() => parseWebhookSecret('plain-text-secret')).toThrow(
      new SecretFormatError('the secret value is not JSON'),
    );
    expect(() => parseWebhookSecret(doc({ kombo_api_key: 'k' }))).toThrow(
      new SecretFormatError('the secret value is missing or has invalid field(s): webhook_secret'),
    );
    try {
      parseWebhookSecret('plain-text-secret');
    } catch (error) {
      expect(String(error)).not.toContain('plain-text-secret');
    }
  });
});

describe('the API key secret', () => {
  it('yields the Kombo API key', () => {
    expect(parseApiKeySecret(doc({ kombo_api_key: 'k' }))).toBe('k');
  });

  it('refuses a missing or empty key (a created secret starts empty), naming the field only', () => {
    for (const value of [doc({ webhook_secret: 's' }), doc({ kombo_api_key: '' })]) {
      expect(() => parseApiKeySecret(value)).toThrow(
        new SecretFormatError('the secret value is missing or has invalid field(s): kombo_api_key'),
      );
    }
  });

  it('reads a legacy document that holds both, as each role does in the single-secret layout', () => {
    const legacy = doc({ webhook_secret: 'w', previous_webhook_secret: 'p', kombo_api_key: 'k' });
    expect(parseApiKeySecret(legacy)).toBe('k');
    expect(parseWebhookSecret(legacy)).toEqual(['w', 'p']);
  });
});

describe('CachedSecret', () => {
  it('reads the store once per five minutes, then picks up a rotated value', async () => {
    let now = 0;
    let value = doc({ webhook_secret: 'first' });
    const load = vi.fn(async () => value);
    const secret = new CachedSecret(load, parseWebhookSecret, SECRET_CACHE_TTL_MS, () => now);
    expect(await secret.value()).toEqual(['first']);
    value = doc({ webhook_secret: 'second', previous_webhook_secret: 'first' });
    now = SECRET_CACHE_TTL_MS - 1;
    expect(await secret.value()).toEqual(['first']);
    expect(load).toHaveBeenCalledTimes(1);
    now = SECRET_CACHE_TTL_MS;
    expect(await secret.value()).toEqual(['second', 'first']);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one read between concurrent callers', async () => {
    const load = vi.fn(async () => doc({ kombo_api_key: 'k' }));
    const secret = new CachedSecret(load, parseApiKeySecret);
    await Promise.all([secret.value(), secret.value(), secret.value()]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('retries the store after a failed read', async () => {
    const load = vi
      .fn()
      .mockRejectedValueOnce(new Error('throttled'))
      .mockResolvedValue(doc({ webhook_secret: 's' }));
    const secret = new CachedSecret(load, parseWebhookSecret);
    await expect(secret.value()).rejects.toThrow('throttled');
    expect(await secret.value()).toEqual(['s']);
  });

  it('does not cache a value it cannot parse, so a fixed secret is read again', async () => {
    const load = vi
      .fn()
      .mockResolvedValueOnce(doc({ kombo_api_key: '' }))
      .mockResolvedValue(doc({ kombo_api_key: 'k' }));
    const secret = new CachedSecret(load, parseApiKeySecret);
    await expect(secret.value()).rejects.toThrow(/kombo_api_key/);
    expect(await secret.value()).toBe('k');
  });
});

describe('the secrets each function reads', () => {
  it('lets local-only overrides win without reading the store', async () => {
    const load = vi.fn(async () => doc({ webhook_secret: 'stored', kombo_api_key: 'stored-key' }));
    expect(await webhookSecretsFrom(load, { webhookSecret: 'env', previousWebhookSecret: 'env-old' })()).toEqual([
      'env',
      'env-old',
    ]);
    expect(await komboApiKeyFrom(load, { komboApiKey: 'env-key' })()).toBe('env-key');
    expect(load).not.toHaveBeenCalled();
  });

  it('reads each from its own secret otherwise', async () => {
    const webhook = vi.fn(async () => doc({ webhook_secret: 'w' }));
    const apiKey = vi.fn(async () => doc({ kombo_api_key: 'k' }));
    expect(await webhookSecretsFrom(webhook, {})()).toEqual(['w']);
    expect(await komboApiKeyFrom(apiKey, {})()).toBe('k');
  });

  it('fails clearly, naming the variable, when there is neither a secret nor an override', async () => {
    await expect(webhookSecretsFrom(undefined, {})()).rejects.toThrow(/set WEBHOOK_SECRET_ARN/);
    await expect(komboApiKeyFrom(undefined, {})()).rejects.toThrow(/set KOMBO_API_KEY_SECRET_ARN/);
  });
});

describe('secret values pasted with whitespace', () => {
  it('are trimmed, and a blank one is refused', () => {
    expect(parseWebhookSecret('{"webhook_secret":"whsec_abc\\n"}')).toEqual(['whsec_abc']);
    expect(() => parseWebhookSecret('{"webhook_secret":"  "}')).toThrow(/webhook_secret/);
  });
});
