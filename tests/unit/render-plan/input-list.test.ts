import { describe, expect, it } from 'vitest';
import { InputList } from '../../../src/processor/render/plan/input-list.ts';

describe('InputList', () => {
  it('numbers audio inputs from 1 in the order they are added, the same file once per add', () => {
    // Prepare
    const inputs = new InputList('/work/video.mp4');
    const music = { path: '/work/music.mp3', duration: 4 };

    // Act
    const indexes = [inputs.add(music), inputs.add({ path: '/work/fx.mp3', duration: 1 }), inputs.add(music)];

    // Assess
    expect(indexes).toEqual([1, 2, 3]);
    expect(inputs.toArray().map((input) => input.path)).toEqual([
      '/work/video.mp4',
      '/work/music.mp3',
      '/work/fx.mp3',
      '/work/music.mp3',
    ]);
  });

  it('gives WAV inputs, and only them, the small probe size', () => {
    // Prepare
    const inputs = new InputList('/work/video.mp4');

    // Act
    inputs.add({ path: '/work/speech.wav', duration: 1, formatName: 'wav' });
    inputs.add({ path: '/work/fx.mp3', duration: 1, formatName: 'mp3' });
    inputs.add({ path: '/work/unprobed.wav', duration: 1 });

    // Assess
    expect(inputs.toArray().map((input) => input.options)).toEqual([[], ['-probesize', '32'], [], []]);
  });
});
