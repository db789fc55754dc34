import { describe, expect, it } from 'vitest';
import { spreadSlot } from '../../lambdas/core/plan/spread-slot';

describe('spreadSlot', () => {
  it('gives an integration the same slot every time, within range', () => {
    expect(spreadSlot('personio:abc', 16)).toBe(spreadSlot('personio:abc', 16));
    // sha256('personio:abc') starts e3fffa45: 0xe3fffa45 mod 16 = 5. Pinned, so a change that would move every
    // integration to another slot shows here.
    expect(spreadSlot('personio:abc', 16)).toBe(5);
    expect(spreadSlot('personio:abc', 1)).toBe(0);
  });

  it('spreads 2,000 ids evenly over 16 slots: each within ±40 % of the mean', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 2000; i++) {
      const slot = spreadSlot(`personio:integration-${i}`, 16);
      counts[slot] = (counts[slot] ?? 0) + 1;
    }
    const mean = 2000 / 16;
    for (const count of counts) {
      expect(count).toBeGreaterThanOrEqual(mean * 0.6);
      expect(count).toBeLessThanOrEqual(mean * 1.4);
    }
  });
});
