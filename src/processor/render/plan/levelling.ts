import type { LoudnessTarget } from '@auto-vid/shared';
import { forcedInputOptions } from '../media-formats.ts';
import { formatNumber } from './filter-number.ts';
import { FINAL_AUDIO, MEASURE_LOUDNESS } from './final-mix.ts';
import type { RenderInput } from './input-list.ts';
import { buildOutputArgs, type OutputSettings } from './output-args.ts';

/**
 * A loudness target makes the render two runs, the second over the audio only. The first writes
 * the mix, unlimited, as 32-bit float WAV, and measures it with ebur128 on the way (and writes a
 * re-encoded video beside it when there is one). The second takes the video stream as it is, from
 * the source or that re-encode, and the mix with one gain and a limiter, into the MP4.
 */
export interface LevellingPlan {
  readonly target: LoudnessTarget;
  /** The mix as the first run writes it. */
  readonly mixPath: string;
  /** Where the output's video stream is copied from; none for a chunked re-encode's audio. */
  readonly video?: RenderInput;
  /** The output's options: those of a single run that copies the video. */
  readonly output: OutputSettings & { readonly copiesVideo: true };
  /** The subtitle track, muxed in this run (input 2). */
  readonly subtitles?: RenderInput;
}

/**
 * Headroom under the true-peak ceiling for the limiter, which sees samples, not the waveform
 * between them; the AAC encode adds its own overshoot. Music raised 18 to 24 dB into the limiter
 * came out of a 192k AAC encode with its true peak up to 0.9 dB over the limit.
 */
const TRUE_PEAK_MARGIN_DB = 1.2;

/** Closer than this to the target (LU), a levelled mix is done; further, its gain is corrected. */
export const LEVEL_TOLERANCE_LU = 0.1;

/** The ceiling the limiter holds samples under, in dBFS. */
export function limiterCeilingDb(target: LoudnessTarget): number {
  return target.truePeak - TRUE_PEAK_MARGIN_DB;
}

/**
 * Peaks this far over the limiter's ceiling (dB) are held without taking a measurable part of the
 * loudness: music raised into it by up to this much lost under 0.1 LU. Further over it, the loss
 * is measured.
 */
const LIMITING_UNMEASURED_DB = 1;

/**
 * Whether the limiter will take loudness away from a mix whose highest sample is at `samplePeakDb`
 * once it is raised by `gainDb`. Below that, the gain alone sets the loudness; above it, the
 * loudness the limiter takes away is measured and given back by a corrected gain.
 */
export function limiterTakesLoudness(
  target: LoudnessTarget,
  samplePeakDb: number | null,
  gainDb: number,
): boolean {
  return samplePeakDb !== null && samplePeakDb + gainDb > limiterCeilingDb(target) + LIMITING_UNMEASURED_DB;
}

/**
 * What the measuring run writes: the mix as float samples (its peaks may pass full scale), 384 kB a
 * second; past 4 GiB (3.1 hours) as RF64, the WAV that has no size limit.
 */
export function mixOutputArgs(mixPath: string): string[] {
  return ['-map', FINAL_AUDIO, '-c:a', 'pcm_f32le', '-f', 'wav', '-rf64', 'auto', '-y', mixPath];
}

/**
 * The gain in dB that brings a mix measured at `measuredLufs` to the target; none for a mix with no
 * loudness (silence, or sound under BS.1770's absolute gate).
 */
export function levellingGainDb(target: LoudnessTarget, measuredLufs: number | null): number {
  return measuredLufs === null ? 0 : target.integrated - measuredLufs;
}

/**
 * The second run: the video copied, the mix through the gain and the limiter, into the MP4.
 * `measure`: the limited mix is measured on its way to the encoder.
 */
export function buildLevellingArgs(levelling: LevellingPlan, gainDb: number, measure: boolean): string[] {
  const filters = [
    `volume=${formatNumber(10 ** (gainDb / 20))}`,
    `alimiter=limit=${formatNumber(10 ** (limiterCeilingDb(levelling.target) / 20))}:level=0:latency=1`,
    ...(measure ? [MEASURE_LOUDNESS] : []),
  ];
  const video = levelling.video;
  return [
    ...(video ? [...video.options, '-i', video.path] : []),
    ...forcedInputOptions('wav'),
    '-i',
    levelling.mixPath,
    ...(levelling.subtitles ? [...levelling.subtitles.options, '-i', levelling.subtitles.path] : []),
    '-filter_complex',
    `[${video ? 1 : 0}:a]${filters.join(',')}${FINAL_AUDIO}`,
    ...buildOutputArgs(levelling.output),
  ];
}
