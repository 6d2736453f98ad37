import type { ClipPlan, JobSpec, MusicPlay, PlanWarning } from '@auto-vid/shared';
import { formatSeconds } from './rounding.ts';

/** Times closer than this are the same time (the plan's times are rounded to the millisecond). */
const SAME_TIME = 0.001;

/** Clips that start at or after the video's end are never heard. */
function clipsAfterEnd(clips: readonly ClipPlan[], duration: number): PlanWarning[] {
  return clips
    .filter((clip) => clip.start >= duration)
    .map((clip) => ({
      code: 'clip-after-video-end',
      message: `timeline[${clip.index}] starts at ${formatSeconds(clip.start)}, at or after the video's end (${formatSeconds(duration)}): it is not heard`,
      timelineIndex: clip.index,
      at: clip.start,
    }));
}

/** A narration still speaking at the video's end is cut there. */
function narrationsCut(clips: readonly ClipPlan[], duration: number): PlanWarning[] {
  return clips
    .filter((clip) => clip.type === 'tts' && clip.start < duration && clip.cutAtEnd)
    .map((clip) => ({
      code: 'narration-cut-at-end',
      message: `timeline[${clip.index}]'s narration runs to about ${formatSeconds(clip.start + clip.duration)}, past the video's end (${formatSeconds(duration)}): it is cut there`,
      timelineIndex: clip.index,
      at: duration,
    }));
}

/** Two narrations heard at once: each later one is named with the one it talks over. */
function narrationsOverlapping(clips: readonly ClipPlan[], duration: number): PlanWarning[] {
  const heard = clips
    .filter((clip) => clip.type === 'tts' && clip.start < duration)
    .sort((a, b) => a.start - b.start || a.index - b.index);
  return heard.flatMap((later, k) =>
    heard
      .slice(0, k)
      .filter((earlier) => later.start < earlier.end - SAME_TIME)
      .map((earlier) => ({
        code: 'narration-overlap' as const,
        message: `timeline[${later.index}]'s narration starts at ${formatSeconds(later.start)}, while timeline[${earlier.index}]'s (${formatSeconds(earlier.start)} to about ${formatSeconds(earlier.end)}) is still speaking`,
        timelineIndex: later.index,
        at: later.start,
      })),
  );
}

/** A playlist that does not loop and runs out before the video does leaves its end without music. */
function musicEndingEarly(spec: JobSpec, music: readonly MusicPlay[], duration: number): PlanWarning[] {
  const last = music.at(-1);
  if (spec.backgroundMusic?.loop !== false || !last || last.end >= duration - SAME_TIME) return [];
  return [
    {
      code: 'music-ends-early',
      message: `backgroundMusic.playlist ends at ${formatSeconds(last.end)} and backgroundMusic.loop is false: the last ${formatSeconds(duration - last.end)} of the video have no music`,
      at: last.end,
    },
  ];
}

/** What the spec asks that is valid but probably not meant, in timeline order. */
export function findWarnings(
  spec: JobSpec,
  duration: number,
  clips: readonly ClipPlan[],
  music: readonly MusicPlay[],
): PlanWarning[] {
  return [
    ...narrationsOverlapping(clips, duration),
    ...narrationsCut(clips, duration),
    ...clipsAfterEnd(clips, duration),
    ...musicEndingEarly(spec, music, duration),
  ].sort((a, b) => (a.at ?? 0) - (b.at ?? 0) || (a.timelineIndex ?? 0) - (b.timelineIndex ?? 0));
}
