import { sleep } from '../backoff';
import { errorMessage } from '../describe';
import type {
  BudgetGrant,
  Deadline,
  RateLimitReading,
  RequestBudget,
  RequestPriority,
  Telemetry,
  WindowCounter,
} from '../ports';
import type { RequestBudgetSettings } from './budget-settings';

/** Budget windows hold at least this many requests, so the real-time reserve is a whole request or more. */
const MIN_REQUESTS_PER_WINDOW = 10;
/** A window's count is kept this long, then DynamoDB's TTL removes it. */
const WINDOW_TTL_SECONDS = 3600;

interface BudgetDependencies {
  readonly telemetry: Telemetry;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/**
 * The fleet's pace: time is cut into windows of equal length, each with its share of the per-minute
 * budget (fractions carried, so the average is exact), counted in the shared WindowCounter. Bulk
 * requests leave the real-time reserve alone during a window's first half; what the reserve did not
 * need by then is theirs. Kombo's headers still count: when its window is nearly spent (someone
 * else uses the key too), bulk requests wait for its reset; when it is spent, everyone does.
 * A counter that fails does not stop syncing: the request goes unpaced, logged and counted.
 */
export class FleetRequestBudget implements RequestBudget {
  private readonly windowMs: number;
  private readonly perWindow: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** Until when Kombo's headers say to hold back, per priority (epoch ms). */
  private readonly heldUntil: Record<RequestPriority, number> = { realtime: 0, bulk: 0 };

  constructor(
    private readonly counter: WindowCounter | undefined,
    private readonly settings: RequestBudgetSettings,
    private readonly deps: BudgetDependencies,
  ) {
    const perSecond = settings.requestsPerMinute / 60;
    this.windowMs = perSecond > 0 ? Math.max(1000, Math.ceil(MIN_REQUESTS_PER_WINDOW / perSecond) * 1000) : 1000;
    this.perWindow = (perSecond * this.windowMs) / 1000;
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? sleep;
    this.random = deps.random ?? Math.random;
  }

  async take(priority: RequestPriority, deadline: Deadline): Promise<BudgetGrant> {
    let waitedMs = 0;
    for (;;) {
      const now = this.now();
      const retryAt = this.heldUntil[priority] > now ? this.heldUntil[priority] : await this.tryWindow(priority, now);
      if (retryAt === undefined) {
        if (waitedMs > 0) this.deps.telemetry.seconds('KomboBudgetWaitSeconds', waitedMs / 1000);
        return { granted: true, waitedMs };
      }
      // Jitter, so the containers that waited for one moment do not all ask at once.
      const waitMs = Math.max(0, retryAt - now) + Math.floor(this.random() * Math.min(100, this.windowMs / 10));
      if (waitMs > deadline.remainingMs()) return { granted: false };
      await this.sleep(waitMs);
      waitedMs += waitMs;
    }
  }

  observe(reading: RateLimitReading): void {
    const resetAt = this.now() + reading.resetSeconds * 1000;
    if (reading.remaining <= 0) {
      this.heldUntil.realtime = Math.max(this.heldUntil.realtime, resetAt);
      this.heldUntil.bulk = Math.max(this.heldUntil.bulk, resetAt);
    } else if (reading.remaining <= Math.ceil((reading.limit * this.settings.realtimeShare) / 2)) {
      this.heldUntil.bulk = Math.max(this.heldUntil.bulk, resetAt);
    }
  }

  /** Counts the request in the current window: undefined when it may go, else when to try again. */
  private async tryWindow(priority: RequestPriority, now: number): Promise<number | undefined> {
    if (!this.counter || this.settings.requestsPerMinute <= 0) return undefined;
    const index = Math.floor(now / this.windowMs);
    const start = index * this.windowMs;
    const middle = start + this.windowMs / 2;
    const capacity = Math.floor((index + 1) * this.perWindow) - Math.floor(index * this.perWindow);
    const reserved = Math.ceil(capacity * this.settings.realtimeShare);
    const holdingReserve = priority === 'bulk' && now < middle;
    const limit = holdingReserve ? capacity - reserved : capacity;
    if (limit > 0) {
      try {
        if (await this.counter.tryTake(start, limit, Math.floor(start / 1000) + WINDOW_TTL_SECONDS)) return undefined;
      } catch (error) {
        this.deps.telemetry.warn('the shared request budget could not be read; the Kombo request goes unpaced', {
          reason: errorMessage(error),
        });
        this.deps.telemetry.count('KomboBudgetUnavailable');
        return undefined;
      }
    }
    return holdingReserve && reserved > 0 ? middle : start + this.windowMs;
  }
}
