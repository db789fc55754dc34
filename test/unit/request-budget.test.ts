import { describe, expect, it } from 'vitest';
import type { RequestBudgetSettings } from '../../lambdas/core/kombo/budget-settings';
import { KomboClient } from '../../lambdas/core/kombo/client';
import { KomboUnavailableError } from '../../lambdas/core/kombo/errors';
import { FleetRequestBudget } from '../../lambdas/core/kombo/request-budget';
import type { RequestPriority, WindowCounter } from '../../lambdas/core/ports';
import { RecordingTelemetry } from '../support/recording-telemetry';

/** One shared counter, as the state table is for every container. */
class MemoryWindowCounter implements WindowCounter {
  readonly counts = new Map<number, number>();
  failing = false;
  async tryTake(windowStartMs: number, limit: number): Promise<boolean> {
    if (this.failing) throw new Error('ProvisionedThroughputExceededException: the counter is throttled');
    const used = this.counts.get(windowStartMs) ?? 0;
    if (used >= limit) return false;
    this.counts.set(windowStartMs, used + 1);
    return true;
  }
}

/** Budgets of several containers on one counter and one clock; sleeps move the clock. */
function fleet(settings: RequestBudgetSettings, start = 1_800_000_000_000) {
  const counter = new MemoryWindowCounter();
  const clock = { now: start };
  const telemetry = new RecordingTelemetry();
  const budget = () =>
    new FleetRequestBudget(counter, settings, {
      telemetry,
      now: () => clock.now,
      sleep: async (ms) => {
        clock.now += ms;
      },
      random: () => 0,
    });
  return { counter, clock, telemetry, budget };
}

const forever = { remainingMs: () => 3_600_000 };

describe('FleetRequestBudget', () => {
  it('paces the fleet at the budget: requests a minute stay within it, whatever number of containers ask', async () => {
    const { clock, budget } = fleet({ requestsPerMinute: 600, realtimeShare: 0.2 });
    const containers = [budget(), budget(), budget()];
    const start = clock.now;
    const grantedAt: number[] = [];
    for (let request = 0; request < 1_800; request++) {
      const container = containers[request % containers.length] as FleetRequestBudget;
      const priority: RequestPriority = request % 5 === 0 ? 'realtime' : 'bulk';
      expect((await container.take(priority, forever)).granted).toBe(true);
      grantedAt.push(clock.now);
    }
    // 1,800 requests at 600 a minute take three minutes, give or take a window.
    const elapsedMs = (grantedAt.at(-1) as number) - start;
    expect(elapsedMs).toBeGreaterThanOrEqual(179_000);
    expect(elapsedMs).toBeLessThan(181_000);
    for (let minute = 0; minute < 3; minute++) {
      const inMinute = grantedAt.filter((at) => at >= start + minute * 60_000 && at < start + (minute + 1) * 60_000);
      expect(inMinute.length).toBeLessThanOrEqual(600 + 10);
    }
  });

  it('keeps the real-time reserve from bulk requests in the first half of each window', async () => {
    // 600 a minute: 1-second windows of 10, 2 kept for real-time requests until the window's middle.
    const { clock, budget } = fleet({ requestsPerMinute: 600, realtimeShare: 0.2 });
    const bulk = budget();
    const realtime = budget();
    const windowStart = clock.now - (clock.now % 1000);
    clock.now = windowStart;
    for (let request = 0; request < 8; request++)
      expect(await bulk.take('bulk', forever)).toEqual({ granted: true, waitedMs: 0 });
    // The ninth bulk request waits for the window's middle; a delta meanwhile goes at once.
    expect(await realtime.take('realtime', forever)).toEqual({ granted: true, waitedMs: 0 });
    const ninth = await bulk.take('bulk', forever);
    expect(ninth).toEqual({ granted: true, waitedMs: 500 });
    expect(clock.now).toBe(windowStart + 500);
  });

  it('spreads a fractional budget over windows without losing the fractions', async () => {
    // 270 a minute = 4.5 a second: 3-second windows of 13 or 14.
    const { clock, counter, budget } = fleet({ requestsPerMinute: 270, realtimeShare: 0.2 }, 1_800_000_000_000);
    const one = budget();
    const start = clock.now;
    while (clock.now < start + 60_000) await one.take('realtime', forever);
    const counted = [...counter.counts.entries()].filter(([window]) => window >= start && window < start + 60_000);
    const total = counted.reduce((sum, [, used]) => sum + used, 0);
    expect(total).toBeGreaterThanOrEqual(268);
    expect(total).toBeLessThanOrEqual(272);
    expect(new Set(counted.map(([, used]) => used))).toEqual(new Set([13, 14]));
  });

  it('holds bulk requests when Kombo says its window is nearly spent, and everyone when it is spent', async () => {
    const { clock, budget } = fleet({ requestsPerMinute: 0, realtimeShare: 0.2 });
    const one = budget();
    one.observe({ limit: 300, remaining: 25, resetSeconds: 7 });
    expect(await one.take('realtime', forever)).toEqual({ granted: true, waitedMs: 0 });
    const before = clock.now;
    expect((await one.take('bulk', forever)).granted).toBe(true);
    expect(clock.now - before).toBe(7_000);
    one.observe({ limit: 300, remaining: 0, resetSeconds: 3 });
    const held = clock.now;
    expect((await one.take('realtime', forever)).granted).toBe(true);
    expect(clock.now - held).toBe(3_000);
    // Plenty left: nobody waits.
    one.observe({ limit: 300, remaining: 200, resetSeconds: 30 });
    expect(await one.take('bulk', forever)).toEqual({ granted: true, waitedMs: 0 });
  });

  it('answers "not granted" when the wait would outlast the deadline, without waiting', async () => {
    const { clock, budget } = fleet({ requestsPerMinute: 600, realtimeShare: 0.2 });
    const one = budget();
    one.observe({ limit: 300, remaining: 0, resetSeconds: 60 });
    const before = clock.now;
    expect(await one.take('realtime', { remainingMs: () => 10_000 })).toEqual({ granted: false });
    expect(clock.now).toBe(before);
  });

  it('lets the request go unpaced when the shared counter fails: logged and counted, never blocking', async () => {
    const { counter, telemetry, budget } = fleet({ requestsPerMinute: 600, realtimeShare: 0.2 });
    counter.failing = true;
    expect(await budget().take('bulk', forever)).toEqual({ granted: true, waitedMs: 0 });
    expect(telemetry.counted('KomboBudgetUnavailable')).toBe(1);
    expect(telemetry.lines.at(-1)?.message).toMatch(/goes unpaced/);
  });

  it('reports the time a request waited', async () => {
    const { clock, telemetry, budget } = fleet({ requestsPerMinute: 600, realtimeShare: 0 });
    const one = budget();
    clock.now -= clock.now % 1000;
    for (let request = 0; request < 11; request++) await one.take('bulk', forever);
    expect(telemetry.values.get('KomboBudgetWaitSeconds')).toEqual([1]);
  });
});

describe('KomboClient with a request budget', () => {
  const page = JSON.stringify({ status: 'success', data: { results: [], next: null } });
  const headers = (remaining: number) => ({
    'content-type': 'application/json',
    'ratelimit-limit': '300',
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': '12',
  });

  function clientWith(answers: Response[]) {
    const taken: RequestPriority[] = [];
    const observed: unknown[] = [];
    let grant = true;
    const client = new KomboClient({
      baseUrl: 'http://kombo.test/v1',
      apiKey: async () => 'key',
      fetch: async () => answers.shift() ?? new Response(page, { headers: headers(100) }),
      sleep: async () => undefined,
      budget: {
        take: async (priority) => {
          taken.push(priority);
          return grant ? { granted: true, waitedMs: 0 } : { granted: false };
        },
        observe: (reading) => void observed.push(reading),
      },
    });
    return {
      client,
      taken,
      observed,
      refuse: () => {
        grant = false;
      },
    };
  }

  const query = { integrationId: 'int-1', resource: 'hris/employees', includeDeleted: true };

  it('draws from the budget before every request, retries included, with the caller priority', async () => {
    const rateLimited = new Response(
      JSON.stringify({ status: 'error', error: { code: 'PLATFORM.RATE_LIMIT_EXCEEDED', message: 'slow down' } }),
      {
        status: 429,
        headers: headers(0),
      },
    );
    const { client, taken, observed } = clientWith([rateLimited]);
    await client.fetchPage(query, undefined, forever, 'realtime');
    expect(taken).toEqual(['realtime', 'realtime']);
    expect(observed).toEqual([
      { limit: 300, remaining: 0, resetSeconds: 12 },
      { limit: 300, remaining: 100, resetSeconds: 12 },
    ]);
    await client.getIntegration('int-1', forever).catch(() => undefined);
    expect(taken.at(-1)).toBe('bulk');
  });

  it('fails the request as unavailable when no share of the budget comes in time', async () => {
    const { client, refuse } = clientWith([]);
    refuse();
    await expect(client.fetchPage(query, undefined, forever)).rejects.toThrow(KomboUnavailableError);
    await expect(client.fetchPage(query, undefined, forever)).rejects.toThrow(/request budget/);
  });
});
