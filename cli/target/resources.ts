import { ENV } from '../../lambdas/contracts';

/**
 * The stack's resources the CLI uses: how each is named on the command line, in the environment (the
 * functions' own variable names where a function has one) and among the stack's outputs.
 */
export const RESOURCES = {
  recordsTable: {
    flag: '--records-table',
    optionKey: 'recordsTable',
    placeholder: 'name',
    env: ENV.recordsTable,
    output: 'RecordsTableName',
    what: 'the records table',
  },
  stateTable: {
    flag: '--state-table',
    optionKey: 'stateTable',
    placeholder: 'name',
    env: ENV.stateTable,
    output: 'StateTableName',
    what: 'the state table',
  },
  syncJobsQueueUrl: {
    flag: '--queue-url',
    optionKey: 'queueUrl',
    placeholder: 'url',
    env: ENV.syncJobsQueueUrl,
    output: 'SyncJobsQueueUrl',
    what: 'the sync-jobs queue',
  },
  deadLetterQueueUrl: {
    flag: '--dead-letter-queue-url',
    optionKey: 'deadLetterQueueUrl',
    placeholder: 'url',
    env: ENV.deadLetterQueueUrl,
    output: 'SyncJobsDeadLetterQueueUrl',
    what: "the sync-jobs queue's dead-letter queue",
  },
  fullSyncFailureQueueUrl: {
    flag: '--failure-queue-url',
    optionKey: 'failureQueueUrl',
    placeholder: 'url',
    env: 'FULL_SYNC_FAILURE_QUEUE_URL',
    output: 'FullSyncFailureQueueUrl',
    what: "the full-sync function's on-failure queue",
  },
  scheduleDeadLetterQueueUrl: {
    flag: '--schedule-dead-letter-queue-url',
    optionKey: 'scheduleDeadLetterQueueUrl',
    placeholder: 'url',
    env: 'SCHEDULE_DEAD_LETTER_QUEUE_URL',
    output: 'ScheduleDeadLetterQueueUrl',
    what: "the weekly schedule's dead-letter queue",
  },
  fullSyncFunction: {
    flag: '--full-sync-function',
    optionKey: 'fullSyncFunction',
    placeholder: 'name',
    env: 'FULL_SYNC_FUNCTION_NAME',
    output: 'FullSyncFunctionName',
    what: 'the full-sync function',
  },
  apiKeySecretArn: {
    flag: '--api-key-secret-arn',
    optionKey: 'apiKeySecretArn',
    placeholder: 'arn',
    env: ENV.apiKeySecretArn,
    output: 'ApiKeySecretArn',
    what: "the Kombo API key's secret (verify reads the key from it)",
  },
} as const;
export type ResourceName = keyof typeof RESOURCES;

/** Outputs of stacks deployed before one was renamed: read when the current name is absent. */
export const EARLIER_OUTPUTS: Partial<Record<ResourceName, string>> = {
  // One secret held the webhook secret and the API key until they were split; it is the API key's now.
  apiKeySecretArn: 'SecretArn',
};
