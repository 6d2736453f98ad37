import { mixLabels, SAMPLE_RATE } from './audio-filters.ts';
import { formatNumber } from './filter-number.ts';

/** Peak ceiling of the limiter after the mix (about -0.2 dBFS). */
export const LIMITER_CEILING = 0.977;

/** The label of the finished audio track, the one the output maps. */
export const FINAL_AUDIO = '[aout]';

/**
 * ebur128 measures what passes through it and logs a summary when the run ends: integrated
 * loudness and the highest sample (true peak, by 4x oversampling, would double its cost).
 */
export const MEASURE_LOUDNESS = 'ebur128=peak=sample:framelog=verbose';

/**
 * The one chain that ends the graph: the source audio, the music bed and the clip lanes mixed and
 * limited, then padded and trimmed to the video's exact duration; a silent track of that duration
 * when nothing plays.
 * `forLevelling`: a later run sets the level and limits, so the mix is measured here instead.
 */
export function buildFinalMix(labels: readonly string[], duration: number, forLevelling = false): string {
  const end = formatNumber(duration);
  if (labels.length === 0) return `anullsrc=r=${SAMPLE_RATE}:cl=stereo,atrim=end=${end}${FINAL_AUDIO}`;
  const filters = [
    mixLabels(labels),
    ...(forLevelling ? [] : [`alimiter=limit=${LIMITER_CEILING}:level=0:latency=1`]),
    `apad=whole_dur=${end}`,
    `atrim=end=${end}`,
    'asetpts=N/SR/TB',
    ...(forLevelling ? [MEASURE_LOUDNESS] : []),
  ];
  return `${filters.join(',')}${FINAL_AUDIO}`;
}
