/**
 * ISO 639-2/T codes of Polly's languages by their canonical BCP 47 language (`intlLocale`: Polly's
 * `arb` is `ar`, `cmn` is `zh`), as an MP4 track's language is written (ISO/IEC 14496-12 packs three
 * letters); Cantonese is `zho` too.
 */
const ISO_639_2: Record<string, string> = {
  ar: 'ara',
  ca: 'cat',
  cs: 'ces',
  cy: 'cym',
  da: 'dan',
  de: 'deu',
  en: 'eng',
  es: 'spa',
  fi: 'fin',
  fr: 'fra',
  hi: 'hin',
  is: 'isl',
  it: 'ita',
  ja: 'jpn',
  ko: 'kor',
  nb: 'nob',
  nl: 'nld',
  pl: 'pol',
  pt: 'por',
  ro: 'ron',
  ru: 'rus',
  sv: 'swe',
  tr: 'tur',
  yue: 'zho',
  zh: 'zho',
};

/** The three-letter code of a canonical BCP 47 tag; `und` (undetermined) for a language not listed. */
export function trackLanguage(language: string): string {
  return ISO_639_2[language.split('-')[0] ?? ''] ?? 'und';
}
