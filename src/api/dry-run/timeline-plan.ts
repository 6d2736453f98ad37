import type { ClipPlan, JobPlan, JobSpec, MusicPlay } from '@auto-vid/shared';
import { listDuckingRanges, mergeDuckingRanges } from '../../timeline/ducking.ts';
import { schedulePlaylist } from '../../timeline/playlist.ts';
import { roundSeconds } from './rounding.ts';
import { estimateSpeechSeconds, type SpeechSynthesizerName } from './speech.ts';

/**
 * Each timeline event's clip length, by index: an audio asset's measured length, or a narration's
 * estimated one (nothing is spoken in a dry run).
 */
export function measureClips(
  spec: JobSpec,
  audioSeconds: ReadonlyMap<string, number>,
  synthesizer: SpeechSynthesizerName,
): number[] {
  return spec.timeline.map((event) =>
    event.type === 'audio'
      ? (audioSeconds.get(event.data.assetId) ?? 0)
      : estimateSpeechSeconds(event.data, synthesizer),
  );
}

/** Each event where the renderer places it: from its start for its length, cut at the video's end. */
export function placeClips(spec: JobSpec, duration: number, lengths: readonly number[]): ClipPlan[] {
  return spec.timeline.map((event, index) => {
    const length = lengths[index] ?? 0;
    const end = Math.max(event.start, Math.min(duration, event.start + length));
    return {
      index,
      type: event.type,
      start: roundSeconds(event.start),
      end: roundSeconds(end),
      duration: roundSeconds(length),
      durationSource: event.type === 'audio' ? 'measured' : 'estimated',
      volume: event.data.volume,
      cutAtEnd: event.start >= duration || event.start + length > duration,
    };
  });
}

/** Whether the renderer plays music at all: a playlist, at a volume above 0. */
function musicIsHeard(spec: JobSpec): boolean {
  const music = spec.backgroundMusic;
  return music !== undefined && music.playlist.length > 0 && music.volume > 0;
}

/**
 * The music bed play by play, from the schedule the renderer builds its filtergraph from. Throws
 * PlaylistLayoutError when the playlist cannot be laid out (the render would fail the same way).
 */
export function planMusic(
  spec: JobSpec,
  duration: number,
  audioSeconds: ReadonlyMap<string, number>,
): MusicPlay[] {
  const music = spec.backgroundMusic;
  if (!music || !musicIsHeard(spec)) return [];
  const plays = schedulePlaylist({
    trackDurations: music.playlist.map((id) => audioSeconds.get(id) ?? 0),
    loop: music.loop,
    crossfade: music.crossfadeDuration,
    until: duration,
    startAt: music.startAt,
  });
  return plays.map((play) => ({
    trackIndex: play.playlistIndex,
    assetId: music.playlist[play.playlistIndex] ?? '',
    start: roundSeconds(play.start),
    end: roundSeconds(play.start + play.length),
    offset: roundSeconds(play.offset),
    fadeIn: roundSeconds(play.fadeIn),
    fadeOut: roundSeconds(play.fadeOut),
  }));
}

/** The music's ducking as the renderer applies it: each ducked clip's range, merged. */
export function planDucking(spec: JobSpec, duration: number, lengths: readonly number[]): JobPlan['ducking'] {
  if (!musicIsHeard(spec)) return [];
  const ranges = listDuckingRanges(spec.timeline, duration, (index) => lengths[index] ?? 0);
  return mergeDuckingRanges(ranges).map((range) => ({
    start: roundSeconds(range.start),
    end: roundSeconds(range.end),
    level: range.level,
    fade: range.fade,
  }));
}
