/**
 * Amazon Polly's voices and language codes, as the Polly API reference (VoiceId, LanguageCode) and
 * the "Available voices" table of the Polly developer guide list them. A unit test compares both
 * lists with the enums of @aws-sdk/client-polly, so a new SDK that adds a voice fails loudly here.
 */

export const POLLY_LANGUAGE_CODES = [
  'ar-AE',
  'arb',
  'ca-ES',
  'cmn-CN',
  'cs-CZ',
  'cy-GB',
  'da-DK',
  'de-AT',
  'de-CH',
  'de-DE',
  'en-AU',
  'en-GB',
  'en-GB-WLS',
  'en-IE',
  'en-IN',
  'en-NZ',
  'en-SG',
  'en-US',
  'en-ZA',
  'es-ES',
  'es-MX',
  'es-US',
  'fi-FI',
  'fr-BE',
  'fr-CA',
  'fr-FR',
  'hi-IN',
  'is-IS',
  'it-IT',
  'ja-JP',
  'ko-KR',
  'nb-NO',
  'nl-BE',
  'nl-NL',
  'pl-PL',
  'pt-BR',
  'pt-PT',
  'ro-RO',
  'ru-RU',
  'sv-SE',
  'tr-TR',
  'yue-CN',
] as const;

export type PollyLanguageCode = (typeof POLLY_LANGUAGE_CODES)[number];

export type VoiceGender = 'Female' | 'Male';

export interface PollyVoice {
  /** The voice's default language (what Polly uses when the request names none). */
  readonly languageCode: PollyLanguageCode;
  readonly gender: VoiceGender;
}

const F = 'Female';
const M = 'Male';

export const POLLY_VOICES = {
  Aditi: { languageCode: 'en-IN', gender: F },
  Adriano: { languageCode: 'it-IT', gender: M },
  Ambre: { languageCode: 'fr-FR', gender: F },
  Amy: { languageCode: 'en-GB', gender: F },
  Andres: { languageCode: 'es-MX', gender: M },
  Aria: { languageCode: 'en-NZ', gender: F },
  Arlet: { languageCode: 'ca-ES', gender: F },
  Arthur: { languageCode: 'en-GB', gender: M },
  Astrid: { languageCode: 'sv-SE', gender: F },
  Ayanda: { languageCode: 'en-ZA', gender: F },
  Beatrice: { languageCode: 'it-IT', gender: F },
  Bianca: { languageCode: 'it-IT', gender: F },
  Brian: { languageCode: 'en-GB', gender: M },
  Burcu: { languageCode: 'tr-TR', gender: F },
  Camila: { languageCode: 'pt-BR', gender: F },
  Carla: { languageCode: 'it-IT', gender: F },
  Carmen: { languageCode: 'ro-RO', gender: F },
  Celine: { languageCode: 'fr-FR', gender: F },
  Chantal: { languageCode: 'fr-CA', gender: F },
  Conchita: { languageCode: 'es-ES', gender: F },
  Cristiano: { languageCode: 'pt-PT', gender: M },
  Daniel: { languageCode: 'de-DE', gender: M },
  Danielle: { languageCode: 'en-US', gender: F },
  Dora: { languageCode: 'is-IS', gender: F },
  Elin: { languageCode: 'sv-SE', gender: F },
  Emma: { languageCode: 'en-GB', gender: F },
  Enrique: { languageCode: 'es-ES', gender: M },
  Ewa: { languageCode: 'pl-PL', gender: F },
  Filiz: { languageCode: 'tr-TR', gender: F },
  Florian: { languageCode: 'fr-FR', gender: M },
  Gabrielle: { languageCode: 'fr-CA', gender: F },
  Geraint: { languageCode: 'en-GB-WLS', gender: M },
  Giorgio: { languageCode: 'it-IT', gender: M },
  Gregory: { languageCode: 'en-US', gender: M },
  Gwyneth: { languageCode: 'cy-GB', gender: F },
  Hala: { languageCode: 'ar-AE', gender: F },
  Hannah: { languageCode: 'de-AT', gender: F },
  Hans: { languageCode: 'de-DE', gender: M },
  Hiujin: { languageCode: 'yue-CN', gender: F },
  Ida: { languageCode: 'nb-NO', gender: F },
  Ines: { languageCode: 'pt-PT', gender: F },
  Isabelle: { languageCode: 'fr-BE', gender: F },
  Ivy: { languageCode: 'en-US', gender: F },
  Jacek: { languageCode: 'pl-PL', gender: M },
  Jan: { languageCode: 'pl-PL', gender: M },
  Jasmine: { languageCode: 'en-SG', gender: F },
  Jihye: { languageCode: 'ko-KR', gender: F },
  Jitka: { languageCode: 'cs-CZ', gender: F },
  Joanna: { languageCode: 'en-US', gender: F },
  Joey: { languageCode: 'en-US', gender: M },
  Justin: { languageCode: 'en-US', gender: M },
  Kajal: { languageCode: 'en-IN', gender: F },
  Karl: { languageCode: 'is-IS', gender: M },
  Kazuha: { languageCode: 'ja-JP', gender: F },
  Kendra: { languageCode: 'en-US', gender: F },
  Kevin: { languageCode: 'en-US', gender: M },
  Kimberly: { languageCode: 'en-US', gender: F },
  Laura: { languageCode: 'nl-NL', gender: F },
  Lea: { languageCode: 'fr-FR', gender: F },
  Lennart: { languageCode: 'de-DE', gender: M },
  Liam: { languageCode: 'fr-CA', gender: M },
  Lisa: { languageCode: 'nl-BE', gender: F },
  Liv: { languageCode: 'nb-NO', gender: F },
  Lorenzo: { languageCode: 'it-IT', gender: M },
  Lotte: { languageCode: 'nl-NL', gender: F },
  Lucia: { languageCode: 'es-ES', gender: F },
  Lupe: { languageCode: 'es-US', gender: F },
  Mads: { languageCode: 'da-DK', gender: M },
  Maja: { languageCode: 'pl-PL', gender: F },
  Marlene: { languageCode: 'de-DE', gender: F },
  Mathieu: { languageCode: 'fr-FR', gender: M },
  Matthew: { languageCode: 'en-US', gender: M },
  Maxim: { languageCode: 'ru-RU', gender: M },
  Mia: { languageCode: 'es-MX', gender: F },
  Miguel: { languageCode: 'es-US', gender: M },
  Mizuki: { languageCode: 'ja-JP', gender: F },
  Naja: { languageCode: 'da-DK', gender: F },
  Niamh: { languageCode: 'en-IE', gender: F },
  Nicole: { languageCode: 'en-AU', gender: F },
  Ola: { languageCode: 'pl-PL', gender: F },
  Olivia: { languageCode: 'en-AU', gender: F },
  Pedro: { languageCode: 'es-US', gender: M },
  Penelope: { languageCode: 'es-US', gender: F },
  Raveena: { languageCode: 'en-IN', gender: F },
  Remi: { languageCode: 'fr-FR', gender: M },
  Ricardo: { languageCode: 'pt-BR', gender: M },
  Ruben: { languageCode: 'nl-NL', gender: M },
  Russell: { languageCode: 'en-AU', gender: M },
  Ruth: { languageCode: 'en-US', gender: F },
  Sabrina: { languageCode: 'de-CH', gender: F },
  Salli: { languageCode: 'en-US', gender: F },
  Seoyeon: { languageCode: 'ko-KR', gender: F },
  Sergio: { languageCode: 'es-ES', gender: M },
  Sofie: { languageCode: 'da-DK', gender: F },
  Stephen: { languageCode: 'en-US', gender: M },
  Suvi: { languageCode: 'fi-FI', gender: F },
  Takumi: { languageCode: 'ja-JP', gender: M },
  Tatyana: { languageCode: 'ru-RU', gender: F },
  Thiago: { languageCode: 'pt-BR', gender: M },
  Tiffany: { languageCode: 'en-US', gender: F },
  Tomoko: { languageCode: 'ja-JP', gender: F },
  Vicki: { languageCode: 'de-DE', gender: F },
  Vitoria: { languageCode: 'pt-BR', gender: F },
  Zayd: { languageCode: 'ar-AE', gender: M },
  Zeina: { languageCode: 'arb', gender: F },
  Zhiyu: { languageCode: 'cmn-CN', gender: F },
} as const satisfies Record<string, PollyVoice>;

export type PollyVoiceId = keyof typeof POLLY_VOICES;

export const POLLY_VOICE_IDS = Object.keys(POLLY_VOICES) as [PollyVoiceId, ...PollyVoiceId[]];

export const POLLY_ENGINES = ['standard', 'neural', 'long-form', 'generative'] as const;

/** Polly engines that give speech marks (word and sentence times); the generative engine gives none. */
const ENGINES_WITH_MARKS: ReadonlySet<string> = new Set(['standard', 'neural', 'long-form']);

/** Whether Polly's `engine` gives word times (speech marks): timing captions asks it twice. */
export function givesSpeechMarks(engine: string): boolean {
  return ENGINES_WITH_MARKS.has(engine);
}

export const POLLY_TEXT_TYPES = ['text', 'ssml'] as const;
