/**
 * ISO 639-2/T codes of Polly's languages, as an MP4 track's language is written (ISO/IEC 14496-12
 * packs three letters); Chinese in both its Polly forms (and as BCP 47 writes it, `zh`) is `zho`.
 */
const ISO_639_2: Record<string, string> = {
  ar: 'ara',
  arb: 'ara',
  ca: 'cat',
  cmn: 'zho',
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

/** The three-letter code of a Polly language code; `und` (undetermined) for one not listed. */
export function trackLanguage(language: string): string {
  return ISO_639_2[language.split('-')[0] ?? ''] ?? 'und';
}
