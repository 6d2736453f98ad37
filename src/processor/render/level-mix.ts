import { RenderError } from '../errors.ts';
import { type FfmpegRunOptions, runFfmpeg } from './ffmpeg.ts';
import { type LoudnessSummary, parseEbur128Summary } from './loudness.ts';
import {
  buildLevellingArgs,
  LEVEL_TOLERANCE_LU,
  type LevellingPlan,
  levellingGainDb,
  limiterTakesLoudness,
} from './plan/levelling.ts';

/** At most this many levelling runs: the first, then corrections of what the limiter took away. */
const MAX_LEVELLING_RUNS = 3;

/**
 * Log lines kept from a measuring run: ebur128's summary (about 12) comes at the very end, after
 * what x264 reports of a re-encode (about 30).
 */
export const LOG_LINES_FOR_SUMMARY = 120;

/** ebur128's summary at the end of a run's log; a run that measured nothing is a render fault. */
export function readMixMeasurement(log: readonly string[]): LoudnessSummary {
  const summary = parseEbur128Summary(log);
  if (!summary) throw new RenderError("The mix's loudness could not be measured for output.audio.loudness");
  return summary;
}

/**
 * Writes the output MP4 with the mix, measured at `measured`, brought to the target. A gain alone
 * is exact; when the limiter has peaks to hold, the loudness it takes away is measured in the same
 * run and the run repeated with the gain corrected (at most twice).
 */
export async function levelMix(
  levelling: LevellingPlan,
  measured: LoudnessSummary,
  options: Omit<FfmpegRunOptions, 'infoLines'>,
  run: typeof runFfmpeg = runFfmpeg,
): Promise<void> {
  const { target } = levelling;
  let gain = levellingGainDb(target, measured.integrated);
  for (let attempt = 1; ; attempt++) {
    const measure = attempt < MAX_LEVELLING_RUNS && limiterTakesLoudness(target, measured.peak, gain);
    const log = await run(buildLevellingArgs(levelling, gain, measure), {
      ...options,
      ...(measure ? { infoLines: LOG_LINES_FOR_SUMMARY } : {}),
    });
    if (!measure) return;
    const reached = readMixMeasurement(log).integrated;
    if (reached === null || Math.abs(target.integrated - reached) <= LEVEL_TOLERANCE_LU) return;
    gain += target.integrated - reached;
  }
}
