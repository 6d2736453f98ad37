import type { TtsEvent } from '@auto-vid/shared';

/** What to say and how: the spec's TTS data, with defaults applied. */
export type SpeechRequest = Pick<TtsEvent['data'], 'text' | 'providerConfig'>;

/** Turns text into an audio file in `directory` and returns its path. */
export interface SpeechSynthesizer {
  /** Names the engine; part of the cache key, so one engine's audio never stands in for another's. */
  readonly name: string;
  synthesize(request: SpeechRequest, directory: string, signal?: AbortSignal): Promise<string>;
}
