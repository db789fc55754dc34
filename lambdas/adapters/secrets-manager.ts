import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from '../core/config';
import type { SecretLoader } from '../core/ports';
import {
  type ApiKeyOverrides,
  komboApiKeyFrom,
  type WebhookSecretOverrides,
  webhookSecretsFrom,
} from '../core/secrets';
import { logger } from './powertools';

/** Returns a loader of the secret's current string value, for CachedSecret. */
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
 * The loader of the function's one secret, if it has an ARN. Called once per container, so overrides the
 * configuration ignored (see SecretSource) are reported once, by name only.
 */
function loaderOf<Overrides>(source: SecretSource<Overrides>, client: SecretsManagerClient): SecretLoader | undefined {
  if (source.ignoredOverrides.length > 0) {
    logger.warn('local-only secret overrides ignored: a deployable bundle, or a secret ARN set in Lambda', {
      ignoredVariables: source.ignoredOverrides,
    });
  }
  return source.secretArn ? secretsManagerLoader(client, source.secretArn) : undefined;
}

/** The webhook function's secrets: read from its secret (never the API key's) and cached, or the local overrides. */
export function webhookSecrets(
  source: SecretSource<WebhookSecretOverrides>,
  client: SecretsManagerClient,
): () => Promise<readonly string[]> {
  return webhookSecretsFrom(loaderOf(source, client), source.overrides);
}

/** The Kombo API key: read from the API key's secret and cached, or the local override. */
export function komboApiKey(
  source: SecretSource<ApiKeyOverrides>,
  client: SecretsManagerClient,
): () => Promise<string> {
  return komboApiKeyFrom(loaderOf(source, client), source.overrides);
}
