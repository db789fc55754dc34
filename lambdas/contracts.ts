/**
 * What the stack (`lib/`) and the functions share, in one module both import, so that they cannot
 * drift: the functions' environment variable names, the metric namespace and service name, the
 * metrics the alarms watch, Kombo's API base URLs. It loads nothing else.
 */
export const ENV = {
  recordsTable: 'RECORDS_TABLE',
  stateTable: 'STATE_TABLE',
  syncJobsQueueUrl: 'SYNC_JOBS_QUEUE_URL',
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  secretArn: 'SECRET_ARN',
  syncResources: 'SYNC_RESOURCES',
  komboApiUrl: 'KOMBO_API_URL',
  komboRequestTimeoutSeconds: 'KOMBO_REQUEST_TIMEOUT_SECONDS',
  cursorOverlapSeconds: 'CURSOR_OVERLAP_SECONDS',
  timeMarginSeconds: 'TIME_MARGIN_SECONDS',
  writeConcurrency: 'WRITE_CONCURRENCY',
  tombstoneTtlDays: 'TOMBSTONE_TTL_DAYS',
  integrationRecheckMinutes: 'INTEGRATION_RECHECK_MINUTES',
  coalesceWindowSeconds: 'COALESCE_WINDOW_SECONDS',
  sweepBrakePercent: 'SWEEP_BRAKE_PERCENT',
  sweepBrakeMinRecords: 'SWEEP_BRAKE_MIN_RECORDS',
  walkAbandonAfterFailures: 'WALK_ABANDON_AFTER_FAILURES',
  missingPurgeDays: 'MISSING_PURGE_DAYS',
  /** Local runs only (tests, `npm start`, `sam local`): the deployed stack never sets these. */
  localWebhookSecret: 'KOMBO_WEBHOOK_SECRET',
  localPreviousWebhookSecret: 'KOMBO_WEBHOOK_SECRET_PREVIOUS',
  localKomboApiKey: 'KOMBO_API_KEY',
  /** Read by the AWS SDK itself: where a local run's SQS and DynamoDB clients go. */
  localSqsEndpoint: 'AWS_ENDPOINT_URL_SQS',
  localDynamoDbEndpoint: 'AWS_ENDPOINT_URL_DYNAMODB',
} as const;

/**
 * The local-only variables each function reads, which `sam local invoke --env-vars` can set only where the
 * template declares them: the local-invoke template (`cdk synth -c localInvoke=true`) declares these, with
 * empty defaults; the deployed template never does.
 */
export const LOCAL_ONLY_ENV = {
  webhook: [ENV.localWebhookSecret, ENV.localPreviousWebhookSecret, ENV.localSqsEndpoint, ENV.localDynamoDbEndpoint],
  worker: [ENV.localKomboApiKey, ENV.localSqsEndpoint, ENV.localDynamoDbEndpoint],
  fullSync: [ENV.localKomboApiKey, ENV.localSqsEndpoint, ENV.localDynamoDbEndpoint],
} as const;
export type SyncFunctionName = keyof typeof LOCAL_ONLY_ENV;

/**
 * What a bundle is built for, fixed at bundling: esbuild replaces the expression BUNDLE_KIND_EXPRESSION in the
 * code with one of these literals (lib/sync-function.ts), so no change to a function's configuration can alter
 * it. A deployable bundle never honours a local-only secret override.
 */
export const BUNDLE_KIND = { deployable: 'deployable', localInvoke: 'local-invoke' } as const;
export type BundleKind = (typeof BUNDLE_KIND)[keyof typeof BUNDLE_KIND];
export const BUNDLE_KIND_EXPRESSION = 'process.env.KOMBO_SYNC_BUNDLE';

export const SERVICE_NAME = 'kombo-sync';
export const METRICS_NAMESPACE = 'KomboSync';

/** Metrics an alarm watches: emitted by the functions under these names. */
export const ALARMED_METRIC = {
  sweepBraked: 'SweepBraked',
  jobsFailed: 'JobsFailed',
  recordsRejected: 'RecordsRejected',
  walkAbandoned: 'WalkAbandoned',
  webhookUnauthorized: 'WebhookUnauthorized',
  integrationMissing: 'IntegrationMissing',
} as const;

export const KOMBO_API_URLS = { eu: 'https://api.kombo.dev/v1', us: 'https://api.us.kombo.dev/v1' } as const;
