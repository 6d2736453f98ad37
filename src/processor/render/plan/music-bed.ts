import { type JobSpec, SOURCE_DUCKING_DEFAULTS } from '@auto-vid/shared';
import type { DuckingRange } from '../../../timeline/ducking.ts';
import { type MusicOccurrence, schedulePlaylist } from '../../../timeline/playlist.ts';
import {
  countSamples,
  delayBySamples,
  EMPTY_SECTION,
  type FilterSection,
  mixLabels,
  NORMALIZE_AUDIO,
} from './audio-filters.ts';
import { buildDuckingExpression, collectDuckingRanges } from './ducking-envelope.ts';
import { formatNumber } from './filter-number.ts';
import type { InputList } from './input-list.ts';
import { findAudioAsset, type PlanInput, type PreparedAudio } from './plan-input.ts';

/**
 * Background music: every play of a track is its own input, faded and delayed into place, then
 * mixed into `[music]` at the music volume, ducked under the timeline events that ask for it, faded
 * in and out at the video's ends, and compressed under the source audio (`sourceKey`) when asked.
 */
export function buildMusicBed(
  input: PlanInput,
  duration: number,
  inputs: InputList,
  sourceKey?: string,
): FilterSection {
  const music = input.spec.backgroundMusic;
  if (!music || !isHeard(music)) return EMPTY_SECTION;
  const tracks = music.playlist.map((id) => findAudioAsset(input, id));
  const plays = schedulePlaylist({
    trackDurations: tracks.map((t) => t.duration),
    loop: music.loop,
    crossfade: music.crossfadeDuration,
    until: duration,
    startAt: music.startAt,
  });
  const playChains = plays.map((play, k) => {
    const track = tracks[play.playlistIndex] as PreparedAudio;
    return buildPlayChain(play, track, inputs.add(track), `[m${k}]`);
  });
  const gain = buildMusicGain(music.volume, collectDuckingRanges(input, duration));
  const filters = [
    mixLabels(plays.map((_, k) => `[m${k}]`)),
    `volume='${gain}':eval=frame`,
    ...buildEndFades(music.fadeIn, music.fadeOut, duration),
  ];
  const ducker =
    sourceKey && music.duckUnderSource !== false ? sourceDucking(music.duckUnderSource) : undefined;
  if (!ducker) return { chains: [...playChains, `${filters.join(',')}[music]`], outputs: ['[music]'] };
  return {
    chains: [...playChains, `${filters.join(',')}[bed]`, `[bed]${sourceKey}${ducker}[music]`],
    outputs: ['[music]'],
  };
}

type Music = NonNullable<JobSpec['backgroundMusic']>;

/** Music with something to play at a volume above 0 (a video always has a duration). */
function isHeard(music: Music): boolean {
  return music.playlist.length > 0 && music.volume > 0;
}

/** Whether the music bed reads a key of the source audio to duck under it. */
export function ducksUnderSource(music: Music | undefined): boolean {
  return music !== undefined && isHeard(music) && music.duckUnderSource !== false;
}

/** The music's fade-in from the video's start and fade-out to its end, each at most the video's length. */
function buildEndFades(fadeIn: number, fadeOut: number, duration: number): string[] {
  const fadeOutLength = Math.min(fadeOut, duration);
  return [
    ...buildFade('in', 0, Math.min(fadeIn, duration)),
    ...buildFade('out', duration - fadeOutLength, fadeOutLength),
  ];
}

type DuckUnderSource = Music['duckUnderSource'];

/**
 * A side-chain compressor on the music, keyed by the source audio: while the source is over the
 * threshold, the music is lowered by (level - threshold) × (1 - 1/ratio) dB, with no make-up gain.
 */
function sourceDucking(setting: Exclude<DuckUnderSource, false>): string {
  const { threshold, ratio } = setting === true ? SOURCE_DUCKING_DEFAULTS : setting;
  const { attackMs, releaseMs } = SOURCE_DUCKING_DEFAULTS;
  const linearThreshold = formatNumber(10 ** (threshold / 20));
  return `sidechaincompress=threshold=${linearThreshold}:ratio=${formatNumber(ratio)}:attack=${attackMs}:release=${releaseMs}:makeup=1`;
}

function buildPlayChain(play: MusicOccurrence, track: PreparedAudio, index: number, label: string): string {
  const heard = track.duration - play.offset;
  const filters = [
    NORMALIZE_AUDIO,
    ...(play.offset > 0
      ? [
          `atrim=start=${formatNumber(play.offset)}:end=${formatNumber(play.offset + play.length)}`,
          'asetpts=PTS-STARTPTS',
        ]
      : [`atrim=end=${formatNumber(play.length)}`]),
    ...buildFade('in', 0, play.fadeIn),
    ...buildFade('out', heard - play.fadeOut, play.fadeOut),
    delayBySamples(countSamples(play.start)),
  ];
  return `[${index}:a]${filters.join(',')}${label}`;
}

/**
 * One afade, or none when it would be written as 0 s long: afade reads d=0 as "not given" and
 * fades over 44100 samples instead.
 */
function buildFade(type: 'in' | 'out', start: number, length: number): string[] {
  const d = formatNumber(Math.max(0, length));
  return d === '0' ? [] : [`afade=t=${type}:st=${formatNumber(start)}:d=${d}`];
}

function buildMusicGain(volume: number, ducking: readonly DuckingRange[]): string {
  const envelope = buildDuckingExpression(ducking);
  return envelope ? `${formatNumber(volume)}*${envelope}` : formatNumber(volume);
}
