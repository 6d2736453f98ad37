import { describe, expect, it } from 'vitest';
import { buildFinalMix } from '../../../src/processor/render/plan/final-mix.ts';

describe('buildFinalMix', () => {
  it('limits a single stream without amix and fits it to the duration', () => {
    // Act
    const chain = buildFinalMix(['[music]'], 12.5);

    // Assess
    expect(chain).toBe(
      '[music]anull,alimiter=limit=0.977:level=0:latency=1,apad=whole_dur=12.5,atrim=end=12.5,asetpts=N/SR/TB[aout]',
    );
  });
});
