import { describe, expect, it } from 'vitest';
import { buildDuckingExpression } from '../../../src/processor/render/plan/ducking-envelope.ts';
import { mergeDuckingRanges } from '../../../src/timeline/ducking.ts';

describe('ducking envelope', () => {
  it('merges overlapping and touching ranges with the lowest level and the longest fade', () => {
    expect(
      mergeDuckingRanges([
        { start: 5, end: 8, level: 0.5, fade: 1 },
        { start: 1, end: 3, level: 0.3, fade: 0.5 },
        { start: 3, end: 4, level: 0.2, fade: 0.2 },
        { start: 7, end: 9, level: 0.4, fade: 0.5 },
      ]),
    ).toEqual([
      { start: 1, end: 4, level: 0.2, fade: 0.5 },
      { start: 5, end: 9, level: 0.4, fade: 1 },
    ]);
  });

  it('ramps down before the range and back up after it', () => {
    expect(buildDuckingExpression([{ start: 2, end: 5, level: 0.25, fade: 0.5 }])).toBe(
      '(1-0.75*clip(min((t-1.5)/0.5,(5.5-t)/0.5),0,1))',
    );
  });

  it('writes a ramp that starts before zero without a double minus', () => {
    expect(buildDuckingExpression([{ start: 0.2, end: 1, level: 0.5, fade: 0.5 }])).toBe(
      '(1-0.5*clip(min((t+0.3)/0.5,(1.5-t)/0.5),0,1))',
    );
  });

  it('switches at once when the fade is zero, and takes the minimum over ranges', () => {
    expect(
      buildDuckingExpression([
        { start: 1, end: 2, level: 0.5, fade: 0 },
        { start: 4, end: 6, level: 0.1, fade: 0 },
      ]),
    ).toBe('min((1-0.5*between(t,1,2)),(1-0.9*between(t,4,6)))');
  });

  it('nests many ranges as a balanced tree, not a chain', () => {
    const ranges = Array.from({ length: 300 }, (_, i) => ({
      start: i * 2,
      end: i * 2 + 1,
      level: 0.5,
      fade: 0,
    }));
    const expression = buildDuckingExpression(ranges) as string;
    let depth = 0;
    let deepest = 0;
    for (const char of expression) {
      if (char === '(') deepest = Math.max(deepest, ++depth);
      if (char === ')') depth--;
    }
    expect(deepest).toBeLessThanOrEqual(12);
    expect(expression.match(/between/g)).toHaveLength(300);
  });

  it('is absent when nothing ducks', () => {
    expect(buildDuckingExpression([])).toBeUndefined();
    expect(buildDuckingExpression([{ start: 3, end: 3, level: 0.5, fade: 1 }])).toBeUndefined();
  });
});
