import { describe, expect, it } from 'vitest';
import { buildOutputArgs, canCopyVideo } from '../../../src/processor/render/plan/output-args.ts';
import { H264, H264_MP4, spec } from './plan-fixtures.ts';

describe('canCopyVideo', () => {
  it('copies H.264 yuv420p in MP4 when no encoding is asked for', () => {
    expect(canCopyVideo(spec(), H264_MP4)).toBe(true);
  });

  it.each([
    ['an encoding is given', spec({ output: { filename: 'out.mp4', encoding: { fps: 24 } } }), H264_MP4],
    ['the codec is not H.264', spec(), { ...H264_MP4, video: { ...H264, codec: 'vp9' } }],
    ['the pixel format is 4:4:4', spec(), { ...H264_MP4, video: { ...H264, pixelFormat: 'yuv444p' } }],
    ['the container is Matroska', spec(), { ...H264_MP4, formatName: 'matroska,webm' }],
  ])('re-encodes when %s', (_, jobSpec, probe) => {
    expect(canCopyVideo(jobSpec, probe)).toBe(false);
  });
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
      '20',
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
