import { buildClipLanes } from './plan/clip-lanes.ts';
import { buildFinalMix } from './plan/final-mix.ts';
import { InputList, type RenderInput } from './plan/input-list.ts';
import { buildMusicBed } from './plan/music-bed.ts';
import { buildOutputArgs, copiesVideo as decideVideoCopy } from './plan/output-args.ts';
import type { PlanInput } from './plan/plan-input.ts';

export type { PlanInput, PreparedAudio } from './plan/plan-input.ts';

export interface RenderPlan {
  /** Output duration in seconds: exactly the source video's. */
  readonly duration: number;
  /** True when the video stream is copied untouched. */
  readonly copiesVideo: boolean;
  readonly inputs: readonly RenderInput[];
  readonly filterGraph: string;
  readonly outputArgs: readonly string[];
}

/**
 * Spec + probed media → one ffmpeg run: inputs, one filtergraph, output options. Pure. Inputs are
 * referred to by index only, so no user string (id, text, path) ever reaches the filtergraph.
 */
export function buildRenderPlan(input: PlanInput): RenderPlan {
  const { spec, video } = input;
  const duration = video.probe.duration;
  const inputs = new InputList(video.path, video.probe.demuxer, video.probe.video?.startOffset);
  const music = buildMusicBed(input, duration, inputs);
  const clips = buildClipLanes(input, duration, inputs);
  const finalMix = buildFinalMix([...music.outputs, ...clips.outputs], duration);
  const copiesVideo = decideVideoCopy(spec, video.probe);
  return {
    duration,
    copiesVideo,
    inputs: inputs.toArray(),
    filterGraph: [...music.chains, ...clips.chains, finalMix].join(';\n'),
    outputArgs: buildOutputArgs({
      encoding: spec.output.encoding,
      copiesVideo,
      duration,
      outputPath: input.outputPath,
    }),
  };
}

/** The full ffmpeg argument list; the filtergraph is read from a script file (no length limit). */
export function buildFfmpegArgs(plan: RenderPlan, filterScriptPath: string): string[] {
  return [
    ...plan.inputs.flatMap((input) => [...input.options, '-i', input.path]),
    '-filter_complex_script',
    filterScriptPath,
    ...plan.outputArgs,
  ];
}
