import { z } from 'zod';
import { RESOURCE_CATALOGUE, resourceDefinition } from './kombo/catalogue';
import type { SecretOverrides } from './secrets';

/**
 * Environment → typed configuration, validated once at cold start. A bad value fails the container
 * with an error naming the variable, rather than misbehaving on some later request.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function parseEnv<T extends z.ZodRawShape>(shape: T, env: Env): z.infer<z.ZodObject<T>> {
  const parsed = z.object(shape).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new ConfigError(`invalid environment: ${problems}`);
  }
  return parsed.data;
}

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/**
 * `SYNC_RESOURCES`: comma-separated resources to sync (e.g. `ats/applications,hris/employees`);
 * unset, empty or `all` means every resource in the catalogue.
 */
export function parseSyncResources(value: string | undefined): ReadonlySet<string> {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '' || trimmed === 'all') {
    return new Set(RESOURCE_CATALOGUE.map((definition) => definition.resource));
  }
  const names = trimmed.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => resourceDefinition(name) === undefined);
  if (unknown.length > 0) {
    throw new ConfigError(
      `SYNC_RESOURCES names unknown resource(s): ${unknown.join(', ')} (expected e.g. ats/applications, hris/employees)`,
    );
  }
  return new Set(names);
}

export interface SecretSource {
  readonly secretArn: string | undefined;
  readonly overrides: SecretOverrides;
}

function secretSource(env: Env): SecretSource {
  const values = parseEnv(
    {
      SECRET_ARN: optionalString,
      KOMBO_WEBHOOK_SECRET: optionalString,
      KOMBO_WEBHOOK_SECRET_PREVIOUS: optionalString,
      KOMBO_API_KEY: optionalString,
    },
    env,
  );
  return {
    secretArn: values.SECRET_ARN,
    overrides: {
      webhookSecret: values.KOMBO_WEBHOOK_SECRET,
      previousWebhookSecret: values.KOMBO_WEBHOOK_SECRET_PREVIOUS,
      komboApiKey: values.KOMBO_API_KEY,
    },
  };
}

export interface WebhookConfig {
  readonly queueUrl: string;
  readonly secrets: SecretSource;
  readonly syncResources: ReadonlySet<string>;
}

export function webhookConfig(env: Env = process.env): WebhookConfig {
  const values = parseEnv(
    { SYNC_JOBS_QUEUE_URL: z.string().url('must be the URL of the sync-jobs queue'), SYNC_RESOURCES: optionalString },
    env,
  );
  const secrets = secretSource(env);
  if (!secrets.secretArn && !secrets.overrides.webhookSecret) {
    throw new ConfigError('invalid environment: set SECRET_ARN (or KOMBO_WEBHOOK_SECRET for local runs)');
  }
  return {
    queueUrl: values.SYNC_JOBS_QUEUE_URL,
    secrets,
    syncResources: parseSyncResources(values.SYNC_RESOURCES),
  };
}
