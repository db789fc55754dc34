import {
  KomboBudgetWaitError,
  KomboError,
  KomboIntegrationUnavailableError,
  KomboPaginationError,
  KomboPermanentError,
  KomboResourceUnavailableError,
  KomboSetupPendingError,
} from '../kombo/errors';

/** What a walk does about the failure that stopped it. */
export type FailureDecision =
  /** Kombo cannot serve the integration now: skip its jobs for a while. */
  | { readonly action: 'block-integration' }
  /** Nothing to fetch for now; Kombo says when there is (data-changed) or the resource is not offered. */
  | { readonly action: 'skip'; readonly reason: 'integration-setup-pending' | 'resource-unavailable' }
  /** Transient, and the walk has moved on in this invocation: carry on from the checkpoint at once. */
  | { readonly action: 'continue-later' }
  /** Transient, and nothing done yet: fail the job, so the queue delivers it again after a pause. */
  | { readonly action: 'retry' }
  /** Retrying the same request will not help: counts towards abandoning the walk. */
  | { readonly action: 'permanent' };

/**
 * The failure table, in one place. Kombo's errors are classified by code before status (see
 * `kombo/errors.ts`); anything else (DynamoDB, SQS, the network) is treated as transient.
 */
export function decideFailure(error: unknown, pagesThisInvocation: number): FailureDecision {
  if (error instanceof KomboIntegrationUnavailableError) return { action: 'block-integration' };
  if (error instanceof KomboSetupPendingError) return { action: 'skip', reason: 'integration-setup-pending' };
  if (error instanceof KomboResourceUnavailableError) return { action: 'skip', reason: 'resource-unavailable' };
  if (error instanceof KomboPermanentError || error instanceof KomboPaginationError) return { action: 'permanent' };
  // Waiting for the fleet's budget is the budget working, not a failure: the job waits its turn in the queue.
  if (error instanceof KomboBudgetWaitError) return { action: 'continue-later' };
  return pagesThisInvocation > 0 ? { action: 'continue-later' } : { action: 'retry' };
}

/** The parts of a failure that are safe to log and store: Kombo's code and status, the message. */
export function describeFailure(error: unknown): {
  readonly code: string | null;
  readonly status: number | null;
  readonly message: string;
} {
  if (error instanceof KomboError) return { code: error.code, status: error.status, message: error.message };
  if (error instanceof Error) return { code: error.name, status: null, message: `${error.name}: ${error.message}` };
  return { code: null, status: null, message: String(error) };
}
