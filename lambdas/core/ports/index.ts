/**
 * Every port of the domain, in one place: what `core` needs from the outside world. The adapters
 * (DynamoDB, SQS, Secrets Manager, Powertools) live in `lambdas/adapters/`; tests have fakes.
 */
export type * from './kombo';
export { EnqueueError, type DeadLetter, type JobQueue, type QueueMessage } from './queue';
export {
  ACTIVE_STATE,
  DELETED_STATE,
  type IntegrationBlock,
  type IntegrationRegistry,
  type IntegrationState,
  type IntegrationStatus,
  type PurgeProgress,
  type RegisteredIntegration,
} from './integrations';
export type * from './secrets';
export type * from './sync';
export type * from './telemetry';
