import type { MetricName, SyncFunctionName } from '../lambdas/contracts';

/** The dead-letter queues the stack alarms on, by the name their alarm carries. */
export type DeadLetterQueueName = 'SyncJobs' | 'FullSyncSchedule' | 'FullSyncFailures';

/** What an alarm watches. */
export type AlarmSource =
  | { readonly kind: 'metric'; readonly metric: MetricName }
  | { readonly kind: 'dead-letters'; readonly queue: DeadLetterQueueName }
  | { readonly kind: 'function-errors'; readonly function: SyncFunctionName }
  | { readonly kind: 'api-server-errors' }
  | { readonly kind: 'queue-age' };

export interface AlarmDefinition {
  readonly source: AlarmSource;
  /** At or above this (in the source's unit: a count, or seconds) in one period, the alarm fires. */
  readonly threshold: number;
  readonly periodMinutes: number;
  /** What it means and what to do, in one line; the runbook has the rest. */
  readonly description: string;
}

/**
 * Every alarm of the stack, named `<stack>-<id>`, each with its default threshold (override any with
 * the context key `alarmThresholds`, e.g. `-c alarmThresholds='{"JobsFailed":20}'`) and a runbook entry
 * under the same id in docs/operations.md.
 */
export const ALARMS = {
  SyncJobsNotEmpty: {
    source: { kind: 'dead-letters', queue: 'SyncJobs' },
    threshold: 1,
    periodMinutes: 5,
    description: 'sync jobs were given up on: `kombo-sync dlq list` says why; fix, then `kombo-sync dlq redrive`',
  },
  FullSyncScheduleNotEmpty: {
    source: { kind: 'dead-letters', queue: 'FullSyncSchedule' },
    threshold: 1,
    periodMinutes: 5,
    description: 'the scheduler could not invoke the full-sync function: the weekly safety net did not run; redrive it',
  },
  FullSyncFailuresNotEmpty: {
    source: { kind: 'dead-letters', queue: 'FullSyncFailures' },
    threshold: 1,
    periodMinutes: 5,
    description: 'a full-sync invocation failed after its retries: `kombo-sync dlq list` shows the event; redrive it',
  },
  SweepBraked: {
    source: { kind: 'metric', metric: 'SweepBraked' },
    threshold: 1,
    periodMinutes: 60,
    description: 'a full sync would have removed more than the brake allows; an operator decides (README: Brake)',
  },
  JobsFailed: {
    source: { kind: 'metric', metric: 'JobsFailed' },
    threshold: 5,
    periodMinutes: 15,
    description:
      'sync jobs are failing (Kombo errors or DynamoDB); they are retried, then dead-lettered: `kombo-sync status`',
  },
  RecordsRejected: {
    source: { kind: 'metric', metric: 'RecordsRejected' },
    threshold: 1,
    periodMinutes: 60,
    description:
      'DynamoDB refused records as Kombo sent them; they were stored compressed, as metadata only, or skipped (log: "DynamoDB refused a record")',
  },
  WalkAbandoned: {
    source: { kind: 'metric', metric: 'WalkAbandoned' },
    threshold: 1,
    periodMinutes: 60,
    description:
      'a walk failed permanently on consecutive jobs and was given up; the delta cursor is kept (log: "walk abandoned")',
  },
  WebhookUnauthorized: {
    source: { kind: 'metric', metric: 'WebhookUnauthorized' },
    threshold: 10,
    periodMinutes: 15,
    description: 'webhooks with a missing or wrong signature (a rotated secret not stored yet?)',
  },
  IntegrationMissing: {
    source: { kind: 'metric', metric: 'IntegrationMissing' },
    threshold: 1,
    periodMinutes: 60,
    description:
      'Kombo no longer knows a registered integration; it is purged if still missing a week later (README: Lifecycle)',
  },
  EnqueueFailed: {
    source: { kind: 'metric', metric: 'EnqueueFailed' },
    threshold: 1,
    periodMinutes: 5,
    description:
      'SQS refused jobs, so webhooks answered 5xx and Kombo retries them: check the queue and its key policy',
  },
  WebhookSecretUnavailable: {
    source: { kind: 'metric', metric: 'WebhookSecretUnavailable' },
    threshold: 1,
    periodMinutes: 5,
    description: 'the webhook secret cannot be read: every webhook answers 500; check the secret value and its access',
  },
  RegistryWriteFailed: {
    source: { kind: 'metric', metric: 'RegistryWriteFailed' },
    threshold: 1,
    periodMinutes: 15,
    description:
      'the integration registry could not be written; webhooks answered 5xx and Kombo retries: check DynamoDB',
  },
  PagesThrottled: {
    source: { kind: 'metric', metric: 'PagesThrottled' },
    threshold: 20,
    periodMinutes: 15,
    description:
      'DynamoDB throttles page writes past the client retries; walks wait and continue: check table capacity',
  },
  IntegrationRegistrationsFailed: {
    source: { kind: 'metric', metric: 'IntegrationRegistrationsFailed' },
    threshold: 1,
    periodMinutes: 60,
    description: 'a bulk registration could not register integrations: its answer lists them; run it again for those',
  },
  SyncLag: {
    source: { kind: 'metric', metric: 'SyncLagSeconds' },
    threshold: 3 * 3600,
    periodMinutes: 60,
    description: 'a resource completed a walk with data older than the threshold (seconds): `kombo-sync status`',
  },
  SyncJobsQueueAge: {
    source: { kind: 'queue-age' },
    // The weekly run's jobs wait in their bulk lanes for up to its window (4 h by default) by design.
    threshold: 6 * 3600,
    periodMinutes: 15,
    description:
      'a sync job has waited longer than the threshold (seconds): the weekly run outgrew its window, or the worker is stuck',
  },
  KomboRateLimited: {
    source: { kind: 'metric', metric: 'KomboRateLimited' },
    threshold: 30,
    periodMinutes: 15,
    description:
      "Kombo answers 429 although the fleet paces itself: the key's limit is lower than komboRequestsPerMinute, or shared",
  },
  KomboBudgetUnavailable: {
    source: { kind: 'metric', metric: 'KomboBudgetUnavailable' },
    threshold: 10,
    periodMinutes: 15,
    description: "the request budget's counter in the state table failed; Kombo requests go unpaced meanwhile",
  },
  WebhookApiServerErrors: {
    source: { kind: 'api-server-errors' },
    threshold: 5,
    periodMinutes: 5,
    description: 'the webhook endpoint answers 5xx; Kombo retries, then gives up: check the webhook function logs',
  },
  WebhookFunctionErrors: {
    source: { kind: 'function-errors', function: 'webhook' },
    threshold: 1,
    periodMinutes: 5,
    description: 'the webhook function failed outright (not an answer it chose): see its logs',
  },
  WorkerFunctionErrors: {
    source: { kind: 'function-errors', function: 'worker' },
    threshold: 1,
    periodMinutes: 15,
    description: 'the worker function failed outright (crash or timeout): its batch is redelivered; see its logs',
  },
  FullSyncFunctionErrors: {
    source: { kind: 'function-errors', function: 'fullSync' },
    threshold: 1,
    periodMinutes: 60,
    description: 'the full-sync function failed: it is retried, then its event lands in FullSyncFailures',
  },
} as const satisfies Record<string, AlarmDefinition>;

export type AlarmId = keyof typeof ALARMS;
export const ALARM_IDS = Object.keys(ALARMS) as AlarmId[];
