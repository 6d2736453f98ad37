import { describe, expect, it } from 'vitest';
import { MediaLimitError } from '../../../src/processor/errors.ts';
import { buildOutputArgs, copiesVideo } from '../../../src/processor/render/plan/output-args.ts';
import { H264, H264_MP4, spec } from './plan-fixtures.ts';

const withEncoding = (encoding: Record<string, unknown>) =>
  spec({ output: { filename: 'out.mp4', encoding } });
const NTSC = { ...H264_MP4, video: { ...H264, frameRate: 30000 / 1001 } };
const VP9_MKV = { ...H264_MP4, formatName: 'matroska,webm', video: { ...H264, codec: 'vp9' } };

describe('copiesVideo: the copy rule, case by case', () => {
  it.each([
    ['no encoding block', spec(), H264_MP4, true],
    ['a preset alone', withEncoding({ preset: 'ultrafast' }), H264_MP4, true],
    ['the source fps', withEncoding({ preset: 'ultrafast', fps: 30 }), H264_MP4, true],
    ['29.97 for a 30000/1001 source', withEncoding({ fps: 29.97 }), NTSC, true],
    ['an audio bitrate', withEncoding({ audio_bitrate: '128k' }), H264_MP4, true],
    ['video "copy" on a copyable source', withEncoding({ video: 'copy' }), H264_MP4, true],
    ['another fps', withEncoding({ fps: 24 }), H264_MP4, false],
    ['a bitrate', withEncoding({ bitrate: '2500k' }), H264_MP4, false],
    ['a crf', withEncoding({ crf: 18 }), H264_MP4, false],
    ['video "encode"', withEncoding({ video: 'encode' }), H264_MP4, false],
    ['a VP9 source', spec(), { ...H264_MP4, video: { ...H264, codec: 'vp9' } }, false],
    ['a 4:4:4 source', spec(), { ...H264_MP4, video: { ...H264, pixelFormat: 'yuv444p' } }, false],
    ['a Matroska source', spec(), { ...H264_MP4, formatName: 'matroska,webm' }, false],
  ])('%s → copy: %s', (_, jobSpec, probe, copy) => {
    expect(copiesVideo(jobSpec, probe)).toBe(copy);
  });

  it.each([
    [
      'a VP9 source in Matroska',
      withEncoding({ video: 'copy' }),
      VP9_MKV,
      'output.encoding.video is "copy", but the video cannot be copied: its codec is vp9, not H.264',
    ],
    [
      'another fps',
      withEncoding({ video: 'copy', fps: 24 }),
      H264_MP4,
      `output.encoding.video is "copy", but the video cannot be copied: fps 24 differs from the source's 30`,
    ],
  ])(
    'fails a job whose video "copy" meets %s, as a permanent media failure',
    (_, jobSpec, probe, message) => {
      const run = () => copiesVideo(jobSpec, probe);
      expect(run).toThrow(MediaLimitError);
      expect(run).toThrow(message);
    },
  );
});

describe('buildOutputArgs', () => {
  it('re-encodes with x264 defaults and the source frame rate when the spec sets no encoding', () => {
    // Act
    const args = buildOutputArgs({
      encoding: undefined,
      copiesVideo: false,
      duration: 12.5,
      outputPath: '/out/o.mp4',
    });

    // Assess
    expect(args).toEqual([
      '-map',
      '0:v:0',
      '-map',
      '[aout]',
      '-c:v',
      'libx264',
      '-preset',
      'medium',
      '-crf',
      '23',
      '-fps_mode:v',
      'passthrough',
      '-pix_fmt',
      'yuv420p',
      '-t',
      '12.5',
      '-c:a',
      'aac',
      '-aac_coder',
      'fast',
      '-b:a',
      '192k',
      '-ar',
      '48000',
      '-ac',
      '2',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      '-y',
      '/out/o.mp4',
    ]);
  });
});

describe('the quality of a re-encode', () => {
  /** Each source frame once, at its own time: nothing repeated, nothing dropped. */
  const EVERY_FRAME = ['-fps_mode:v', 'passthrough'];

  const videoArgs = (encoding: Record<string, unknown> | undefined) => {
    const args = buildOutputArgs({
      encoding: encoding && withEncoding(encoding).output.encoding,
      copiesVideo: false,
      duration: 10,
      outputPath: '/out/o.mp4',
    });
    return args.slice(args.indexOf('-c:v'), args.indexOf('-pix_fmt'));
  };

  it.each([
    ['no encoding', undefined, ['-c:v', 'libx264', '-preset', 'medium', '-crf', '23', ...EVERY_FRAME]],
    [
      'a preset',
      { preset: 'ultrafast' },
      ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', ...EVERY_FRAME],
    ],
    [
      'a crf',
      { crf: 18, video: 'encode' },
      ['-c:v', 'libx264', '-preset', 'medium', '-crf', '18', ...EVERY_FRAME],
    ],
    [
      'a bitrate',
      { bitrate: '2500k' },
      ['-c:v', 'libx264', '-preset', 'medium', '-b:v', '2500k', ...EVERY_FRAME],
    ],
    [
      'a bitrate and fps',
      { bitrate: '2500k', fps: 24 },
      ['-c:v', 'libx264', '-preset', 'medium', '-b:v', '2500k', '-r', '24', '-fps_mode:v', 'cfr'],
    ],
  ])('with %s: %j', (_, encoding, expected) => {
    expect(videoArgs(encoding)).toEqual(expected);
  });
});
