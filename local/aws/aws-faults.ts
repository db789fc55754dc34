import { type ErrorAnswer, errorAnswer, throughputExceeded } from './aws-error-answers';
import type { RequestSummary } from './dynamo-request-summary';

/** Which requests a fault applies to; every given field must match, an absent one matches all. */
export interface FaultMatch {
  /** The `X-Amz-Target` operation, e.g. `PutItem`. */
  readonly operation?: string;
  readonly table?: string;
  /** A `pk` string value of the request's item or key; a batch matches when any member does. */
  readonly partitionKey?: string;
}

export interface ThrottleFault extends FaultMatch {
  /** How many matching requests to answer with the fault; may be `Infinity`. */
  readonly times: number;
}

export interface FailFault extends ThrottleFault {
  /** A short error name (`AccessDeniedException`) or a full `namespace#Name`. */
  readonly errorType: string;
  /** Defaults to 400; 500 and up make the SDK treat it as a server error and retry. */
  readonly status?: number;
  readonly message?: string;
}

interface ArmedFault {
  readonly match: FaultMatch;
  remaining: number;
  readonly answer: ErrorAnswer;
}

function matches(match: FaultMatch, request: RequestSummary): boolean {
  return (
    (match.operation === undefined || match.operation === request.operation) &&
    (match.table === undefined || request.tables.includes(match.table)) &&
    (match.partitionKey === undefined || request.partitionKeys.includes(match.partitionKey))
  );
}

function checkTimes(times: number): void {
  if (!(times === Infinity || (Number.isInteger(times) && times >= 0)))
    throw new RangeError(`times must be a whole number or Infinity, not ${times}`);
}

/** Injected faults, consulted in the order they were added; the first armed match answers. */
export class FaultList {
  readonly #faults: ArmedFault[] = [];

  throttle(fault: ThrottleFault): void {
    this.#add(fault, fault.times, throughputExceeded());
  }

  fail(fault: FailFault): void {
    this.#add(
      fault,
      fault.times,
      errorAnswer(fault.errorType, fault.status ?? 400, fault.message ?? `Injected ${fault.errorType}`),
    );
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /** The answer for `request` when a fault matches it (using up one of its times), else undefined. */
  take(request: RequestSummary): ErrorAnswer | undefined {
    const fault = this.#faults.find((candidate) => candidate.remaining > 0 && matches(candidate.match, request));
    if (!fault) return undefined;
    fault.remaining -= 1;
    return fault.answer;
  }

  #add(match: FaultMatch, times: number, answer: ErrorAnswer): void {
    checkTimes(times);
    const { operation, table, partitionKey } = match;
    this.#faults.push({ match: { operation, table, partitionKey }, remaining: times, answer });
  }
}
