import type { JobSpec, TtsEvent } from '@auto-vid/shared';
import type { AssetRef } from '../assets/fetch-assets.ts';

/** A narration event to synthesise, with its place in the timeline. */
export interface SpeechInput {
  readonly event: TtsEvent;
  readonly timelineIndex: number;
}

/** What a render needs: assets nobody refers to are never downloaded. */
export interface UsedInputs {
  /** The source video first, then the audio assets the music or the timeline play, each once. */
  readonly assets: readonly AssetRef[];
  readonly speech: readonly SpeechInput[];
  /** Whether the narrations' timing is wanted (the job asks for captions). */
  readonly speechTiming: boolean;
}

export function selectUsedInputs(spec: JobSpec): UsedInputs {
  const audioIds = new Set([
    ...(spec.backgroundMusic?.playlist ?? []),
    ...spec.timeline.flatMap((event) => (event.type === 'audio' ? [event.data.assetId] : [])),
  ]);
  return {
    assets: [spec.assets.video, ...spec.assets.audio.filter((asset) => audioIds.has(asset.id))],
    speech: spec.timeline.flatMap((event, timelineIndex) =>
      event.type === 'tts' ? [{ event, timelineIndex }] : [],
    ),
    speechTiming: spec.output.captions !== undefined,
  };
}
