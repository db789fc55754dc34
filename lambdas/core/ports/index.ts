/**
 * Every port of the domain, in one place: what `core` needs from the outside world. The adapters
 * (DynamoDB, SQS, Secrets Manager, Powertools) live in `lambdas/adapters/`; tests have fakes.
 */

export type * from './budget';
export {
  ACTIVE_STATE,
  DELETED_STATE,
  type IntegrationBlock,
  type IntegrationRegistry,
  type IntegrationState,
  type IntegrationStatus,
  type PurgeProgress,
  type RegisteredIntegration,
  type RegisterResult,
} from './integrations';
export type * from './kombo';
export { type DeadLetter, EnqueueError, type JobQueue, type QueueMessage } from './queue';
export type * from './secrets';
export type * from './sync';
export type * from './telemetry';
