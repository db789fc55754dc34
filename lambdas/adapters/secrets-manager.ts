import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from '../core/config';
import type { SecretLoader } from '../core/ports';
import { CachedSecrets } from '../core/secrets';
import { logger } from './powertools';

/** Returns a loader of the secret's current string value, for CachedSecrets. */
export function secretsManagerLoader(client: SecretsManagerClient, secretId: string): SecretLoader {
  return async () => {
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (response.SecretString === undefined) {
      throw new Error(`secret ${secretId} has no string value`);
    }
    return response.SecretString;
  };
}

/**
 * The function's secrets: read from Secrets Manager and cached, or the local overrides alone. Called once per
 * container, so overrides the configuration ignored (see SecretSource) are reported once, by name only.
 */
export function cachedSecrets(source: SecretSource, client: SecretsManagerClient): CachedSecrets {
  if (source.ignoredOverrides.length > 0) {
    logger.warn('local-only secret overrides ignored: a deployable bundle, or SECRET_ARN set in Lambda', {
      ignoredVariables: source.ignoredOverrides,
    });
  }
  return new CachedSecrets(
    source.secretArn ? secretsManagerLoader(client, source.secretArn) : undefined,
    source.overrides,
  );
}
