import { describe, expect, it } from 'vitest';
import { buildSourceAudio } from '../../../src/processor/render/plan/source-audio.ts';
import { H264_MP4, NORM, planInput, spec } from './plan-fixtures.ts';

const speech = new Map([[0, { path: '/work/speech.wav', duration: 2, demuxer: 'wav' }]]);
const ALIGNED = `atrim=end=10,aresample=first_pts=0,${NORM},apad=whole_dur=10,atrim=end=10,asetpts=N/SR/TB`;

function sourceWith(audio: unknown, extra: Record<string, unknown> = {}) {
  return planInput(
    spec({
      assets: {
        video: { id: 'v', source: '/media/v.mp4', audio } as never,
        audio: [{ id: 'a', source: '/a.wav' }],
      },
      timeline: [{ start: 3, type: 'tts', data: { text: 'Hi', duckingLevel: 0.5, duckingFadeDuration: 0 } }],
      ...extra,
    }),
    new Map([['a', { path: '/work/a.wav', duration: 6, demuxer: 'wav' }]]),
    speech,
  );
}

describe('buildSourceAudio', () => {
  it('splits off no key when no music plays to duck', () => {
    const input = sourceWith(
      { keep: true },
      { backgroundMusic: { playlist: ['a'], volume: 0, duckUnderSource: true } },
    );
    expect(buildSourceAudio(input, 10).key).toBeUndefined();
  });

  it('leaves the source audio out unless it is kept, and when the video has none', () => {
    expect(buildSourceAudio(sourceWith(undefined), 10)).toEqual({ chains: [], outputs: [] });
    expect(buildSourceAudio(sourceWith({ keep: false }), 10)).toEqual({ chains: [], outputs: [] });
    const mute = {
      ...sourceWith({ keep: true }),
      video: { path: '/v.mp4', probe: { ...H264_MP4, hasAudio: false } },
    };
    expect(buildSourceAudio(mute, 10)).toEqual({ chains: [], outputs: [] });
  });

  it('aligns the first audio stream to the picture and the duration, at its volume', () => {
    expect(buildSourceAudio(sourceWith({ keep: true, volume: 0.8 }), 10)).toEqual({
      chains: [`[0:a:0]${ALIGNED},volume='0.8':eval=frame[source]`],
      outputs: ['[source]'],
    });
  });

  it('ducks it to its own level under the clips that duck, with their fades', () => {
    expect(buildSourceAudio(sourceWith({ keep: true, duckingLevel: 0.2 }), 10).chains).toEqual([
      `[0:a:0]${ALIGNED},volume='1*(1-0.8*between(t,3,5))':eval=frame[source]`,
    ]);
  });

  it('splits off a key at its own level when the music ducks under it', () => {
    const input = sourceWith(
      { keep: true, volume: 0.5 },
      { backgroundMusic: { playlist: ['a'], duckUnderSource: true } },
    );
    expect(buildSourceAudio(input, 10)).toEqual({
      chains: [
        `[0:a:0]${ALIGNED},asplit=2[sourcein][sourcekey]`,
        "[sourcein]volume='0.5':eval=frame[source]",
      ],
      outputs: ['[source]'],
      key: '[sourcekey]',
    });
  });
});
