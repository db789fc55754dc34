import { z } from 'zod';
import { ENV } from '../lambdas/contracts';
import { parseKomboApiUrl, parseSyncResources } from '../lambdas/core/config';
import { ALARM_IDS, type AlarmId } from './alarm-catalogue';
import { combinationProblems } from './context-combinations';
import type { KomboSyncStackProps } from './kombo-sync-stack';
import {
  DEFAULT_FULL_SYNC_SLOT_MINUTES,
  DEFAULT_FULL_SYNC_SPREAD_MINUTES,
  fullSyncSlotCount,
} from './weekly-full-sync';

/**
 * The CDK context keys a user may set (`cdk.json` or `-c key=value`), validated so that a typo
 * fails synth with a message naming the key instead of deploying something unexpected.
 */
const numberFromContext = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const booleanFromContext = z.union(
  [z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')],
  'must be true or false',
);

// A partial ARN (without the 6-character suffix) would deploy and then be refused by IAM at run time.
const secretArnSchema = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+-[A-Za-z0-9]{6}$/,
    'must be a complete Secrets Manager secret ARN, ending in the 6-character suffix (-AbCdEf)',
  );
const kmsKeyArnSchema = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
    'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
  );

const contextSchema = z.object({
  stackName: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,127}$/, 'must be a valid CloudFormation stack name')
    .default('KomboSyncStack'),
  // One secret for both roles: the layout before the webhook secret and the API key were split.
  secretArn: secretArnSchema.optional(),
  secretKeyArn: kmsKeyArnSchema.optional(),
  webhookSecretArn: secretArnSchema.optional(),
  webhookSecretKeyArn: kmsKeyArnSchema.optional(),
  apiKeySecretArn: secretArnSchema.optional(),
  apiKeySecretKeyArn: kmsKeyArnSchema.optional(),
  syncResources: z.union([z.string(), z.array(z.string())]).optional(),
  webhookRateLimit: numberFromContext.optional(),
  webhookBurstLimit: numberFromContext.optional(),
  komboApiUrl: z
    .string()
    .refine((value) => {
      try {
        parseKomboApiUrl(value);
        return true;
      } catch {
        return false;
      }
    }, 'must be eu, us or an http(s) URL including /v1')
    .optional(),
  // At least the continuation margin (60 s) plus a request timeout (30 s) plus room for pages.
  workerTimeoutSeconds: numberFromContext
    .pipe(z.number().int().min(150, 'must be at least 150 (60 s margin + requests)').max(900))
    .optional(),
  workerMaxConcurrency: numberFromContext.pipe(z.number().int().min(2).max(1000)).optional(),
  komboRequestsPerMinute: numberFromContext.pipe(z.number().min(0, 'must be 0 (unpaced) or more')).optional(),
  komboRealtimeSharePercent: numberFromContext.pipe(z.number().min(0).lt(100, 'must be below 100')).optional(),
  bulkLanes: numberFromContext.pipe(z.number().int().min(0).max(100)).optional(),
  bulkSliceSeconds: numberFromContext.pipe(z.number().min(5, 'must be at least 5 seconds')).optional(),
  partitionWriteUnitsPerSecond: numberFromContext
    .pipe(z.number().min(1).max(1000, 'must be at most 1000, what one partition takes'))
    .optional(),
  retainTables: booleanFromContext.optional(),
  deletionProtection: booleanFromContext.optional(),
  tableEncryption: z.enum(['aws-owned', 'customer-managed'], 'must be aws-owned or customer-managed').optional(),
  tableKeyArn: kmsKeyArnSchema.optional(),
  tracing: booleanFromContext.optional(),
  // For `sam local` only (lib/local-invoke.ts): never deploy a template synthesized with it.
  localInvoke: booleanFromContext.optional(),
  cursorOverlapMinutes: numberFromContext.pipe(z.number().positive('must be more than 0')).optional(),
  tombstoneTtlDays: numberFromContext.pipe(z.number().int().min(1)).optional(),
  alarmEmail: z.email('must be an e-mail address').optional(),
  // `-c alarmThresholds='{"JobsFailed":20}'` (JSON from the CLI) or an object in cdk.json.
  alarmThresholds: z
    .unknown()
    .transform((value, ctx) => (typeof value === 'string' ? parseJsonObject(value, ctx) : value))
    .pipe(
      z
        .record(z.string(), numberFromContext.pipe(z.number().positive('must be a number above 0')))
        .superRefine((thresholds, ctx) => {
          for (const key of Object.keys(thresholds).filter((key) => !(ALARM_IDS as string[]).includes(key)))
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `must name an alarm of lib/alarm-catalogue.ts (${ALARM_IDS.join(', ')})`,
            });
        })
        .transform((thresholds) => thresholds as Partial<Record<AlarmId, number>>),
    )
    .optional(),
  sweepBrakePercent: numberFromContext.pipe(z.number().min(1).max(100)).optional(),
  sweepBrakeMinRecords: numberFromContext.pipe(z.number().int().min(0)).optional(),
  fullSyncCron: z
    .string()
    .regex(
      /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/,
      'must be an EventBridge Scheduler cron expression, e.g. cron(0 2 ? * SUN *)',
    )
    .optional(),
  fullSyncTimeZone: z
    .string()
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone, e.g. Europe/Berlin')
    .optional(),
  // Whether the two fit together (a multiple, at most 96 slots) is checked below, with both known.
  fullSyncSpreadMinutes: numberFromContext
    .pipe(z.number().int('must be a whole number of minutes').min(0, 'must be 0 (no spread) or more'))
    .optional(),
  fullSyncSlotMinutes: numberFromContext
    .pipe(z.number().int('must be a whole number of minutes').min(1, 'must be at least 1'))
    .optional(),
});

export interface AppSettings {
  readonly stackName: string;
  readonly stackProps: KomboSyncStackProps;
}

/** Keys the CDK CLI and framework set themselves: feature flags (`@aws-cdk/...`), `aws:cdk:...`, lookups. */
/** A JSON object given as text; anything else becomes an issue the schema reports. */
function parseJsonObject(text: string, ctx: z.RefinementCtx): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below, like a parsed value that is not an object.
  }
  ctx.addIssue({ code: 'custom', message: 'must be a JSON object, e.g. {"JobsFailed":20}' });
  return z.NEVER;
}

const isFrameworkKey = (key: string) => key.includes(':') || key.startsWith('@') || key === 'cli-telemetry';

/** The full-sync spread and slot, each valid alone, that do not make a spread (lib/weekly-full-sync.ts). */
function spreadProblems(context: { fullSyncSpreadMinutes?: number; fullSyncSlotMinutes?: number }): string[] {
  const count = fullSyncSlotCount(
    context.fullSyncSpreadMinutes ?? DEFAULT_FULL_SYNC_SPREAD_MINUTES,
    context.fullSyncSlotMinutes ?? DEFAULT_FULL_SYNC_SLOT_MINUTES,
  );
  return count.ok ? [] : [`context fullSyncSpreadMinutes: ${count.problem} (the slot is fullSyncSlotMinutes)`];
}

/** Reads the app's whole context (`app.node.getAllContext()`); a key we do not know is a typo, not ignored. */
export function settingsFromContext(all: Record<string, unknown>): AppSettings {
  const known = Object.keys(contextSchema.shape);
  const problems = Object.keys(all)
    .filter((key) => !isFrameworkKey(key) && !known.includes(key))
    .map((key) => `context ${key}: unknown key (known keys: ${known.join(', ')})`);
  const parsed = contextSchema.safeParse(Object.fromEntries(known.map((key) => [key, all[key]])));
  if (!parsed.success)
    problems.push(...parsed.error.issues.map((issue) => `context ${issue.path.join('.')}: ${issue.message}`));
  if (!parsed.success || problems.length > 0) throw new Error(`invalid CDK context: ${problems.join('; ')}`);
  const context = parsed.data;
  const combinations = [...combinationProblems(context), ...spreadProblems(context)];
  if (combinations.length > 0) throw new Error(`invalid CDK context: ${combinations.join('; ')}`);
  const resources = Array.isArray(context.syncResources) ? context.syncResources.join(',') : context.syncResources;
  const syncResources = resources === undefined || resources === 'all' ? undefined : [...parseSyncResources(resources)];
  return {
    stackName: context.stackName,
    stackProps: {
      stackName: context.stackName,
      existingSecretArn: context.secretArn,
      existingSecretKeyArn: context.secretKeyArn,
      existingWebhookSecret: context.webhookSecretArn
        ? { secretArn: context.webhookSecretArn, keyArn: context.webhookSecretKeyArn }
        : undefined,
      existingApiKeySecret: context.apiKeySecretArn
        ? { secretArn: context.apiKeySecretArn, keyArn: context.apiKeySecretKeyArn }
        : undefined,
      syncResources,
      webhookThrottle:
        context.webhookRateLimit !== undefined || context.webhookBurstLimit !== undefined
          ? { rateLimit: context.webhookRateLimit ?? 50, burstLimit: context.webhookBurstLimit ?? 100 }
          : undefined,
      komboApiUrl: context.komboApiUrl,
      workerTimeoutSeconds: context.workerTimeoutSeconds,
      workerMaxConcurrency: context.workerMaxConcurrency,
      komboRequestBudget: {
        requestsPerMinute: context.komboRequestsPerMinute,
        realtimeSharePercent: context.komboRealtimeSharePercent,
      },
      partitionWriteUnitsPerSecond: context.partitionWriteUnitsPerSecond,
      bulkLanes: context.bulkLanes,
      bulkSliceSeconds: context.bulkSliceSeconds,
      retainTables: context.retainTables,
      deletionProtection: context.deletionProtection,
      tableEncryption:
        context.tableEncryption === 'customer-managed' || context.tableKeyArn
          ? { kind: 'customer-managed', keyArn: context.tableKeyArn }
          : undefined,
      localInvoke: context.localInvoke,
      tracing: context.tracing,
      workerEnvironment: {
        ...(context.cursorOverlapMinutes !== undefined
          ? { [ENV.cursorOverlapSeconds]: String(context.cursorOverlapMinutes * 60) }
          : {}),
        ...(context.tombstoneTtlDays !== undefined ? { [ENV.tombstoneTtlDays]: String(context.tombstoneTtlDays) } : {}),
        ...(context.sweepBrakePercent !== undefined
          ? { [ENV.sweepBrakePercent]: String(context.sweepBrakePercent) }
          : {}),
        ...(context.sweepBrakeMinRecords !== undefined
          ? { [ENV.sweepBrakeMinRecords]: String(context.sweepBrakeMinRecords) }
          : {}),
      },
      fullSyncCron: context.fullSyncCron,
      fullSyncTimeZone: context.fullSyncTimeZone,
      fullSyncSpreadMinutes: context.fullSyncSpreadMinutes,
      fullSyncSlotMinutes: context.fullSyncSlotMinutes,
      alarmEmail: context.alarmEmail,
      alarmThresholds: context.alarmThresholds,
    },
  };
}
