import type { SpecProblem } from '@auto-vid/shared';
import { findLimitBreaches, type MediaLimits } from '../../policy/media-limits.ts';
import type { MediaFacts } from './media-facts.ts';

/**
 * What the renderer would refuse once it probes the files (src/processor/render/media-limits.ts,
 * the same checks), as far as the headers tell: the video's length, frame size and rate, each
 * audio asset's length.
 */
export function checkMediaLimits(
  video: MediaFacts,
  audio: readonly { readonly path: (string | number)[]; readonly seconds: number }[],
  limits: MediaLimits,
): SpecProblem[] {
  return [
    ...findLimitBreaches(video, 'video', limits).map((breach) => ({
      path: ['assets', 'video', 'source'],
      message: `the video ${breach}`,
    })),
    ...audio.flatMap(({ path, seconds }) =>
      findLimitBreaches({ duration: seconds }, 'audio', limits).map((breach) => ({
        path,
        message: `it ${breach}`,
      })),
    ),
  ];
}
