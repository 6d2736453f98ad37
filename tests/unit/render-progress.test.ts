import { describe, expect, it } from 'vitest';
import { createProgressParser } from '../../src/processor/render/progress.ts';

describe('progress parser', () => {
  it('turns out_time_us into a rising percent and reaches 100 only at the end', () => {
    const seen: number[] = [];
    const feed = createProgressParser(20, (p) => seen.push(p));
    for (const line of [
      'out_time_us=5000000',
      'progress=continue',
      'out_time_us=4000000',
      'out_time_us=N/A',
      'out_time_us=20000000',
      'progress=end',
    ]) {
      feed(line);
    }
    expect(seen).toEqual([25, 99, 100]);
  });
});
