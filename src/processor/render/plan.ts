import { join } from 'node:path';
import { resolveLoudnessTarget } from '@auto-vid/shared';
import { forcedInputOptions } from './media-formats.ts';
import { buildBurnIn, CAPTIONED_VIDEO } from './plan/burn-in.ts';
import { buildClipLanes } from './plan/clip-lanes.ts';
import { buildFinalMix } from './plan/final-mix.ts';
import { InputList, type RenderInput } from './plan/input-list.ts';
import { type LevellingPlan, mixOutputArgs } from './plan/levelling.ts';
import { buildMusicBed } from './plan/music-bed.ts';
import {
  buildOutputArgs,
  copiesVideo as decideVideoCopy,
  type OutputSettings,
  videoOnlyOutputArgs,
} from './plan/output-args.ts';
import type { PlanInput } from './plan/plan-input.ts';
import { buildSourceAudio } from './plan/source-audio.ts';

export type { PlanInput, PreparedAudio } from './plan/plan-input.ts';

export interface RenderPlan {
  /** Output duration in seconds: exactly the source video's. */
  readonly duration: number;
  /** True when the video stream is copied untouched. */
  readonly copiesVideo: boolean;
  readonly inputs: readonly RenderInput[];
  readonly filterGraph: string;
  readonly outputArgs: readonly string[];
  /** With a loudness target: the run above measures the mix, this one brings it to the target. */
  readonly levelling?: LevellingPlan;
}

/**
 * Spec + probed media → one ffmpeg run: inputs, one filtergraph, output options (and, with a
 * loudness target, the second run that levels what the first measured). Pure. Inputs are
 * referred to by index only, so no user string (id, text, path) ever reaches the filtergraph.
 */
export function buildRenderPlan(input: PlanInput): RenderPlan {
  return buildPlan(input, false);
}

/**
 * The audio of a chunked re-encode, written once while the chunk encoders make the picture: the
 * same graph without the picture, the same mix and loudness levelling, into an M4A (AAC) the join
 * copies. Captions are not drawn here (each chunk draws its own) and the text track is muxed by
 * the join.
 */
export function buildAudioPlan(input: PlanInput): RenderPlan {
  return buildPlan(input, true);
}

function buildPlan(input: PlanInput, audioOnly: boolean): RenderPlan {
  const { spec, video } = input;
  const duration = video.probe.duration;
  const inputs = new InputList(video.path, video.probe.demuxer, video.probe.video?.startOffset);
  const source = buildSourceAudio(input, duration);
  const music = buildMusicBed(input, duration, inputs, source.key);
  const clips = buildClipLanes(input, duration, inputs);
  const mixed = [...source.outputs, ...music.outputs, ...clips.outputs];
  const copiesVideo = !audioOnly && decideVideoCopy(spec, video.probe);
  const burnIn = audioOnly ? undefined : input.captions?.burnIn;
  const output: OutputSettings = {
    encoding: spec.output.encoding,
    copiesVideo,
    duration,
    outputPath: input.outputPath,
    ...(burnIn ? { video: CAPTIONED_VIDEO } : {}),
    ...(audioOnly ? { audioOnly } : {}),
  };
  const track = audioOnly ? undefined : input.captions?.trackPath;
  const subtitles = track ? { path: track, options: forcedInputOptions('srt') } : undefined;
  const language = input.captions?.trackLanguage ?? 'und';
  // A silent track has no loudness to set: it is written as it is.
  const levelling =
    mixed.length > 0
      ? planLevelling(input, output, { source: inputs.video, subtitles, language })
      : undefined;
  const finalMix = buildFinalMix(mixed, duration, levelling !== undefined);
  const chains = [
    ...(burnIn ? [buildBurnIn(burnIn)] : []),
    ...source.chains,
    ...music.chains,
    ...clips.chains,
  ];
  const trackInput = subtitles && !levelling ? inputs.addSubtitles(subtitles) : undefined;
  return {
    duration,
    copiesVideo,
    inputs: inputs.toArray(),
    filterGraph: [...chains, finalMix].join(';\n'),
    ...(levelling ?? {
      outputArgs: buildOutputArgs({
        ...output,
        ...(trackInput === undefined ? {} : { subtitles: { input: trackInput, language } }),
      }),
    }),
  };
}

/** The inputs the levelling run copies from: the source video, and the subtitle track when there is one. */
interface LevellingInputs {
  readonly source: RenderInput;
  readonly subtitles: RenderInput | undefined;
  readonly language: string;
}

/**
 * With a loudness target, the first run writes the mix (and a re-encoded video) into the work
 * folder; the second copies the video from there, or from the source, beside the levelled mix.
 */
function planLevelling(
  input: PlanInput,
  output: OutputSettings,
  { source, subtitles, language }: LevellingInputs,
): Pick<RenderPlan, 'outputArgs' | 'levelling'> | undefined {
  const target = resolveLoudnessTarget(input.spec);
  if (!target) return undefined;
  const mixPath = join(input.workDirectory, 'mix.wav');
  const encodedPath = join(input.workDirectory, 'video.mp4');
  const levelling: LevellingPlan = {
    target,
    mixPath,
    ...(output.audioOnly
      ? {}
      : { video: output.copiesVideo ? source : { path: encodedPath, options: forcedInputOptions('mov') } }),
    // The second run copies the video as the first left it: nothing more is drawn into it.
    output: {
      encoding: output.encoding,
      duration: output.duration,
      outputPath: output.outputPath,
      copiesVideo: true,
      ...(output.audioOnly ? { audioOnly: true } : {}),
      ...(subtitles ? { subtitles: { input: 2, language } } : {}),
    },
    ...(subtitles ? { subtitles } : {}),
  };
  const videoArgs =
    output.copiesVideo || output.audioOnly ? [] : videoOnlyOutputArgs({ ...output, outputPath: encodedPath });
  return { outputArgs: [...videoArgs, ...mixOutputArgs(mixPath)], levelling };
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
