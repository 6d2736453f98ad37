import { describe, expect, it } from 'vitest';
import { createUsagePlan } from '../../../src/local/dev-server/usage-plan.ts';

function plan(rate: number, burst: number, quota: number) {
  let now = Date.parse('2026-11-21T10:00:00Z');
  const usage = createUsagePlan({ rate, burst, quota }, () => now);
  return { usage, advance: (ms: number) => (now += ms) };
}

describe('usage plan', () => {
  it('lets a burst through, then throttles until tokens refill at the rate', () => {
    const { usage, advance } = plan(2, 5, 1000);
    expect(Array.from({ length: 6 }, () => usage.admit())).toEqual([
      'allowed',
      'allowed',
      'allowed',
      'allowed',
      'allowed',
      'throttled',
    ]);
    advance(499);
    expect(usage.admit()).toBe('throttled');
    advance(1);
    expect(usage.admit()).toBe('allowed');
  });

  it('never admits more than burst + rate x seconds in a window', () => {
    const { usage, advance } = plan(2, 5, 100_000);
    let admitted = 0;
    for (let ms = 0; ms < 10_000; ms += 10) {
      if (usage.admit() === 'allowed') admitted++;
      advance(10);
    }
    expect(admitted).toBeLessThanOrEqual(5 + 2 * 10);
    expect(admitted).toBeGreaterThanOrEqual(5 + 2 * 10 - 1);
  });

  it('spends the daily quota, then answers quota-exceeded until the next UTC day', () => {
    const { usage, advance } = plan(100, 100, 3);
    expect([usage.admit(), usage.admit(), usage.admit(), usage.admit()]).toEqual([
      'allowed',
      'allowed',
      'allowed',
      'quota-exceeded',
    ]);
    advance(14 * 3600 * 1000);
    expect(usage.admit()).toBe('allowed');
  });
});
