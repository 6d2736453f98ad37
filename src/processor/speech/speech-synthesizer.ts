import { POLLY_VOICES, type PollyLanguageCode, type TtsEvent } from '@auto-vid/shared';
import type { SpeechTiming } from './speech-timing.ts';

/**
 * What to say and how: the spec's TTS data, with defaults applied. `maxSeconds`, when given, is
 * as much speech as can be heard (the time left before the video ends): nothing past it is made.
 */
export type SpeechRequest = Pick<TtsEvent['data'], 'text' | 'providerConfig'> & {
  readonly maxSeconds?: number;
  /** When each sentence and word is spoken is wanted too (for captions). */
  readonly timing?: boolean;
};

/** An audio file of synthesised speech. */
export interface SpeechAudio {
  readonly path: string;
  /** True when the speech was stopped at the request's `maxSeconds`: it is not the whole text. */
  readonly cut: boolean;
  /** When the words are spoken, when the request asked for `timing`. */
  readonly timing?: SpeechTiming;
}

/** Turns text into an audio file in `directory`. */
export interface SpeechSynthesizer {
  /** Names the engine; part of the cache key, so one engine's audio never stands in for another's. */
  readonly name: string;
  synthesize(request: SpeechRequest, directory: string, signal?: AbortSignal): Promise<SpeechAudio>;
}

/** The language a narration is spoken in: its languageCode, else its voice's. */
export function speechLanguage(request: Pick<SpeechRequest, 'providerConfig'>): PollyLanguageCode {
  const config = request.providerConfig;
  return config.languageCode ?? POLLY_VOICES[config.voiceId].languageCode;
}
