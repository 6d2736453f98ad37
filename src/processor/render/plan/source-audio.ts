import { EMPTY_SECTION, type FilterSection, NORMALIZE_AUDIO } from './audio-filters.ts';
import { buildDuckingExpression, collectDuckingRanges } from './ducking-envelope.ts';
import { formatNumber } from './filter-number.ts';
import { ducksUnderSource } from './music-bed.ts';
import type { PlanInput } from './plan-input.ts';

/** The source audio's part of the graph, and the label that keys the music's compressor, if any. */
export interface SourceAudioSection extends FilterSection {
  readonly key?: string;
}

/**
 * The source video's own audio, when the spec keeps it and the video has some: its first audio
 * stream from the output's second 0 (the shift that starts the picture on its first frame applies
 * to it too; a late start is padded, an early one cut), padded or cut to the video's duration, at
 * its volume and ducked under the timeline's ducking clips when asked. When the music ducks under
 * it, a copy at its own level keys that compressor.
 */
export function buildSourceAudio(input: PlanInput, duration: number): SourceAudioSection {
  const settings = input.spec.assets.video.audio;
  if (!settings?.keep || !input.video.probe.hasAudio) return EMPTY_SECTION;
  const end = formatNumber(duration);
  const aligned = [
    // Cut first: a stream that starts late would otherwise be padded from 0 to its start in memory.
    `atrim=end=${end}`,
    'aresample=first_pts=0',
    NORMALIZE_AUDIO,
    `apad=whole_dur=${end}`,
    `atrim=end=${end}`,
    'asetpts=N/SR/TB',
  ];
  const envelope =
    settings.duckingLevel === undefined
      ? undefined
      : buildDuckingExpression(collectDuckingRanges(input, duration, settings.duckingLevel));
  const volume = `volume='${formatNumber(settings.volume)}${envelope ? `*${envelope}` : ''}':eval=frame`;
  if (!ducksUnderSource(input.spec.backgroundMusic))
    return { chains: [`[0:a:0]${[...aligned, volume].join(',')}[source]`], outputs: ['[source]'] };
  return {
    chains: [`[0:a:0]${aligned.join(',')},asplit=2[sourcein][sourcekey]`, `[sourcein]${volume}[source]`],
    outputs: ['[source]'],
    // Padded to the video's duration above, so the compressor never runs out of key.
    key: '[sourcekey]',
  };
}
