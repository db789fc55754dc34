import { describe, expect, it, vi } from 'vitest';
import { CachedSecrets, parseSecretDocument, SECRET_CACHE_TTL_MS, SecretFormatError } from '../../lambdas/core/secrets';

const doc = (value: Record<string, string>) => JSON.stringify(value);

describe('the secret document', () => {
  it('yields current then previous webhook secret, and the API key', () => {
    expect(parseSecretDocument(doc({ webhook_secret: 'a', previous_webhook_secret: 'b', kombo_api_key: 'k' }))).toEqual(
      {
        webhookSecrets: ['a', 'b'],
        komboApiKey: 'k',
      },
    );
  });

  it('names what is wrong without echoing the value', () => {
    expect(() => parseSecretDocument('plain-text-secret')).toThrow(
      new SecretFormatError('the secret value is not JSON'),
    );
    expect(() => parseSecretDocument(doc({ kombo_api_key: 'k' }))).toThrow(/webhook_secret/);
    try {
      parseSecretDocument('plain-text-secret');
    } catch (error) {
      expect(String(error)).not.toContain('plain-text-secret');
    }
  });
});

describe('CachedSecrets', () => {
  it('reads the store once per five minutes, then picks up a rotated value', async () => {
    let now = 0;
    let value = doc({ webhook_secret: 'first', kombo_api_key: 'k' });
    const load = vi.fn(async () => value);
    const secrets = new CachedSecrets(load, {}, SECRET_CACHE_TTL_MS, () => now);
    expect(await secrets.webhookSecrets()).toEqual(['first']);
    value = doc({ webhook_secret: 'second', previous_webhook_secret: 'first', kombo_api_key: 'k' });
    now = SECRET_CACHE_TTL_MS - 1;
    expect(await secrets.webhookSecrets()).toEqual(['first']);
    expect(await secrets.komboApiKey()).toBe('k');
    expect(load).toHaveBeenCalledTimes(1);
    now = SECRET_CACHE_TTL_MS;
    expect(await secrets.webhookSecrets()).toEqual(['second', 'first']);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('shares one read between concurrent callers', async () => {
    const load = vi.fn(async () => doc({ webhook_secret: 's' }));
    const secrets = new CachedSecrets(load);
    await Promise.all([secrets.webhookSecrets(), secrets.webhookSecrets(), secrets.webhookSecrets()]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('retries the store after a failed read', async () => {
    const load = vi
      .fn()
      .mockRejectedValueOnce(new Error('throttled'))
      .mockResolvedValue(doc({ webhook_secret: 's' }));
    const secrets = new CachedSecrets(load);
    await expect(secrets.webhookSecrets()).rejects.toThrow('throttled');
    expect(await secrets.webhookSecrets()).toEqual(['s']);
  });

  it('lets local-only environment overrides win without reading the store', async () => {
    const load = vi.fn(async () => doc({ webhook_secret: 'stored', kombo_api_key: 'stored-key' }));
    const secrets = new CachedSecrets(load, { webhookSecret: 'env', previousWebhookSecret: 'env-old' });
    expect(await secrets.webhookSecrets()).toEqual(['env', 'env-old']);
    expect(load).not.toHaveBeenCalled();
    expect(await secrets.komboApiKey()).toBe('stored-key');
  });

  it('fails clearly when there is neither a secret nor an override', async () => {
    await expect(new CachedSecrets(undefined).webhookSecrets()).rejects.toThrow(/SECRET_ARN/);
    await expect(new CachedSecrets(async () => doc({ webhook_secret: 's' })).komboApiKey()).rejects.toThrow(
      /kombo_api_key/,
    );
  });
});
