import { describe, expect, it } from 'vitest';
import { InputList } from '../../../src/processor/render/plan/input-list.ts';
import { buildMusicBed } from '../../../src/processor/render/plan/music-bed.ts';
import { NORM, planInput, spec } from './plan-fixtures.ts';

const audioAssets = new Map([
  ['a', { path: '/work/asset-1.wav', duration: 6, demuxer: 'wav' }],
  ['b', { path: '/work/asset-2.wav', duration: 4, demuxer: 'wav' }],
]);

describe('buildMusicBed', () => {
  it('passes a single play through at the music volume when nothing ducks', () => {
    // Prepare
    const input = planInput(
      spec({ backgroundMusic: { playlist: ['a'], volume: 0.3, crossfadeDuration: 2, loop: false } }),
      audioAssets,
    );

    // Act
    const bed = buildMusicBed(input, 10, new InputList('/work/video.mp4', 'mov'));

    // Assess
    expect(bed).toEqual({
      chains: [
        `[1:a]${NORM},atrim=end=6,adelay=delays=0S:all=1[m0]`,
        "[m0]anull,volume='0.3':eval=frame[music]",
      ],
      outputs: ['[music]'],
    });
  });

  it('gives every play of a looped track its own input', () => {
    // Prepare
    const inputs = new InputList('/work/video.mp4', 'mov');
    const input = planInput(
      spec({ backgroundMusic: { playlist: ['b'], volume: 0.3, crossfadeDuration: 0, loop: true } }),
      audioAssets,
    );

    // Act
    const bed = buildMusicBed(input, 10, inputs);

    // Assess
    expect(inputs.toArray().map((i) => i.path)).toEqual([
      '/work/video.mp4',
      '/work/asset-2.wav',
      '/work/asset-2.wav',
      '/work/asset-2.wav',
    ]);
    expect(bed.chains[2]).toBe(`[3:a]${NORM},atrim=end=2,adelay=delays=384000S:all=1[m2]`);
  });

  it('adds no input and no chain when the music volume is 0', () => {
    // Prepare
    const inputs = new InputList('/work/video.mp4', 'mov');
    const input = planInput(spec({ backgroundMusic: { playlist: ['a'], volume: 0 } }), audioAssets);

    // Act
    const bed = buildMusicBed(input, 10, inputs);

    // Assess
    expect(bed).toEqual({ chains: [], outputs: [] });
    expect(inputs.toArray()).toHaveLength(1);
  });
});
