import { describe, expect, it } from 'vitest';
import { InputList } from '../../../src/processor/render/plan/input-list.ts';

describe('InputList', () => {
  it('numbers audio inputs from 1 in the order they are added, the same file once per add', () => {
    // Prepare
    const inputs = new InputList('/work/video.mp4', 'mov');
    const music = { path: '/work/music.mp3', duration: 4, demuxer: 'mp3' };

    // Act
    const indexes = [
      inputs.add(music),
      inputs.add({ path: '/work/fx.mp3', duration: 1, demuxer: 'mp3' }),
      inputs.add(music),
    ];

    // Assess
    expect(indexes).toEqual([1, 2, 3]);
    expect(inputs.toArray().map((input) => input.path)).toEqual([
      '/work/video.mp4',
      '/work/music.mp3',
      '/work/fx.mp3',
      '/work/music.mp3',
    ]);
  });

  it('opens every input with its probed demuxer forced and as a local file only', () => {
    // Prepare
    const inputs = new InputList('/work/video.mkv', 'matroska');

    // Act
    inputs.add({ path: '/work/speech.wav', duration: 1, demuxer: 'wav' });
    inputs.add({ path: '/work/fx.mp3', duration: 1, demuxer: 'mp3' });

    // Assess: WAV, and only WAV, skips ffmpeg's stream probing (its header says everything).
    expect(inputs.toArray().map((input) => input.options)).toEqual([
      ['-f', 'matroska', '-protocol_whitelist', 'file'],
      ['-f', 'wav', '-protocol_whitelist', 'file', '-probesize', '32'],
      ['-f', 'mp3', '-protocol_whitelist', 'file'],
    ]);
  });
});
