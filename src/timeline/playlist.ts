/**
 * The music bed's layout on the video's timeline, pure: the renderer builds its filtergraph from it
 * and the dry run (POST /plan) reports it, so the two never disagree.
 */

/** One play of one playlist track in the music bed. */
export interface MusicOccurrence {
  /** Index into the playlist. */
  readonly playlistIndex: number;
  /** Seconds into the track where this play begins (`startAt` for the first play, else 0). */
  readonly offset: number;
  /** Seconds from the start of the video. */
  readonly start: number;
  /** Seconds of the track that can be heard (the rest of the track, or up to the video's end). */
  readonly length: number;
  readonly fadeIn: number;
  readonly fadeOut: number;
}

/** Past this many plays the playlist is too short for the video to be worth rendering this way. */
export const MAX_MUSIC_OCCURRENCES = 400;

/** The least of the first track that `startAt` must leave to be heard. */
const MIN_PLAY_SECONDS = 0.01;

/** The playlist cannot be laid out over the video as the spec asks: a limit of the media. */
export class PlaylistLayoutError extends Error {
  override readonly name = 'PlaylistLayoutError';
}

/**
 * Lays the playlist out on the video's timeline: tracks in order, each overlapping the next by the
 * crossfade (at most half of either track), repeating while `loop` holds, until `until` seconds.
 * The first play begins `startAt` seconds into its track; every later play from the track's start.
 */
export function schedulePlaylist(input: {
  trackDurations: readonly number[];
  loop: boolean;
  crossfade: number;
  until: number;
  startAt?: number;
}): MusicOccurrence[] {
  const { trackDurations, loop, crossfade, until, startAt = 0 } = input;
  const count = trackDurations.length;
  const first = trackDurations[0] ?? 0;
  if (startAt > 0 && startAt > first - MIN_PLAY_SECONDS) {
    throw new PlaylistLayoutError(
      `backgroundMusic.startAt (${startAt} s) is not inside the first track, which lasts ${Math.round(first * 1000) / 1000} s`,
    );
  }
  const occurrences: MusicOccurrence[] = [];
  let start = 0;
  let fadeIn = 0;
  for (let k = 0; start < until && (loop || k < count); k++) {
    if (occurrences.length >= MAX_MUSIC_OCCURRENCES) {
      throw new PlaylistLayoutError(
        `The playlist would have to repeat more than ${MAX_MUSIC_OCCURRENCES} times to fill the video`,
      );
    }
    const offset = k === 0 ? startAt : 0;
    const duration = (trackDurations[k % count] ?? 0) - offset;
    const hasNext = loop || k + 1 < count;
    const nextDuration = trackDurations[(k + 1) % count] ?? 0;
    const fadeOut = hasNext ? Math.min(crossfade, duration / 2, nextDuration / 2) : 0;
    const length = Math.min(duration, until - start);
    occurrences.push({
      playlistIndex: k % count,
      offset,
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
