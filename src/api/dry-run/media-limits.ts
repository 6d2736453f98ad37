import type { SpecProblem } from '@auto-vid/shared';
import { MEDIA_LIMIT_SETTINGS, type MediaLimits } from '../../policy/media-limits.ts';
import type { MediaFacts } from './media-facts.ts';

const round = (value: number): number => Math.round(value * 100) / 100;

function beyond(what: string, allowed: string, limit: keyof MediaLimits): string {
  return `${what}, above the limit of ${allowed} (${MEDIA_LIMIT_SETTINGS[limit]})`;
}

/**
 * What the renderer would refuse once it probes the files (src/processor/render/media-limits.ts),
 * as far as the headers tell: the video's length, frame size and rate, each audio asset's length.
 */
export function checkMediaLimits(
  video: MediaFacts,
  audio: readonly { readonly path: (string | number)[]; readonly seconds: number }[],
  limits: MediaLimits,
): SpecProblem[] {
  const videoPath = ['assets', 'video', 'source'];
  const { width = 0, height = 0, frameRate = 0 } = video.video ?? {};
  const problems: SpecProblem[] = [];
  if (width * height > limits.maxVideoPixels) {
    const what = `the video has ${width}×${height} frames (${width * height} pixels)`;
    problems.push({
      path: videoPath,
      message: beyond(what, `${limits.maxVideoPixels} pixels per frame`, 'maxVideoPixels'),
    });
  }
  if (video.duration > limits.maxVideoSeconds) {
    const what = `the video lasts ${round(video.duration)} s`;
    problems.push({
      path: videoPath,
      message: beyond(what, `${limits.maxVideoSeconds} s`, 'maxVideoSeconds'),
    });
  }
  if (frameRate > limits.maxVideoFps) {
    const what = `the video runs at ${round(frameRate)} fps`;
    problems.push({ path: videoPath, message: beyond(what, `${limits.maxVideoFps} fps`, 'maxVideoFps') });
  }
  for (const { path, seconds } of audio) {
    if (seconds <= limits.maxAudioSeconds) continue;
    const what = `it lasts ${round(seconds)} s`;
    problems.push({ path, message: beyond(what, `${limits.maxAudioSeconds} s`, 'maxAudioSeconds') });
  }
  return problems;
}
