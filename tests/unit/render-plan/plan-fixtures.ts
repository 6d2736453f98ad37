import { type JobSpec, type JobSpecInput, parseJobSpec } from '@auto-vid/shared';
import type { PlanInput, PreparedAudio } from '../../../src/processor/render/plan/plan-input.ts';
import type { MediaProbe } from '../../../src/processor/render/probe.ts';

/** Test data shared by the planner's tests: an H.264 MP4 source and a small job spec. */
export const H264 = {
  codec: 'h264',
  pixelFormat: 'yuv420p',
  width: 1920,
  height: 1080,
  frameRate: 30,
  startOffset: 0,
};
export const H264_MP4: MediaProbe = {
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  demuxer: 'mov',
  streamCount: 2,
  duration: 10,
  video: H264,
  hasAudio: true,
};

export function spec(
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

/** What the planner is given for `jobSpec`: the H.264 source above and the prepared audio. */
export function planInput(
  jobSpec: JobSpec,
  audioAssets: ReadonlyMap<string, PreparedAudio> = new Map(),
  speech: ReadonlyMap<number, PreparedAudio> = new Map(),
): PlanInput {
  return {
    spec: jobSpec,
    video: { path: '/work/video.mp4', probe: H264_MP4 },
    audioAssets,
    speech,
    outputPath: '/out/o.mp4',
    workDirectory: '/tmp/job',
  };
}

/** The format every audio input is converted to before it is trimmed, delayed or mixed. */
export const NORM = 'aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo';
