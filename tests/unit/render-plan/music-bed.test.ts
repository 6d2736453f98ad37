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

  it('starts the first play startAt seconds in, and fades the bed in and out at the video ends', () => {
    // Prepare
    const input = planInput(
      spec({
        backgroundMusic: {
          playlist: ['a'],
          volume: 0.3,
          crossfadeDuration: 1,
          startAt: 1.5,
          fadeIn: 2,
          fadeOut: 3,
        },
      }),
      audioAssets,
    );

    // Act
    const bed = buildMusicBed(input, 8, new InputList('/work/video.mp4', 'mov'));

    // Assess: the first play is 4.5 s of a 6 s track, the loop then plays it from its start.
    expect(bed.chains).toEqual([
      `[1:a]${NORM},atrim=start=1.5:end=6,asetpts=PTS-STARTPTS,afade=t=out:st=3.5:d=1,adelay=delays=0S:all=1[m0]`,
      `[2:a]${NORM},atrim=end=4.5,afade=t=in:st=0:d=1,adelay=delays=168000S:all=1[m1]`,
      "[m0][m1]amix=inputs=2:normalize=0:duration=longest:dropout_transition=0,volume='0.3':eval=frame,afade=t=in:st=0:d=2,afade=t=out:st=5:d=3[music]",
    ]);
  });

  it('compresses the bed under the source audio key, with the documented defaults or the spec values', () => {
    const bedUnder = (duckUnderSource: unknown) =>
      buildMusicBed(
        planInput(
          spec({
            assets: {
              video: { id: 'v', source: '/media/v.mp4', audio: { keep: true } },
              audio: [{ id: 'a', source: '/media/a.wav' }],
            },
            backgroundMusic: { playlist: ['a'], volume: 0.3, loop: false, duckUnderSource } as never,
          }),
          audioAssets,
        ),
        10,
        new InputList('/work/video.mp4', 'mov'),
        '[sourcekey]',
      ).chains.slice(1);

    expect(bedUnder(true)).toEqual([
      "[m0]anull,volume='0.3':eval=frame[bed]",
      '[bed][sourcekey]sidechaincompress=threshold=0.01:ratio=8:attack=20:release=400:makeup=1[music]',
    ]);
    expect(bedUnder({ threshold: -20, ratio: 3 })[1]).toBe(
      '[bed][sourcekey]sidechaincompress=threshold=0.1:ratio=3:attack=20:release=400:makeup=1[music]',
    );
  });

  it('writes no fade that would round to 0 s (afade would read it as 44100 samples)', () => {
    const input = planInput(
      spec({ backgroundMusic: { playlist: ['a'], loop: false, fadeIn: 1e-7, fadeOut: 0.0000004 } }),
      audioAssets,
    );
    const bed = buildMusicBed(input, 10, new InputList('/work/video.mp4', 'mov'));
    expect(bed.chains.join(';')).not.toContain('afade');
  });
});
