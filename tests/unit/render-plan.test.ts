import { parseJobSpec } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import { buildFfmpegArgs, buildRenderPlan } from '../../src/processor/render/plan.ts';
import { H264, H264_MP4, spec } from './render-plan/plan-fixtures.ts';

describe('buildRenderPlan', () => {
  const audioAssets = new Map([
    ['a', { path: '/work/asset-1.wav', duration: 6, demuxer: 'wav' }],
    ['b', { path: '/work/asset-2.wav', duration: 4, demuxer: 'wav' }],
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
      speech: new Map([[0, { path: '/work/speech.wav', duration: 1.5, demuxer: 'wav' }]]),
      outputPath: '/out/.x.partial',
      workDirectory: '/tmp/job',
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
    expect(buildFfmpegArgs(plan, '/work/graph.txt').slice(0, 14)).toEqual([
      '-f',
      'mov',
      '-protocol_whitelist',
      'file',
      '-i',
      '/work/video.mp4',
      '-f',
      'wav',
      '-protocol_whitelist',
      'file',
      '-probesize',
      '32',
      '-i',
      '/work/asset-1.wav',
    ]);
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
      workDirectory: '/tmp/job',
    });
    expect(plan.copiesVideo).toBe(false);
    expect(plan.outputArgs.slice(4, 19)).toEqual([
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-b:v',
      '3M',
      '-r',
      '24',
      '-fps_mode:v',
      'cfr',
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
      audioAssets: new Map([[hostile, { path: '/work/asset-1.wav', duration: 3, demuxer: 'wav' }]]),
      speech: new Map([[0, { path: '/work/speech.wav', duration: 1, demuxer: 'wav' }]]),
      outputPath: '/out/o.mp4',
      workDirectory: '/tmp/job',
    });
    expect(plan.filterGraph).not.toMatch(/rm -rf|\$\(|\[0:v\]|x'/);
    expect(plan.filterGraph).toMatch(/^[\w\s[\]=:,;.'*()+\-/<>]+$/);
  });

  it('gives overlapping clips their own lanes and chains the rest with exact sample gaps', () => {
    const at = (start: number) => ({ start, type: 'audio' as const, data: { assetId: 'b' } });
    const plan = buildRenderPlan({
      spec: spec({ timeline: [at(0), at(1), at(4), at(6)] }),
      video: { path: '/work/video.mp4', probe: H264_MP4 },
      audioAssets: new Map([['b', { path: '/work/b.wav', duration: 3, demuxer: 'wav' }]]),
      speech: new Map(),
      outputPath: '/out/o.mp4',
      workDirectory: '/tmp/job',
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

  it('shifts a video that starts after the file back to second 0, and leaves others alone', () => {
    const plan = (startOffset: number) =>
      buildRenderPlan({
        spec: spec({}),
        video: { path: '/work/video.mp4', probe: { ...H264_MP4, video: { ...H264, startOffset } } },
        audioAssets,
        speech: new Map(),
        outputPath: '/out/o.mp4',
        workDirectory: '/tmp/job',
      });
    expect(plan(0.04).inputs[0]?.options).toEqual([
      '-f',
      'mov',
      '-protocol_whitelist',
      'file',
      '-itsoffset',
      '-0.04',
    ]);
    expect(plan(0).inputs[0]?.options).toEqual(['-f', 'mov', '-protocol_whitelist', 'file']);
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
        ['a', { path: '/work/a.wav', duration: 0.5, demuxer: 'wav' }],
        ['b', { path: '/work/b.mp3', duration: 0.5, demuxer: 'mp3' }],
      ]),
      speech: new Map(),
      outputPath: '/out/o.mp4',
      workDirectory: '/tmp/job',
    });
    expect(plan.inputs.map((input) => input.options.includes('-probesize'))).toEqual([false, true, false]);
    expect(buildFfmpegArgs(plan, '/g.txt').slice(0, 20)).toEqual([
      '-f',
      'mov',
      '-protocol_whitelist',
      'file',
      '-i',
      '/work/video.mp4',
      '-f',
      'wav',
      '-protocol_whitelist',
      'file',
      '-probesize',
      '32',
      '-i',
      '/work/a.wav',
      '-f',
      'mp3',
      '-protocol_whitelist',
      'file',
      '-i',
      '/work/b.mp3',
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
      workDirectory: '/tmp/job',
    });
    expect(plan.inputs.map((i) => i.path)).toEqual(['/work/video.mp4']);
  });
});
