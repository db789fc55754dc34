import { describe, expect, it } from 'vitest';
import { runPool } from '../../lambdas/core/sync/concurrency';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runPool', () => {
  it('runs every item with at most `limit` in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    const outcome = await runPool([...Array(20).keys()], 4, async (n) => {
      most = Math.max(most, ++inFlight);
      await pause(1);
      inFlight--;
      done.push(n);
      return 'next';
    });
    expect(outcome).toEqual({ status: 'done' });
    expect(done.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
    expect(most).toBe(4);
  });

  it('after a failure starts nothing new and resolves only when every started task has settled', async () => {
    const started: number[] = [];
    let settled = 0;
    const outcome = await runPool([...Array(50).keys()], 5, async (n) => {
      started.push(n);
      try {
        await pause(n === 2 ? 1 : 10);
        if (n === 2) throw new Error('write refused');
        return 'next';
      } finally {
        settled++;
      }
    });
    expect(outcome).toMatchObject({ status: 'failed', error: new Error('write refused') });
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(settled).toBe(started.length);
  });

  it('stops the same way when a task asks to', async () => {
    const started: number[] = [];
    const outcome = await runPool([...Array(10).keys()], 2, async (n) => {
      started.push(n);
      await pause(1);
      return n === 3 ? 'stop' : 'next';
    });
    expect(outcome).toEqual({ status: 'stopped' });
    expect(started.length).toBeLessThanOrEqual(5);
  });
});
