import { describe, expect, it } from 'vitest';
import {
  buildLevellingArgs,
  type LevellingPlan,
  levellingGainDb,
  limiterCeilingDb,
  limiterTakesLoudness,
} from '../../../src/processor/render/plan/levelling.ts';
import { buildOutputArgs } from '../../../src/processor/render/plan/output-args.ts';
import { buildRenderPlan } from '../../../src/processor/render/plan.ts';
import { planInput, spec } from './plan-fixtures.ts';

const music = new Map([['a', { path: '/work/asset-1.wav', duration: 20, demuxer: 'wav' }]]);
const STREAMING = { integrated: -14, truePeak: -1 };

function levelledPlan(encoding?: Record<string, unknown>) {
  return buildRenderPlan(
    planInput(
      spec({
        backgroundMusic: { playlist: ['a'] },
        output: { filename: 'out.mp4', audio: { loudness: 'streaming' }, ...(encoding ? { encoding } : {}) },
      }),
      music,
    ),
  );
}

describe('a loudness target in the plan', () => {
  it('measures the unlimited mix and writes it as float WAV in the work folder, nothing else', () => {
    const plan = levelledPlan();
    expect(plan.filterGraph.split(';\n').at(-1)).toBe(
      '[music]anull,apad=whole_dur=10,atrim=end=10,asetpts=N/SR/TB,ebur128=peak=sample:framelog=verbose[aout]',
    );
    expect(plan.outputArgs).toEqual([
      '-map',
      '[aout]',
      '-c:a',
      'pcm_f32le',
      '-f',
      'wav',
      '-rf64',
      'auto',
      '-y',
      '/tmp/job/mix.wav',
    ]);
    expect(plan.levelling).toEqual({
      target: STREAMING,
      mixPath: '/tmp/job/mix.wav',
      video: { path: '/work/video.mp4', options: ['-f', 'mov', '-protocol_whitelist', 'file'] },
      output: { encoding: undefined, copiesVideo: true, duration: 10, outputPath: '/out/o.mp4' },
    });
  });

  it('re-encodes the video once, into the work folder, when the spec asks for a re-encode', () => {
    const plan = levelledPlan({ crf: 20, preset: 'fast' });
    expect(plan.copiesVideo).toBe(false);
    expect(plan.outputArgs.slice(0, 20)).toEqual([
      '-map',
      '0:v:0',
      '-c:v',
      'libx264',
      '-preset',
      'fast',
      '-crf',
      '20',
      '-fps_mode:v',
      'passthrough',
      '-pix_fmt',
      'yuv420p',
      '-t',
      '10',
      '-an',
      '-f',
      'mp4',
      '-y',
      '/tmp/job/video.mp4',
      '-map',
    ]);
    expect(plan.levelling?.video).toEqual({
      path: '/tmp/job/video.mp4',
      options: ['-f', 'mov', '-protocol_whitelist', 'file'],
    });
  });

  it('changes nothing for a silent track, or without a target', () => {
    const silent = buildRenderPlan(
      planInput(spec({ output: { filename: 'o.mp4', audio: { loudness: 'podcast' } } })),
    );
    expect(silent.levelling).toBeUndefined();
    expect(silent.outputArgs).toContain('[aout]');
    const plain = buildRenderPlan(planInput(spec({ backgroundMusic: { playlist: ['a'] } }), music));
    expect(plain.levelling).toBeUndefined();
    expect(plain.filterGraph).toContain('alimiter=limit=0.977');
    expect(plain.filterGraph).not.toContain('ebur128');
  });
});

describe('the levelling run', () => {
  const levelling = {
    target: STREAMING,
    mixPath: '/tmp/job/mix.wav',
    video: {
      path: '/work/video.mp4',
      options: ['-f', 'mov', '-protocol_whitelist', 'file', '-itsoffset', '-0.04'],
    },
    output: {
      encoding: { audio_bitrate: '128k', preset: 'medium', video: 'auto' },
      copiesVideo: true as const,
      duration: 10,
      outputPath: '/out/o.mp4',
    },
  } satisfies LevellingPlan;

  it('copies the video, sets the gain and the limiter 1.2 dB under the ceiling, encodes as one run does', () => {
    expect(buildOutputArgs(levelling.output)).toContain('128k');
    expect(buildLevellingArgs(levelling, 6, false)).toEqual([
      '-f',
      'mov',
      '-protocol_whitelist',
      'file',
      '-itsoffset',
      '-0.04',
      '-i',
      '/work/video.mp4',
      '-f',
      'wav',
      '-protocol_whitelist',
      'file',
      '-i',
      '/tmp/job/mix.wav',
      '-filter_complex',
      '[1:a]volume=1.995262,alimiter=limit=0.776247:level=0:latency=1[aout]',
      ...buildOutputArgs(levelling.output),
    ]);
    expect(buildLevellingArgs(levelling, -3, true)[15]).toBe(
      '[1:a]volume=0.707946,alimiter=limit=0.776247:level=0:latency=1,ebur128=peak=sample:framelog=verbose[aout]',
    );
  });

  it('takes the gain from the measurement: none for a mix without loudness', () => {
    expect(levellingGainDb(STREAMING, -24.3)).toBeCloseTo(10.3, 6);
    expect(levellingGainDb({ integrated: -23, truePeak: -2 }, -4)).toBe(-19);
    expect(levellingGainDb(STREAMING, null)).toBe(0);
  });

  it('measures what the limiter takes only when the raised peak passes its ceiling by over 1 dB', () => {
    expect(limiterCeilingDb(STREAMING)).toBeCloseTo(-2.2, 6);
    expect(limiterTakesLoudness(STREAMING, -11.3, 10)).toBe(false);
    expect(limiterTakesLoudness(STREAMING, -11.1, 10)).toBe(true);
    expect(limiterTakesLoudness(STREAMING, null, 10)).toBe(false);
  });
});
