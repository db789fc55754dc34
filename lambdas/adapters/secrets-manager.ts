import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** Returns a loader of the secret's current string value, for CachedSecrets. */
export function secretsManagerLoader(client: SecretsManagerClient, secretId: string): () => Promise<string> {
  return async () => {
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    if (response.SecretString === undefined) {
      throw new Error(`secret ${secretId} has no string value`);
    }
    return response.SecretString;
  };
}
