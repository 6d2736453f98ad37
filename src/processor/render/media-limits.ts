import { findLimitBreaches, type MediaLimits } from '../../policy/media-limits.ts';
import { MediaLimitError } from '../errors.ts';
import type { MediaProbe } from './probe.ts';

/** Refuses a source video beyond the limits; the message names the file, the value and the limit. */
export function checkVideoLimits(probe: MediaProbe, label: string, limits: MediaLimits): void {
  refuseFirst(findLimitBreaches(probe, 'video', limits), label);
}

/** Refuses an audio asset beyond the limits. */
export function checkAudioLimits(probe: MediaProbe, label: string, limits: MediaLimits): void {
  refuseFirst(findLimitBreaches(probe, 'audio', limits), label);
}

function refuseFirst(breaches: readonly string[], label: string): void {
  if (breaches[0] !== undefined) throw new MediaLimitError(`${label} ${breaches[0]}`);
}
