import * as z from 'zod';
import { BUNDLE_KIND, ENV, KOMBO_API_URLS } from '../contracts';
import { describeIssues } from './describe';
import { DEFAULT_REQUEST_BUDGET, type RequestBudgetSettings } from './kombo/budget-settings';
import { RESOURCE_CATALOGUE, resourceDefinition } from './kombo/catalogue';
import type { ApiKeyOverrides, WebhookSecretOverrides } from './secrets';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings, MAX_BULK_LANES } from './sync/settings';

export { DEFAULT_REQUEST_BUDGET };

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
    throw new ConfigError(`invalid environment: ${describeIssues(parsed.error)}`);
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
  const names = trimmed
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => resourceDefinition(name) === undefined);
  if (unknown.length > 0) {
    throw new ConfigError(
      `SYNC_RESOURCES names unknown resource(s): ${unknown.join(', ')} (expected e.g. ats/applications, hris/employees)`,
    );
  }
  return new Set(names);
}

/** Where a function's one secret comes from: Secrets Manager, or (local runs only) override variables. */
export interface SecretSource<Overrides> {
  readonly secretArn: string | undefined;
  readonly overrides: Overrides;
  /** Local-only override variables that were set but are ignored (see readSecretSource): names, never values. */
  readonly ignoredOverrides: readonly string[];
}

/**
 * Set by Lambda in every function's runtime, in AWS and under `sam local` alike. It is reserved: a function's
 * configuration can neither set nor remove it.
 */
const LAMBDA_FUNCTION_NAME = 'AWS_LAMBDA_FUNCTION_NAME';

/**
 * What this code was bundled for (BUNDLE_KIND): esbuild replaces the expression below with a literal
 * (BUNDLE_KIND_EXPRESSION), so in a bundle no environment can change it; unbundled (tests, `npm start`) it is
 * read from the environment, where it is normally absent.
 */
function bundleKind(): string | undefined {
  return process.env.KOMBO_SYNC_BUNDLE;
}

/**
 * The secret's ARN and its local-only overrides. A deployable bundle ignores the overrides whatever its
 * configuration says: otherwise anyone allowed to edit a deployed function's configuration could clear the ARN and
 * plant a webhook secret they know. Any other bundle in a Lambda runtime with the ARN set ignores them too (a
 * local-invoke template deployed by mistake); `sam local` runs the local-invoke bundles with the ARN empty (the
 * local env file clears it). Tests and `npm start` run unbundled, outside a Lambda runtime, where an override wins.
 */
function readSecretSource<Variable extends string>(
  env: Env,
  arnVariable: string,
  overrideVariables: readonly Variable[],
): { secretArn: string | undefined; honoured: Partial<Record<Variable, string>>; ignoredOverrides: Variable[] } {
  const values = parseEnv(
    Object.fromEntries([arnVariable, ...overrideVariables].map((name) => [name, optionalString])),
    env,
  ) as Record<string, string | undefined>;
  const secretArn = values[arnVariable];
  const set = overrideVariables.filter((name) => values[name] !== undefined);
  if (bundleKind() === BUNDLE_KIND.deployable || (secretArn && env[LAMBDA_FUNCTION_NAME])) {
    return { secretArn, honoured: {}, ignoredOverrides: set };
  }
  return {
    secretArn,
    honoured: Object.fromEntries(set.map((name) => [name, values[name]])) as Partial<Record<Variable, string>>,
    ignoredOverrides: [],
  };
}

/** Names the override too, and says so when it was set but ignored (see readSecretSource). */
function missingSecret(arnVariable: string, override: string, ignoredOverrides: readonly string[]): ConfigError {
  return new ConfigError(
    ignoredOverrides.includes(override)
      ? `invalid environment: set ${arnVariable} (${override} is for local runs, and this bundle or runtime ignores it)`
      : `invalid environment: set ${arnVariable} (or ${override} for local runs)`,
  );
}

/** The webhook function's secret: the webhook secret(s) only. */
function webhookSecretSource(env: Env): SecretSource<WebhookSecretOverrides> {
  const { secretArn, honoured, ignoredOverrides } = readSecretSource(env, ENV.webhookSecretArn, [
    ENV.localWebhookSecret,
    ENV.localPreviousWebhookSecret,
  ]);
  const overrides = {
    webhookSecret: honoured[ENV.localWebhookSecret],
    previousWebhookSecret: honoured[ENV.localPreviousWebhookSecret],
  };
  if (!secretArn && !overrides.webhookSecret) {
    throw missingSecret(ENV.webhookSecretArn, ENV.localWebhookSecret, ignoredOverrides);
  }
  return { secretArn, overrides, ignoredOverrides };
}

/** The worker's and the full-sync function's secret: the Kombo API key only. */
function apiKeySecretSource(env: Env): SecretSource<ApiKeyOverrides> {
  const { secretArn, honoured, ignoredOverrides } = readSecretSource(env, ENV.apiKeySecretArn, [ENV.localKomboApiKey]);
  const overrides = { komboApiKey: honoured[ENV.localKomboApiKey] };
  if (!secretArn && !overrides.komboApiKey) {
    throw missingSecret(ENV.apiKeySecretArn, ENV.localKomboApiKey, ignoredOverrides);
  }
  return { secretArn, overrides, ignoredOverrides };
}

/** What every function that enqueues jobs needs: the queue, the state table, the resources to sync. */
export interface JobPlanningConfig {
  readonly queueUrl: string;
  readonly stateTable: string;
  readonly syncResources: ReadonlySet<string>;
}

export function jobPlanningConfig(env: Env = process.env): JobPlanningConfig {
  const values = parseEnv(
    {
      [ENV.syncJobsQueueUrl]: z.string().url('must be the URL of the sync-jobs queue'),
      [ENV.stateTable]: z.string().min(1, 'must name the state table'),
      [ENV.syncResources]: optionalString,
    },
    env,
  );
  return {
    queueUrl: values[ENV.syncJobsQueueUrl],
    stateTable: values[ENV.stateTable],
    syncResources: parseSyncResources(values[ENV.syncResources]),
  };
}

export interface WebhookConfig extends JobPlanningConfig {
  readonly webhookSecret: SecretSource<WebhookSecretOverrides>;
}

export function webhookConfig(env: Env = process.env): WebhookConfig {
  return { ...jobPlanningConfig(env), webhookSecret: webhookSecretSource(env) };
}

const numberAtLeast = (minimum: number, exclusive: boolean, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const number = Number(value);
      if (!Number.isFinite(number) || number < minimum || (exclusive && number === minimum)) {
        const expected = exclusive ? 'a positive number' : 'a number ≥ 0';
        ctx.addIssue({ code: 'custom', message: `must be ${expected}, got "${value}"` });
        return z.NEVER;
      }
      return number;
    });
const positiveNumber = (fallback: number) => numberAtLeast(0, true, fallback);
const nonNegativeNumber = (fallback: number) => numberAtLeast(0, false, fallback);

/** `KOMBO_API_URL`: `eu` (default), `us`, or a base URL including `/v1` (e.g. a fake Kombo). */
export function parseKomboApiUrl(value: string | undefined): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '' || trimmed === 'eu') return KOMBO_API_URLS.eu;
  if (trimmed === 'us') return KOMBO_API_URLS.us;
  if (!/^https?:\/\/[^\s]+$/.test(trimmed)) {
    throw new ConfigError(`KOMBO_API_URL must be eu, us or an http(s) URL including /v1, got "${trimmed}"`);
  }
  return trimmed;
}

/** The fleet's Kombo request budget, read the same way by every function that calls Kombo. */
function requestBudgetConfig(env: Env): RequestBudgetSettings {
  const values = parseEnv(
    {
      [ENV.komboRequestsPerMinute]: nonNegativeNumber(DEFAULT_REQUEST_BUDGET.requestsPerMinute),
      [ENV.komboRealtimeSharePercent]: nonNegativeNumber(DEFAULT_REQUEST_BUDGET.realtimeShare * 100),
    },
    env,
  );
  const percent = values[ENV.komboRealtimeSharePercent];
  if (percent >= 100) {
    throw new ConfigError(`invalid environment: ${ENV.komboRealtimeSharePercent} must be below 100, got ${percent}`);
  }
  return { requestsPerMinute: values[ENV.komboRequestsPerMinute], realtimeShare: percent / 100 };
}

/** `BULK_LANES`: a whole number of lanes from 0 (off) to MAX_BULK_LANES. */
const bulkLanes = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value.trim() === '') return DEFAULT_ENGINE_SETTINGS.bulkLanes;
    const lanes = Number(value);
    if (!Number.isInteger(lanes) || lanes < 0 || lanes > MAX_BULK_LANES) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from 0 to ${MAX_BULK_LANES}, got "${value}"` });
      return z.NEVER;
    }
    return lanes;
  });

export interface WorkerConfig {
  readonly recordsTable: string;
  readonly stateTable: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly apiKeySecret: SecretSource<ApiKeyOverrides>;
  readonly komboApiUrl: string;
  readonly requestTimeoutMs: number;
  readonly syncResources: ReadonlySet<string>;
  readonly engine: EngineSettings;
  readonly requestBudget: RequestBudgetSettings;
}

export function workerConfig(env: Env = process.env): WorkerConfig {
  const values = parseEnv(
    {
      [ENV.recordsTable]: z.string().min(1, 'must name the records table'),
      [ENV.stateTable]: z.string().min(1, 'must name the state table'),
      [ENV.syncJobsQueueUrl]: z.string().url('must be the URL of the sync-jobs queue'),
      [ENV.deadLetterQueueUrl]: z.string().url('must be the URL of the dead-letter queue'),
      [ENV.komboApiUrl]: optionalString,
      [ENV.komboRequestTimeoutSeconds]: positiveNumber(30),
      [ENV.cursorOverlapSeconds]: positiveNumber(DEFAULT_ENGINE_SETTINGS.overlapMs / 1000),
      [ENV.timeMarginSeconds]: positiveNumber(DEFAULT_ENGINE_SETTINGS.timeMarginMs / 1000),
      [ENV.writeConcurrency]: positiveNumber(DEFAULT_ENGINE_SETTINGS.writeConcurrency),
      [ENV.tombstoneTtlDays]: positiveNumber(DEFAULT_ENGINE_SETTINGS.tombstoneTtlSeconds / 86_400),
      [ENV.integrationRecheckMinutes]: positiveNumber(DEFAULT_ENGINE_SETTINGS.integrationRecheckMs / 60_000),
      [ENV.coalesceWindowSeconds]: nonNegativeNumber(DEFAULT_ENGINE_SETTINGS.coalesceWindowMs / 1000),
      [ENV.sweepBrakePercent]: positiveNumber(DEFAULT_ENGINE_SETTINGS.sweepBrakeShare * 100),
      [ENV.sweepBrakeMinRecords]: nonNegativeNumber(DEFAULT_ENGINE_SETTINGS.sweepBrakeMinRecords),
      [ENV.walkAbandonAfterFailures]: positiveNumber(DEFAULT_ENGINE_SETTINGS.abandonAfterFailures),
      [ENV.missingPurgeDays]: positiveNumber(DEFAULT_ENGINE_SETTINGS.missingPurgeMs / 86_400_000),
      [ENV.partitionWriteUnitsPerSecond]: positiveNumber(DEFAULT_ENGINE_SETTINGS.partitionWriteUnitsPerSecond),
      [ENV.bulkLanes]: bulkLanes,
      [ENV.bulkSliceSeconds]: positiveNumber(DEFAULT_ENGINE_SETTINGS.bulkSliceMs / 1000),
      [ENV.syncResources]: optionalString,
    },
    env,
  );
  const apiKeySecret = apiKeySecretSource(env);
  return {
    recordsTable: values[ENV.recordsTable],
    stateTable: values[ENV.stateTable],
    queueUrl: values[ENV.syncJobsQueueUrl],
    deadLetterQueueUrl: values[ENV.deadLetterQueueUrl],
    apiKeySecret,
    komboApiUrl: parseKomboApiUrl(values[ENV.komboApiUrl]),
    requestTimeoutMs: values[ENV.komboRequestTimeoutSeconds] * 1000,
    syncResources: parseSyncResources(values[ENV.syncResources]),
    engine: {
      overlapMs: values[ENV.cursorOverlapSeconds] * 1000,
      timeMarginMs: values[ENV.timeMarginSeconds] * 1000,
      writeConcurrency: Math.max(1, Math.floor(values[ENV.writeConcurrency])),
      tombstoneTtlSeconds: Math.round(values[ENV.tombstoneTtlDays] * 86_400),
      integrationRecheckMs: values[ENV.integrationRecheckMinutes] * 60_000,
      maxPages: DEFAULT_ENGINE_SETTINGS.maxPages,
      coalesceWindowMs: values[ENV.coalesceWindowSeconds] * 1000,
      sweepBrakeShare: values[ENV.sweepBrakePercent] / 100,
      sweepBrakeMinRecords: Math.floor(values[ENV.sweepBrakeMinRecords]),
      abandonAfterFailures: Math.max(1, Math.floor(values[ENV.walkAbandonAfterFailures])),
      throttleBackoffMs: DEFAULT_ENGINE_SETTINGS.throttleBackoffMs,
      maxThrottleBackoffMs: DEFAULT_ENGINE_SETTINGS.maxThrottleBackoffMs,
      missingPurgeMs: values[ENV.missingPurgeDays] * 86_400_000,
      partitionWriteUnitsPerSecond: values[ENV.partitionWriteUnitsPerSecond],
      bulkLanes: values[ENV.bulkLanes],
      bulkSliceMs: values[ENV.bulkSliceSeconds] * 1000,
    },
    requestBudget: requestBudgetConfig(env),
  };
}

/** The full-sync function: plans from the registry, and reads Kombo to register integrations in bulk. */
export interface FullSyncConfig extends JobPlanningConfig {
  readonly apiKeySecret: SecretSource<ApiKeyOverrides>;
  readonly komboApiUrl: string;
  readonly requestTimeoutMs: number;
  readonly requestBudget: RequestBudgetSettings;
  /** Lanes the weekly run's reconcile jobs are spread over (see EngineSettings.bulkLanes). */
  readonly bulkLanes: number;
}

export function fullSyncConfig(env: Env = process.env): FullSyncConfig {
  const planning = jobPlanningConfig(env);
  const values = parseEnv(
    {
      [ENV.komboApiUrl]: optionalString,
      [ENV.komboRequestTimeoutSeconds]: positiveNumber(30),
      [ENV.bulkLanes]: bulkLanes,
    },
    env,
  );
  const apiKeySecret = apiKeySecretSource(env);
  return {
    ...planning,
    apiKeySecret,
    komboApiUrl: parseKomboApiUrl(values[ENV.komboApiUrl]),
    requestTimeoutMs: values[ENV.komboRequestTimeoutSeconds] * 1000,
    requestBudget: requestBudgetConfig(env),
    bulkLanes: values[ENV.bulkLanes],
  };
}
