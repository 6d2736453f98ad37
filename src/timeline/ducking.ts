/**
 * When the music is ducked, pure: the renderer turns these ranges into a gain expression and the
 * dry run (POST /plan) reports them, from the same rules.
 */
import type { TimelineEvent } from '@auto-vid/shared';

/** While [start, end] plays, the music gain is multiplied by `level`, ramped over `fade` seconds. */
export interface DuckingRange {
  readonly start: number;
  readonly end: number;
  readonly level: number;
  readonly fade: number;
}

/** Overlapping (or touching) ranges merge into one: the lowest level and the longest fade win. */
export function mergeDuckingRanges(ranges: readonly DuckingRange[]): DuckingRange[] {
  const sorted = [...ranges].filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const merged: DuckingRange[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range.start <= last.end) {
      merged[merged.length - 1] = {
        start: last.start,
        end: Math.max(last.end, range.end),
        level: Math.min(last.level, range.level),
        fade: Math.max(last.fade, range.fade),
      };
    } else {
      merged.push(range);
    }
  }
  return merged;
}

/**
 * Each timeline event with a ducking level lowers what is ducked while its clip plays (up to the
 * video's end), at the event's own level, or at `level` for everything when given. `clipSeconds`
 * tells how long the clip of the event at a timeline index lasts.
 */
export function listDuckingRanges(
  timeline: readonly TimelineEvent[],
  duration: number,
  clipSeconds: (timelineIndex: number) => number,
  level?: number,
): DuckingRange[] {
  return timeline.flatMap((event, i) => {
    const eventLevel = event.data.duckingLevel;
    if (eventLevel === undefined || event.start >= duration) return [];
    return [
      {
        start: event.start,
        end: Math.min(duration, event.start + clipSeconds(i)),
        level: level ?? eventLevel,
        fade: event.data.duckingFadeDuration,
      },
    ];
  });
}
