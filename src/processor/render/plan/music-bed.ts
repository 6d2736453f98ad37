import {
  countSamples,
  delayBySamples,
  EMPTY_SECTION,
  type FilterSection,
  mixLabels,
  NORMALIZE_AUDIO,
} from './audio-filters.ts';
import { buildDuckingExpression, type DuckingRange } from './ducking-envelope.ts';
import { formatNumber } from './filter-number.ts';
import type { InputList } from './input-list.ts';
import { findAudioAsset, findTimelineClip, type PlanInput, type PreparedAudio } from './plan-input.ts';
import { type MusicOccurrence, schedulePlaylist } from './playlist.ts';

/**
 * Background music: every play of a track is its own input, faded and delayed into place, then
 * mixed into `[music]` at the music volume, ducked under the timeline events that ask for it.
 */
export function buildMusicBed(input: PlanInput, duration: number, inputs: InputList): FilterSection {
  const music = input.spec.backgroundMusic;
  if (!music || music.playlist.length === 0 || music.volume <= 0) return EMPTY_SECTION;
  const tracks = music.playlist.map((id) => findAudioAsset(input, id));
  const plays = schedulePlaylist({
    trackDurations: tracks.map((t) => t.duration),
    loop: music.loop,
    crossfade: music.crossfadeDuration,
    until: duration,
  });
  if (plays.length === 0) return EMPTY_SECTION;
  const playChains = plays.map((play, k) => {
    const track = tracks[play.playlistIndex] as PreparedAudio;
    return buildPlayChain(play, track, inputs.add(track), `[m${k}]`);
  });
  const gain = buildMusicGain(music.volume, collectDuckingRanges(input, duration));
  const bed = `${mixLabels(plays.map((_, k) => `[m${k}]`))},volume='${gain}':eval=frame[music]`;
  return { chains: [...playChains, bed], outputs: ['[music]'] };
}

function buildPlayChain(play: MusicOccurrence, track: PreparedAudio, index: number, label: string): string {
  const filters = [
    NORMALIZE_AUDIO,
    `atrim=end=${formatNumber(play.length)}`,
    ...(play.fadeIn > 0 ? [`afade=t=in:st=0:d=${formatNumber(play.fadeIn)}`] : []),
    ...(play.fadeOut > 0
      ? [`afade=t=out:st=${formatNumber(track.duration - play.fadeOut)}:d=${formatNumber(play.fadeOut)}`]
      : []),
    delayBySamples(countSamples(play.start)),
  ];
  return `[${index}:a]${filters.join(',')}${label}`;
}

function buildMusicGain(volume: number, ducking: readonly DuckingRange[]): string {
  const envelope = buildDuckingExpression(ducking);
  return envelope ? `${formatNumber(volume)}*${envelope}` : formatNumber(volume);
}

/** Each event with a ducking level lowers the music while its clip plays (up to the video's end). */
function collectDuckingRanges(input: PlanInput, duration: number): DuckingRange[] {
  return input.spec.timeline.flatMap((event, i) => {
    const level = event.data.duckingLevel;
    if (level === undefined || event.start >= duration) return [];
    const clip = findTimelineClip(input, i);
    return [
      {
        start: event.start,
        end: Math.min(duration, event.start + clip.duration),
        level,
        fade: event.data.duckingFadeDuration,
      },
    ];
  });
}
