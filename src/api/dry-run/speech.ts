import {
  givesSpeechMarks,
  type JobSpec,
  LOCAL_SPEECH_ENGINE,
  POLLY_VOICES,
  type SpeechCharacters,
  type TtsEvent,
} from '@auto-vid/shared';

/** Which engine speaks the narration: Amazon Polly in the cloud, espeak-ng on one machine. */
export type SpeechSynthesizerName = 'aws-polly' | typeof LOCAL_SPEECH_ENGINE;

/**
 * How fast Polly is taken to speak, in characters a second. Polly publishes no rate ("no standard
 * speed (words per minute) is available", its Voice speed page: it varies by voice more than by
 * engine), so the rate is that of narration, 150 to 160 words a minute, at about 6 characters a
 * word with its space and punctuation. It errs long rather than short, so an overlap or a cut is
 * warned of rather than missed.
 */
export const POLLY_CHARACTERS_PER_SECOND = 15;

/**
 * espeak-ng at its default 175 words a minute, measured here: a 196-character English paragraph
 * lasted 10.66 s (18.4 characters a second).
 */
export const ESPEAK_CHARACTERS_PER_SECOND = 18;

/**
 * Mandarin, Cantonese and Japanese are written without spaces, about a syllable a character, and
 * read at 4 to 6 syllables a second: their text is much shorter for the same speech.
 */
const SYLLABIC_LANGUAGES: ReadonlySet<string> = new Set(['cmn-CN', 'yue-CN', 'ja-JP']);
export const SYLLABIC_CHARACTERS_PER_SECOND = 5;

const ENTITY = /&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi;

/**
 * The characters Polly bills for a text: all of plain text (the renderer trims it), and SSML's
 * text without its tags ("SSML tags are not counted as billed characters"), an entity as one.
 */
export function countBilledCharacters(text: string, textType: 'text' | 'ssml'): number {
  if (textType === 'text') return text.trim().length;
  return text
    .replace(/<[^>]*>/g, '')
    .replace(ENTITY, '_')
    .trim().length;
}

/** Seconds of `<break time="…"/>` in SSML (Polly allows at most 10 s each, validated with the spec). */
function countBreakSeconds(ssml: string): number {
  let total = 0;
  for (const match of ssml.matchAll(/<break\b[^>]*?\btime\s*=\s*["']([\d.]+)\s*(ms|s)["']/gi)) {
    const value = Number(match[1]);
    total += match[2]?.toLowerCase() === 'ms' ? value / 1000 : value;
  }
  return total;
}

/** How long a narration is estimated to last: its text at the engine's rate, plus SSML breaks. */
export function estimateSpeechSeconds(data: TtsEvent['data'], synthesizer: SpeechSynthesizerName): number {
  const config = data.providerConfig;
  const language = config.languageCode ?? POLLY_VOICES[config.voiceId].languageCode;
  const rate = SYLLABIC_LANGUAGES.has(language)
    ? SYLLABIC_CHARACTERS_PER_SECOND
    : synthesizer === LOCAL_SPEECH_ENGINE
      ? ESPEAK_CHARACTERS_PER_SECOND
      : POLLY_CHARACTERS_PER_SECOND;
  const characters = countBilledCharacters(data.text, config.textType);
  const breaks = config.textType === 'ssml' ? countBreakSeconds(data.text) : 0;
  return characters / rate + breaks;
}

/**
 * Characters sent to the speech engine, by engine, as the renderer sends them: every narration that
 * starts before the video's end (later ones are never spoken), twice on an engine with speech marks
 * when the job asks for captions. An upper bound: a narration cut at the video's end stops asking
 * for parts past it, and a cached narration costs nothing.
 */
export function countSpeechCharacters(
  spec: JobSpec,
  videoSeconds: number,
  synthesizer: SpeechSynthesizerName,
): SpeechCharacters {
  const local = synthesizer === LOCAL_SPEECH_ENGINE;
  const counts: SpeechCharacters = {
    standard: 0,
    neural: 0,
    'long-form': 0,
    generative: 0,
    ...(local ? { [LOCAL_SPEECH_ENGINE]: 0 } : {}),
  };
  const timed = spec.output.captions !== undefined;
  for (const event of spec.timeline) {
    if (event.type !== 'tts' || event.start >= videoSeconds) continue;
    const config = event.data.providerConfig;
    const characters = countBilledCharacters(event.data.text, config.textType);
    const engine: keyof SpeechCharacters = local ? LOCAL_SPEECH_ENGINE : config.engine;
    const requests = !local && timed && givesSpeechMarks(engine) ? 2 : 1;
    counts[engine] = (counts[engine] ?? 0) + characters * requests;
  }
  return counts;
}
