/** One play of one playlist track in the music bed. */
export interface MusicOccurrence {
  /** Index into the playlist. */
  readonly playlistIndex: number;
  /** Seconds from the start of the video. */
  readonly start: number;
  /** Seconds of the track that can be heard (the whole track, or up to the video's end). */
  readonly length: number;
  readonly fadeIn: number;
  readonly fadeOut: number;
}

/** Past this many plays the playlist is too short for the video to be worth rendering this way. */
export const MAX_MUSIC_OCCURRENCES = 400;

export class PlaylistTooShortError extends Error {
  override readonly name = 'PlaylistTooShortError';
}

/**
 * Lays the playlist out on the video's timeline: tracks in order, each overlapping the next by the
 * crossfade (at most half of either track), repeating while `loop` holds, until `until` seconds.
 */
export function schedulePlaylist(input: {
  trackDurations: readonly number[];
  loop: boolean;
  crossfade: number;
  until: number;
}): MusicOccurrence[] {
  const { trackDurations, loop, crossfade, until } = input;
  const count = trackDurations.length;
  const occurrences: MusicOccurrence[] = [];
  let start = 0;
  let fadeIn = 0;
  for (let k = 0; start < until && (loop || k < count); k++) {
    if (occurrences.length >= MAX_MUSIC_OCCURRENCES) {
      throw new PlaylistTooShortError(
        `The playlist would have to repeat more than ${MAX_MUSIC_OCCURRENCES} times to fill the video`,
      );
    }
    const duration = trackDurations[k % count] ?? 0;
    const hasNext = loop || k + 1 < count;
    const nextDuration = trackDurations[(k + 1) % count] ?? 0;
    const fadeOut = hasNext ? Math.min(crossfade, duration / 2, nextDuration / 2) : 0;
    const length = Math.min(duration, until - start);
    occurrences.push({
      playlistIndex: k % count,
      start,
      length,
      fadeIn,
      // A fade-out that would begin after the video's end is never heard.
      fadeOut: duration - fadeOut < length ? fadeOut : 0,
    });
    start += duration - fadeOut;
    fadeIn = fadeOut;
  }
  return occurrences;
}
