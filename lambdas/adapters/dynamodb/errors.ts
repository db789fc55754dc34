/** DynamoDB's answer to a write whose condition did not hold. */
export function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** DynamoDB refused the request's content (an item it cannot store, an invalid name or value). */
export function isValidationError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ValidationException';
}

/**
 * DynamoDB's throttles, still there after the client's own retries: a partition's write rate, the
 * table's (on-demand tables throttle too while they scale), or the account's request rate.
 */
const THROTTLES = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
export function isThrottled(error: unknown): boolean {
  return error instanceof Error && THROTTLES.has(error.name);
}
