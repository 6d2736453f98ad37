import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../../src/processor/map-with-concurrency.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapWithConcurrency', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapWithConcurrency([30, 10, 20, 5, 15], 2, async (ms, index) => {
      running += 1;
      most = Math.max(most, running);
      await tick(ms);
      running -= 1;
      return `${index}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:10', '2:20', '3:5', '4:15']);
    expect(most).toBe(2);
  });

  it('starts nothing after a failure and settles only once the running calls have ended', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const outcome = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      if (item === 0) throw new Error('item 0 is bad');
      await tick(40);
      ended.push(item);
      return item;
    });
    await expect(outcome).rejects.toThrow('item 0 is bad');
    // Item 1 was running when item 0 failed: it ran to its end before the rejection came.
    expect(started).toEqual([0, 1]);
    expect(ended).toEqual([1]);
  });
});
