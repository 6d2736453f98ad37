import type { JobSpec } from '@auto-vid/shared';
import type { CaptionFiles } from '../../captions/write-captions.ts';
import type { MediaProbe } from '../probe.ts';

/** A probed local file: its length in seconds and the allowed demuxer that reads it. */
export interface PreparedAudio {
  readonly path: string;
  readonly duration: number;
  readonly demuxer: string;
}

export interface PlanInput {
  readonly spec: JobSpec;
  readonly video: { readonly path: string; readonly probe: MediaProbe };
  /** Downloaded audio assets by asset id. */
  readonly audioAssets: ReadonlyMap<string, PreparedAudio>;
  /** Synthesised speech by timeline index. */
  readonly speech: ReadonlyMap<number, PreparedAudio>;
  readonly outputPath: string;
  /** The job's own folder, for what a run writes for the next one (a loudness target's mix). */
  readonly workDirectory: string;
  /** The captions' files, when the job asks for captions: a track to mux, a script to draw. */
  readonly captions?: Pick<CaptionFiles, 'trackPath' | 'trackLanguage' | 'burnIn'>;
}

export function findAudioAsset(input: PlanInput, assetId: string): PreparedAudio {
  return lookup(input.audioAssets, assetId, 'audio asset');
}

/** The audio a timeline event plays: its asset, or the speech synthesised for it. */
export function findTimelineClip(input: PlanInput, timelineIndex: number): PreparedAudio {
  const event = input.spec.timeline[timelineIndex];
  if (event?.type === 'audio') return findAudioAsset(input, event.data.assetId);
  return lookup(input.speech, timelineIndex, 'speech for timeline event');
}

function lookup<K>(map: ReadonlyMap<K, PreparedAudio>, key: K, what: string): PreparedAudio {
  const found = map.get(key);
  if (!found) throw new Error(`No prepared ${what} ${String(key)}`);
  return found;
}
