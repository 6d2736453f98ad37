/**
 * When each word of a narration is spoken, as the captions need it: sentences, each with its words
 * as they are shown (punctuation kept, SSML tags gone), and their start in seconds from the start
 * of the narration's audio.
 */
export interface TimedWord {
  readonly text: string;
  /** Seconds from the start of the speech audio. */
  readonly start: number;
}

export interface TimedSentence {
  /** Seconds from the start of the speech audio. */
  readonly start: number;
  /** Seconds: where its sound ends, when that is known; else the next sentence's start or the audio's end. */
  readonly end?: number;
  readonly words: readonly TimedWord[];
}

/**
 * `exact`: each word's time comes from the engine (Polly's speech marks). `sentences`: each
 * sentence's time is exact (synthesised on its own), its words are placed inside it by their
 * length. `estimated`: sentences and words are both placed by length inside the audible span.
 */
export type TimingAccuracy = 'exact' | 'sentences' | 'estimated';

export interface SpeechTiming {
  readonly accuracy: TimingAccuracy;
  readonly sentences: readonly TimedSentence[];
}

/** One line of Polly's speech-mark output (`OutputFormat: json`). */
export interface PollySpeechMark {
  /** Milliseconds from the start of the audio stream. */
  readonly time: number;
  readonly type: string;
  /** UTF-8 byte offsets into the text that was sent. */
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

/** Reads Polly's line-delimited JSON; a line that is not a mark is refused, not guessed at. */
export function parseSpeechMarks(body: string): PollySpeechMark[] {
  return body
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const mark = JSON.parse(line) as Partial<PollySpeechMark>;
      if (
        typeof mark.time !== 'number' ||
        typeof mark.type !== 'string' ||
        typeof mark.start !== 'number' ||
        typeof mark.end !== 'number'
      ) {
        throw new Error(`Not a speech mark: ${line.slice(0, 80)}`);
      }
      return {
        time: mark.time,
        type: mark.type,
        start: mark.start,
        end: mark.end,
        value: String(mark.value),
      };
    });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** SSML as the viewer reads it: tags removed, entities decoded, white space collapsed. */
export function spokenText(text: string, textType: 'text' | 'ssml'): string {
  const plain =
    textType === 'ssml'
      ? text
          .replace(/<[^>]*>/g, ' ')
          .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => decodeEntity(entity, name))
      : text;
  // A tag between a word and its punctuation leaves no space before the punctuation.
  return plain
    .replace(/\s+/g, ' ')
    .replace(/ ([.,;:!?…])/g, '$1')
    .trim();
}

function decodeEntity(entity: string, name: string): string {
  if (name.startsWith('#')) {
    const code = name[1]?.toLowerCase() === 'x' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  }
  return ENTITIES[name.toLowerCase()] ?? entity;
}

/**
 * Sentences and words from Polly's `sentence` and `word` marks over `text` (the text of that one
 * request), shifted by `offsetSeconds` (where this request's audio starts in the joined audio). A
 * word shows the text from its own start to the next word's (so its punctuation comes with it);
 * the first word of a sentence also takes what precedes it in the sentence (an opening quote).
 * Marks that show nothing once tags are removed (Polly marks a `<break>` as a word) are dropped.
 */
export function timeWordsFromMarks(
  marks: readonly PollySpeechMark[],
  text: string,
  textType: 'text' | 'ssml',
  offsetSeconds = 0,
): TimedSentence[] {
  const bytes = Buffer.from(text, 'utf8');
  const slice = (from: number, to: number) =>
    spokenText(bytes.subarray(Math.max(0, from), Math.min(bytes.length, to)).toString('utf8'), textType);
  const sentenceMarks = marks.filter((mark) => mark.type === 'sentence').sort((a, b) => a.start - b.start);
  const wordMarks = marks.filter((mark) => mark.type === 'word').sort((a, b) => a.start - b.start);
  return sentenceMarks
    .map((sentence) => {
      const inside = wordMarks.filter((word) => word.start >= sentence.start && word.start < sentence.end);
      const words = inside
        .map((word, i) => ({
          text: slice(i === 0 ? sentence.start : word.start, inside[i + 1]?.start ?? sentence.end),
          start: offsetSeconds + word.time / 1000,
        }))
        .filter((word) => word.text !== '');
      return { start: offsetSeconds + sentence.time / 1000, words };
    })
    .filter((sentence) => sentence.words.length > 0);
}

/** A "sentence" that is one short capitalised word and a full stop: "Dr.", "Mrs.", "St.", "J.". */
const ABBREVIATION = /^\p{Lu}\p{Ll}{0,3}\.$/u;

/**
 * A Polly language code as a BCP 47 tag, canonical (`cmn-CN` is `zh-CN`, `arb` is `ar`): for Intl,
 * and as the job view states a language. Polly's `en-GB-WLS` is no tag (WLS is no valid variant),
 * so a code Intl refuses is read as its language and region.
 */
export function intlLocale(language: string): string {
  try {
    return new Intl.Locale(language).toString();
  } catch {
    return language.split('-').slice(0, 2).join('-');
  }
}

/**
 * Sentences of a plain text, by the language's rules (ICU's sentence breaks), trimmed, none empty.
 * ICU breaks after any full stop, so a short capitalised word ending in one ("Dr.", "St.") is taken
 * as an abbreviation and joined to what follows. Joining them with spaces gives the text back, white
 * space aside.
 */
export function splitSentences(text: string, language: string): string[] {
  const segmenter = new Intl.Segmenter(intlLocale(language), { granularity: 'sentence' });
  const parts = [...segmenter.segment(text)].map((part) => part.segment.trim()).filter((part) => part !== '');
  return parts.reduce<string[]>((sentences, part) => {
    const last = sentences.at(-1);
    if (last !== undefined && ABBREVIATION.test(last)) sentences[sentences.length - 1] = `${last} ${part}`;
    else sentences.push(part);
    return sentences;
  }, []);
}

/** How much of a sentence's time a word takes: its letters and digits, at least one. */
function wordWeight(word: string): number {
  return Math.max(1, word.match(/[\p{L}\p{N}]/gu)?.length ?? 0);
}

/**
 * Words placed inside `[start, end)` by their length: each word starts when the letters before it
 * would have been spoken at an even pace. The estimate the docs describe for engines that give no
 * word times.
 */
export function placeWords(text: string, start: number, end: number): TimedWord[] {
  const words = text.split(/\s+/).filter((word) => word !== '');
  const total = words.reduce((sum, word) => sum + wordWeight(word), 0);
  let before = 0;
  return words.map((word) => {
    const at = start + ((end - start) * before) / total;
    before += wordWeight(word);
    return { text: word, start: at };
  });
}

/** A sentence spoken between `start` and `end` (seconds), its words placed by length. */
export function estimateSentence(text: string, start: number, end: number): TimedSentence {
  return { start, end, words: placeWords(text, start, end) };
}

/**
 * Sentences of a whole text placed by length inside the audible span: for SSML on an engine with no
 * word times, which cannot be synthesised a sentence at a time without changing its markup.
 */
export function estimateWholeText(sentences: readonly string[], start: number, end: number): TimedSentence[] {
  const letters = sentences.map(letterCount);
  const total = letters.reduce((sum, count) => sum + count, 0) || 1;
  let before = 0;
  return sentences.map((sentence, i) => {
    const from = start + ((end - start) * before) / total;
    before += letters[i] ?? 0;
    return estimateSentence(sentence, from, start + ((end - start) * before) / total);
  });
}

function letterCount(text: string): number {
  return text
    .split(/\s+/)
    .filter((word) => word !== '')
    .reduce((sum, word) => sum + wordWeight(word), 0);
}

/** Whether a value read back (a cached timing) has the shape of a SpeechTiming. */
export function isSpeechTiming(value: unknown): value is SpeechTiming {
  const timing = value as Partial<SpeechTiming> | null;
  if (!timing || !['exact', 'sentences', 'estimated'].includes(timing.accuracy as string)) return false;
  if (!Array.isArray(timing.sentences)) return false;
  return timing.sentences.every(
    (sentence) =>
      typeof sentence?.start === 'number' &&
      (sentence.end === undefined || typeof sentence.end === 'number') &&
      Array.isArray(sentence.words) &&
      sentence.words.every(
        (word: TimedWord) => typeof word?.text === 'string' && typeof word.start === 'number',
      ),
  );
}
