import type { Fault } from './types';

/** What a request offers for fault matching, known before any validation. */
export interface FaultTarget {
  readonly resource: string;
  readonly integrationId: string | null;
  /** 1-based page within the walk; null when the cursor cannot be read. */
  readonly page: number | null;
  readonly hasCursor: boolean;
}

interface ArmedFault {
  readonly fault: Fault;
  remaining: number;
}

/** Injected faults, in injection order, each used up after `match.times` matching requests. */
export class FaultBook {
  private armed: ArmedFault[] = [];

  inject(fault: Fault): void {
    const times = fault.match?.times ?? 1;
    if (!(times > 0)) throw new Error(`fault match.times must be positive, got ${times}`);
    this.armed.push({ fault, remaining: times });
  }

  clear(): void {
    this.armed = [];
  }

  /**
   * The faults to apply to a request, using one of each: every matching `latency` fault in order,
   * then at most one fault that decides the answer.
   */
  take(target: FaultTarget): Fault[] {
    const taken: Fault[] = [];
    for (const armed of this.armed) {
      if (armed.remaining <= 0 || !matches(armed.fault, target)) continue;
      armed.remaining--;
      taken.push(armed.fault);
      if (armed.fault.kind !== 'latency') break;
    }
    this.armed = this.armed.filter((armed) => armed.remaining > 0);
    return taken;
  }
}

function matches(fault: Fault, target: FaultTarget): boolean {
  if (fault.kind === 'reject-cursor' && !target.hasCursor) return false;
  const match = fault.match;
  if (!match) return true;
  if (match.resource !== undefined && match.resource !== target.resource) return false;
  if (match.integrationId !== undefined && match.integrationId !== target.integrationId) return false;
  if (match.page !== undefined && match.page !== target.page) return false;
  return true;
}
