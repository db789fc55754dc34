/**
 * What local runs call the stack's tables and sync-jobs queue (`npm start`, `npm run local:aws`, the tests),
 * where CloudFormation would generate the names.
 */
export const RECORDS_TABLE = 'kombo-sync-records';
export const STATE_TABLE = 'kombo-sync-state';
/** The FIFO queue becomes `sync-jobs.fifo`, its dead-letter queue `sync-jobs-dlq.fifo`. */
export const SYNC_JOBS_QUEUE = 'sync-jobs';
