import { describe, expect, it } from 'vitest';
import { formatNumber } from '../../../src/processor/render/plan/filter-number.ts';

describe('formatNumber', () => {
  it('writes plain decimals without float noise or exponents', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(2)).toBe('2');
    expect(formatNumber(1e-7)).toBe('0');
    expect(formatNumber(-0)).toBe('0');
    expect(formatNumber(12.3456789)).toBe('12.345679');
    expect(() => formatNumber(Number.NaN)).toThrow(RangeError);
  });
});
