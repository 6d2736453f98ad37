import { type JobSpecInput, parseJobSpec } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import { buildDuckingExpression, mergeDuckingRanges } from '../../src/processor/render/ducking-envelope.ts';
import { formatNumber } from '../../src/processor/render/filter-number.ts';
import { buildFfmpegArgs, buildRenderPlan, canCopyVideo } from '../../src/processor/render/plan.ts';
import { PlaylistTooShortError, schedulePlaylist } from '../../src/processor/render/playlist.ts';
import type { MediaProbe } from '../../src/processor/render/probe.ts';
import { createProgressParser } from '../../src/processor/render/progress.ts';

const H264 = { codec: 'h264', pixelFormat: 'yuv420p', width: 1920, height: 1080, frameRate: 30 };
const H264_MP4: MediaProbe = {
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  duration: 10,
  video: H264,
  hasAudio: true,
};

function spec(
  overrides: Omit<Partial<JobSpecInput>, 'output'> & { output?: Partial<JobSpecInput['output']> } = {},
) {
  return parseJobSpec({
    assets: {
      video: { id: 'v', source: '/media/v.mp4' },
      audio: [
        { id: 'a', source: '/media/a.wav' },
        { id: 'b', source: '/media/b.wav' },
      ],
    },
    timeline: [],
    ...overrides,
    output: { filename: 'out.mp4', ...overrides.output },
  });
}

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

describe('playlist schedule', () => {
  it('overlaps tracks by the crossfade and loops until the end', () => {
    expect(schedulePlaylist({ trackDurations: [6, 4], loop: true, crossfade: 1, until: 14 })).toEqual([
      { playlistIndex: 0, start: 0, length: 6, fadeIn: 0, fadeOut: 1 },
      { playlistIndex: 1, start: 5, length: 4, fadeIn: 1, fadeOut: 1 },
      { playlistIndex: 0, start: 8, length: 6, fadeIn: 1, fadeOut: 1 },
      { playlistIndex: 1, start: 13, length: 1, fadeIn: 1, fadeOut: 0 },
    ]);
  });

  it('stops after the last track without loop, leaving silence', () => {
    expect(schedulePlaylist({ trackDurations: [3, 3], loop: false, crossfade: 1, until: 20 })).toEqual([
      { playlistIndex: 0, start: 0, length: 3, fadeIn: 0, fadeOut: 1 },
      { playlistIndex: 1, start: 2, length: 3, fadeIn: 1, fadeOut: 0 },
    ]);
  });

  it('caps the crossfade at half a track', () => {
    const [first] = schedulePlaylist({ trackDurations: [2], loop: true, crossfade: 5, until: 3 });
    expect(first).toEqual({ playlistIndex: 0, start: 0, length: 2, fadeIn: 0, fadeOut: 1 });
  });

  it('refuses a playlist that would repeat hundreds of times', () => {
    expect(() => schedulePlaylist({ trackDurations: [0.5], loop: true, crossfade: 0, until: 3600 })).toThrow(
      new PlaylistTooShortError('The playlist would have to repeat more than 400 times to fill the video'),
    );
  });
});

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

describe('buildRenderPlan', () => {
  const audioAssets = new Map([
    ['a', { path: '/work/asset-1.wav', duration: 6 }],
    ['b', { path: '/work/asset-2.wav', duration: 4 }],
  ]);

  it('builds the whole filtergraph from numbers and input indexes', () => {
    const plan = buildRenderPlan({
      spec: spec({
        backgroundMusic: { playlist: ['a', 'b'], volume: 0.5, crossfadeDuration: 1, loop: false },
        timeline: [
          { start: 2, type: 'tts', data: { text: 'Hi', duckingLevel: 0.25, duckingFadeDuration: 0.5 } },
          { start: 8, type: 'audio', data: { assetId: 'b', volume: 0.8 } },
        ],
      }),
      video: { path: '/work/video.mp4', probe: H264_MP4 },
      audioAssets,
      speech: new Map([[0, { path: '/work/speech.wav', duration: 1.5 }]]),
      outputPath: '/out/.x.partial',
    });
    expect(plan.inputs.map((i) => i.path)).toEqual([
      '/work/video.mp4',
      '/work/asset-1.wav',
      '/work/asset-2.wav',
      '/work/speech.wav',
      '/work/asset-2.wav',
    ]);
    const norm = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';
    expect(plan.filterGraph.split(';\n')).toEqual([
      `[1:a]${norm},atrim=end=6,afade=t=out:st=5:d=1,adelay=delays=0S:all=1[m0]`,
      `[2:a]${norm},atrim=end=4,afade=t=in:st=0:d=1,adelay=delays=240000S:all=1[m1]`,
      `[m0][m1]amix=inputs=2:normalize=0:duration=longest:dropout_transition=0,volume='0.5*(1-0.75*clip(min((t-1.5)/0.5,(4-t)/0.5),0,1))':eval=frame[music]`,
      `[3:a]${norm},atrim=end_sample=72000,apad=whole_len=72000,volume=1,adelay=delays=96000S:all=1[e0]`,
      `[4:a]${norm},atrim=end_sample=96000,apad=whole_len=96000,volume=0.8,adelay=delays=216000S:all=1[e1]`,
      '[e0][e1]concat=n=2:v=0:a=1[lane0]',
      '[music][lane0]amix=inputs=2:normalize=0:duration=longest:dropout_transition=0,alimiter=limit=0.977:level=0:latency=1,apad=whole_dur=10,atrim=end=10,asetpts=N/SR/TB[aout]',
    ]);
    expect(plan.copiesVideo).toBe(true);
    expect(plan.outputArgs).toEqual([
      '-map',
      '0:v:0',
      '-map',
      '[aout]',
      '-c:v',
      'copy',
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
      '/out/.x.partial',
    ]);
    expect(buildFfmpegArgs(plan, '/work/graph.txt').slice(0, 4)).toEqual([
      '-i',
      '/work/video.mp4',
      '-i',
      '/work/asset-1.wav',
    ]);
    expect(plan.inputs.every((i) => i.options.length === 0)).toBe(true);
    expect(buildFfmpegArgs(plan, '/work/graph.txt')).toContain('-filter_complex_script');
  });

  it('re-encodes with the spec preset, bitrate and fps and the chosen audio bitrate', () => {
    const plan = buildRenderPlan({
      spec: spec({
        output: { encoding: { preset: 'veryfast', bitrate: '3M', fps: 24, audio_bitrate: '128k' } },
      }),
      video: { path: '/work/video.mp4', probe: H264_MP4 },
      audioAssets,
      speech: new Map(),
      outputPath: '/out/o.mp4',
    });
    expect(plan.copiesVideo).toBe(false);
    expect(plan.outputArgs.slice(4, 17)).toEqual([
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-b:v',
      '3M',
      '-r',
      '24',
      '-pix_fmt',
      'yuv420p',
      '-t',
      '10',
      '-c:a',
    ]);
    expect(plan.outputArgs).toContain('128k');
    expect(plan.filterGraph).toBe('anullsrc=r=48000:cl=stereo,atrim=end=10[aout]');
  });

  it('keeps every user string out of the filtergraph', () => {
    const hostile = "x'];[0:v]drop;$(rm -rf /)\n";
    const plan = buildRenderPlan({
      spec: parseJobSpec({
        assets: {
          video: { id: `${hostile}v`, source: '/media/v.mp4' },
          audio: [{ id: hostile, source: '/media/a.wav' }],
        },
        backgroundMusic: { playlist: [hostile] },
        timeline: [
          { start: 1, type: 'tts', data: { text: hostile, duckingLevel: 0.5 } },
          { start: 2, type: 'audio', data: { assetId: hostile } },
        ],
        output: { filename: 'out.mp4' },
      }),
      video: { path: '/work/video.mp4', probe: H264_MP4 },
      audioAssets: new Map([[hostile, { path: '/work/asset-1.wav', duration: 3 }]]),
      speech: new Map([[0, { path: '/work/speech.wav', duration: 1 }]]),
      outputPath: '/out/o.mp4',
    });
    expect(plan.filterGraph).not.toMatch(/rm -rf|\$\(|\[0:v\]|x'/);
    expect(plan.filterGraph).toMatch(/^[\w\s[\]=:,;.'*()+\-/<>]+$/);
  });

  it('gives overlapping clips their own lanes and chains the rest with exact sample gaps', () => {
    const at = (start: number) => ({ start, type: 'audio' as const, data: { assetId: 'b' } });
    const plan = buildRenderPlan({
      spec: spec({ timeline: [at(0), at(1), at(4), at(6)] }),
      video: { path: '/work/video.mp4', probe: H264_MP4 },
      audioAssets: new Map([['b', { path: '/work/b.wav', duration: 3 }]]),
      speech: new Map(),
      outputPath: '/out/o.mp4',
    });
    const delays = plan.filterGraph
      .split(';\n')
      .map((chain) => /delays=(\d+)S.*\[(e\d)\]$/.exec(chain)?.slice(1));
    expect(delays.filter(Boolean)).toEqual([
      ['0', 'e0'],
      ['48000', 'e2'],
      ['48000', 'e1'],
      ['96000', 'e3'],
    ]);
    expect(plan.filterGraph).toContain('[e0][e2]concat=n=2:v=0:a=1[lane0]');
    expect(plan.filterGraph).toContain('[e1][e3]concat=n=2:v=0:a=1[lane1]');
    expect(plan.filterGraph).toContain('[lane0][lane1]amix=inputs=2:');
  });

  it('skips ffmpeg stream probing for WAV inputs only (they were probed already)', () => {
    const plan = buildRenderPlan({
      spec: spec({
        timeline: [
          { start: 0, type: 'audio', data: { assetId: 'a' } },
          { start: 1, type: 'audio', data: { assetId: 'b' } },
        ],
      }),
      video: { path: '/work/video.mp4', probe: H264_MP4 },
      audioAssets: new Map([
        ['a', { path: '/work/a.wav', duration: 0.5, formatName: 'wav' }],
        ['b', { path: '/work/b.mp3', duration: 0.5, formatName: 'mp3' }],
      ]),
      speech: new Map(),
      outputPath: '/out/o.mp4',
    });
    expect(buildFfmpegArgs(plan, '/g.txt').slice(0, 7)).toEqual([
      '-i',
      '/work/video.mp4',
      '-probesize',
      '32',
      '-i',
      '/work/a.wav',
      '-i',
    ]);
  });

  it('leaves out clips that start after the end or are silent', () => {
    const plan = buildRenderPlan({
      spec: spec({
        timeline: [
          { start: 12, type: 'audio', data: { assetId: 'a' } },
          { start: 1, type: 'audio', data: { assetId: 'b', volume: 0 } },
        ],
      }),
      video: { path: '/work/video.mp4', probe: H264_MP4 },
      audioAssets,
      speech: new Map(),
      outputPath: '/out/o.mp4',
    });
    expect(plan.inputs.map((i) => i.path)).toEqual(['/work/video.mp4']);
  });
});

describe('progress parser', () => {
  it('turns out_time_us into a rising percent and reaches 100 only at the end', () => {
    const seen: number[] = [];
    const feed = createProgressParser(20, (p) => seen.push(p));
    for (const line of [
      'out_time_us=5000000',
      'progress=continue',
      'out_time_us=4000000',
      'out_time_us=N/A',
      'out_time_us=20000000',
      'progress=end',
    ]) {
      feed(line);
    }
    expect(seen).toEqual([25, 99, 100]);
  });
});
