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
  /** The webhook function's secret: the webhook secret(s) Kombo signs with, never the API key. */
  webhookSecretArn: 'WEBHOOK_SECRET_ARN',
  /** The worker's and full-sync function's secret: the Kombo API key. */
  apiKeySecretArn: 'KOMBO_API_KEY_SECRET_ARN',
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
  /** The fleet's Kombo request budget (per minute, all functions and containers); 0: paced by Kombo's headers only. */
  komboRequestsPerMinute: 'KOMBO_REQUESTS_PER_MINUTE',
  /** The share of the budget kept for real-time requests (deltas) in each window's first half. */
  komboRealtimeSharePercent: 'KOMBO_REALTIME_SHARE_PERCENT',
  /** Message groups the weekly run's jobs share: at most this many of them run at once; 0: off. */
  bulkLanes: 'BULK_LANES',
  /** Seconds a bulk job works per invocation before it continues in a new one, so workers turn over for deltas. */
  bulkSliceSeconds: 'BULK_SLICE_SECONDS',
  /** Write units a second one walk may spend on its (integration, resource) partition. */
  partitionWriteUnitsPerSecond: 'PARTITION_WRITE_UNITS_PER_SECOND',
  /** Whether the function traces (the stack's `tracing` context); the Powertools Tracer reads it too. */
  traceEnabled: 'POWERTOOLS_TRACE_ENABLED',
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

/**
 * Every metric the functions emit (namespace METRICS_NAMESPACE, dimension `service`), with its unit and
 * what it counts: the one list the functions (Telemetry takes only these names), the alarms and the
 * dashboard share, so neither can watch a metric nobody emits (test/unit/metric-catalogue.test.ts).
 */
export const METRICS = {
  // Webhook function
  WebhookAccepted: { unit: 'Count', about: 'webhooks answered 200 after everything they ask for was done' },
  WebhookRejected: { unit: 'Count', about: 'webhooks refused as malformed (4xx) or not stored (5xx)' },
  WebhookIgnored: { unit: 'Count', about: 'webhooks of an event type or state kombo-sync does not act on' },
  WebhookUnauthorized: { unit: 'Count', about: 'webhooks with a missing or invalid signature (401)' },
  WebhookSecretUnavailable: { unit: 'Count', about: 'webhooks answered 500: the webhook secret could not be read' },
  SyncJobsEnqueued: { unit: 'Count', about: 'delta jobs a data-changed webhook enqueued' },
  EnqueueFailed: { unit: 'Count', about: 'jobs SQS did not take; the webhook answered 5xx and Kombo retries' },
  RegistryWriteFailed: { unit: 'Count', about: 'registry writes that failed; the webhook answered 5xx' },
  UnknownChangedModel: { unit: 'Count', about: 'data-changed models kombo-sync does not know' },
  LifecycleEventIgnored: { unit: 'Count', about: 'lifecycle webhooks with nothing to do (e.g. a deleted integration)' },
  IntegrationsCreated: { unit: 'Count', about: 'integrations registered by integration-created' },
  IntegrationsDeleted: { unit: 'Count', about: 'integrations marked deleted by integration-deleted' },
  IntegrationStateChanges: { unit: 'Count', about: 'integration-state-changed webhooks applied' },
  // Worker function
  JobsFailed: { unit: 'Count', about: 'jobs that failed in an invocation (retried, then dead-lettered)' },
  JobsDeadLettered: { unit: 'Count', about: 'messages moved to the dead-letter queue as invalid' },
  JobCoalesced: { unit: 'Count', about: 'jobs skipped because a walk already covered them' },
  JobDroppedIntegrationDeleted: { unit: 'Count', about: 'jobs of a deleted integration, dropped' },
  JobSkippedIntegrationUnavailable: { unit: 'Count', about: 'jobs skipped: the integration is blocked upstream' },
  JobSkippedResourceUnavailable: { unit: 'Count', about: 'jobs skipped: the resource is not available' },
  JobSkippedSetupPending: { unit: 'Count', about: 'jobs skipped: the integration is still being set up' },
  WalksCompleted: { unit: 'Count', about: 'walks through a resource that reached the last page' },
  WalksContinued: { unit: 'Count', about: 'walks handed to a new invocation (time ran short, or throttling)' },
  WalkRestarted: { unit: 'Count', about: 'walks restarted because Kombo rejected a checkpointed cursor' },
  WalkAbandoned: { unit: 'Count', about: 'walks given up after failing the same way again and again' },
  IntegrationBlocked: { unit: 'Count', about: 'integrations blocked after Kombo said they are unusable' },
  PagesFetched: { unit: 'Count', about: 'Kombo pages fetched and written' },
  PagesThrottled: { unit: 'Count', about: 'pages DynamoDB throttled past the client retries (written again later)' },
  KomboRequests: { unit: 'Count', about: 'requests sent to Kombo (retries included)' },
  KomboRateLimited: { unit: 'Count', about: 'Kombo answers 429 (rate limit)' },
  KomboRetries: { unit: 'Count', about: 'Kombo requests retried (429, 5xx, timeouts)' },
  KomboBudgetWaitSeconds: {
    unit: 'Seconds',
    about: "time a Kombo request waited for the fleet's request budget (only requests that waited)",
  },
  KomboBudgetUnavailable: {
    unit: 'Count',
    about: "Kombo requests sent unpaced because the shared request budget's counter failed",
  },
  WalkLeaseReleaseFailed: {
    unit: 'Count',
    about: "walk leases a job could not give back; each expires with its invocation's deadline",
  },
  PartitionWriteWaitSeconds: {
    unit: 'Seconds',
    about: "time a walk's writes waited to stay under one partition's write rate",
  },
  RecordsWritten: { unit: 'Count', about: 'records written (new, newer, or same time with new content)' },
  RecordsUnchanged: { unit: 'Count', about: 'records already stored as Kombo sent them: no write' },
  RecordsStale: { unit: 'Count', about: 'records older than the stored copy: no write' },
  RecordsTombstoned: { unit: 'Count', about: 'records deleted upstream, stored as tombstones' },
  RecordsRejected: {
    unit: 'Count',
    about: 'records DynamoDB refused as sent: stored compressed, as metadata, or skipped',
  },
  RecordsOmittedTooLarge: { unit: 'Count', about: 'records too large even compressed: stored as metadata only' },
  RecordsSwept: { unit: 'Count', about: 'records a full sync found gone upstream and tombstoned' },
  SweepCandidatesRecovered: { unit: 'Count', about: 'sweep candidates Kombo still returned by id (kept)' },
  SweepBraked: { unit: 'Count', about: 'sweeps stopped by the brake: too much would have been removed' },
  RecordsPurged: { unit: 'Count', about: 'records deleted by a purge' },
  PurgeSkipped: { unit: 'Count', about: 'purge jobs for an integration that is not deleted' },
  IntegrationsPurged: { unit: 'Count', about: 'integrations whose purge finished' },
  IntegrationsReconciled: { unit: 'Count', about: 'integrations compared with Kombo by the weekly reconcile' },
  IntegrationMissing: { unit: 'Count', about: 'registered integrations Kombo does not know any more' },
  IntegrationsPurgedMissing: { unit: 'Count', about: 'integrations purged after being missing upstream for days' },
  IntegrationScopeChanged: { unit: 'Count', about: 'integrations whose available resources changed' },
  SyncLagSeconds: {
    unit: 'Seconds',
    about: "after a walk completes: now minus its start, the resource's delta cursor",
  },
  // Full-sync function
  FullSyncJobsPlanned: { unit: 'Count', about: 'full walks planned (on demand, or by a reconcile)' },
  ReconcileJobsPlanned: { unit: 'Count', about: 'reconcile jobs the weekly schedule planned' },
  IntegrationsRegisteredInBulk: { unit: 'Count', about: 'integrations a bulk registration registered' },
  IntegrationRegistrationsFailed: { unit: 'Count', about: 'integrations a bulk registration could not register' },
} as const satisfies Record<string, { readonly unit: 'Count' | 'Seconds'; readonly about: string }>;

export type MetricName = keyof typeof METRICS;
/** The metrics of one unit: what `Telemetry.count` and `Telemetry.seconds` take. */
export type MetricOfUnit<Unit extends 'Count' | 'Seconds'> = {
  [Name in MetricName]: (typeof METRICS)[Name]['unit'] extends Unit ? Name : never;
}[MetricName];

export const KOMBO_API_URLS = { eu: 'https://api.kombo.dev/v1', us: 'https://api.us.kombo.dev/v1' } as const;
