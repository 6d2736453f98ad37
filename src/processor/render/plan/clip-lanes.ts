import { countSamples, delayBySamples, type FilterSection, NORMALIZE_AUDIO } from './audio-filters.ts';
import { formatNumber } from './filter-number.ts';
import type { InputList } from './input-list.ts';
import { findTimelineClip, type PlanInput, type PreparedAudio } from './plan-input.ts';

/** A timeline clip placed in samples: it starts at `startSample` and lasts exactly `samples`. */
interface PlacedClip {
  readonly timelineIndex: number;
  readonly audio: PreparedAudio;
  readonly volume: number;
  readonly startSample: number;
  readonly samples: number;
}

/**
 * Timed clips: narration and sound effects at their start and volume, cut at the video's end.
 * Clips that do not overlap share a lane: one chain of (silence gap + clip) segments joined by
 * concat, so the silence before a late clip is generated once per lane, not once per clip.
 */
export function buildClipLanes(input: PlanInput, duration: number, inputs: InputList): FilterSection {
  const lanes = assignLanes(placeClips(input, duration)).map((lane, laneIndex) =>
    buildLane(lane, `[lane${laneIndex}]`, inputs),
  );
  return { chains: lanes.flatMap((lane) => lane.chains), outputs: lanes.flatMap((lane) => lane.outputs) };
}

/** Audible clips only: a clip that starts at or after the end, or has volume 0, is left out. */
function placeClips(input: PlanInput, duration: number): PlacedClip[] {
  return input.spec.timeline.flatMap((event, i): PlacedClip[] => {
    if (event.start >= duration || event.data.volume === 0) return [];
    const audio = findTimelineClip(input, i);
    const startSample = countSamples(event.start);
    const samples = countSamples(Math.min(audio.duration, duration - event.start));
    if (samples <= 0) return [];
    return [{ timelineIndex: i, audio, volume: event.data.volume, startSample, samples }];
  });
}

/** Greedy interval colouring: each clip goes to the first lane that is free at its start. */
function assignLanes(clips: readonly PlacedClip[]): PlacedClip[][] {
  const lanes: PlacedClip[][] = [];
  const sorted = [...clips].sort(
    (a, b) => a.startSample - b.startSample || a.timelineIndex - b.timelineIndex,
  );
  for (const clip of sorted) {
    const free = lanes.find((lane) => {
      const last = lane.at(-1) as PlacedClip;
      return last.startSample + last.samples <= clip.startSample;
    });
    if (free) free.push(clip);
    else lanes.push([clip]);
  }
  return lanes;
}

/** A lane of one clip is mixed as it is; a longer lane is concatenated into `laneLabel`. */
function buildLane(lane: readonly PlacedClip[], laneLabel: string, inputs: InputList): FilterSection {
  const chains = lane.map((clip, k) => {
    const previous = lane[k - 1];
    const gap = clip.startSample - (previous ? previous.startSample + previous.samples : 0);
    return buildSegmentChain(clip, gap, inputs.add(clip.audio));
  });
  const segments = lane.map((clip) => `[e${clip.timelineIndex}]`);
  if (segments.length === 1) return { chains, outputs: segments };
  const concat = `${segments.join('')}concat=n=${segments.length}:v=0:a=1${laneLabel}`;
  return { chains: [...chains, concat], outputs: [laneLabel] };
}

/**
 * The silence before the clip, then the clip. Trim and pad make it exactly `samples` long, so the next
 * gap, counted from this clip's placed end, puts the next clip on its exact sample.
 */
function buildSegmentChain(clip: PlacedClip, gapSamples: number, index: number): string {
  const filters = [
    NORMALIZE_AUDIO,
    `atrim=end_sample=${clip.samples}`,
    `apad=whole_len=${clip.samples}`,
    `volume=${formatNumber(clip.volume)}`,
    delayBySamples(gapSamples),
  ];
  return `[${index}:a]${filters.join(',')}[e${clip.timelineIndex}]`;
}
