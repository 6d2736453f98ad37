import { MAX_CUE_SECONDS } from '@auto-vid/shared';
import type { SpeechTiming, TimedSentence } from '../speech/speech-timing.ts';

/** One narration as heard: where it starts on the video's timeline, its timing, its audio's length. */
export interface TimedNarration {
  /** Seconds from the video's first frame. */
  readonly start: number;
  /** Seconds of its audio that are heard (speech cut at the video's end is shorter). */
  readonly seconds: number;
  readonly timing: SpeechTiming;
}

export interface CueLayout {
  readonly maxCharsPerLine: number;
  readonly maxLines: number;
  /** Seconds: no cue reaches past it (the video's end). */
  readonly until: number;
}

/** A word of a cue, on its line, with when it is spoken (seconds on the video's timeline). */
export interface CueWord {
  readonly text: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
}

/** What is on screen from `start` to `end` (seconds on the video's timeline). */
export interface Cue {
  readonly start: number;
  readonly end: number;
  readonly lines: readonly string[];
  readonly words: readonly CueWord[];
}

/**
 * Cues from the narrations: each sentence broken at words into cues of at most `maxLines` lines of
 * at most `maxCharsPerLine` characters (a longer word has a line of its own) and at most
 * MAX_CUE_SECONDS on screen. A cue shows from its first word until the next cue of its narration, or
 * the end of its sentence (its sound, when known; else the next sentence, or the narration's
 * end), never past `until`. Narrations never share a cue: those that overlap get cues of their
 * own, in order of their start.
 */
export function buildCues(narrations: readonly TimedNarration[], layout: CueLayout): Cue[] {
  return narrations
    .flatMap((narration) => narrationCues(narration, layout))
    .map((cue, order) => ({ cue, order }))
    .sort((a, b) => a.cue.start - b.cue.start || a.order - b.order)
    .map(({ cue }) => cue);
}

function narrationCues(narration: TimedNarration, layout: CueLayout): Cue[] {
  const heardUntil = Math.min(narration.start + narration.seconds, layout.until);
  const sentences = narration.timing.sentences;
  return sentences.flatMap((sentence, i) => {
    const next = sentences[i + 1];
    const end = narration.start + (sentence.end ?? next?.start ?? narration.seconds);
    return sentenceCues(sentence, narration.start, Math.min(end, heardUntil), layout);
  });
}

interface Group {
  readonly lines: string[][];
  readonly words: { readonly text: string; readonly line: number; readonly start: number }[];
}

/** One sentence's words, grouped into cues by the line and time limits, then given their times. */
function sentenceCues(
  sentence: TimedSentence,
  offset: number,
  sentenceEnd: number,
  layout: CueLayout,
): Cue[] {
  const groups: Group[] = [];
  let current: Group | undefined;
  for (const word of sentence.words) {
    const start = offset + word.start;
    if (start >= sentenceEnd) break;
    const first = current?.words[0];
    if (!current || !fits(current, word.text, layout) || (first && start - first.start >= MAX_CUE_SECONDS)) {
      current = { lines: [[]], words: [] };
      groups.push(current);
    }
    place(current, word.text, start, layout);
  }
  return groups
    .map((group, i) => {
      const start = group.words[0]?.start ?? sentenceEnd;
      const end = Math.min(
        groups[i + 1]?.words[0]?.start ?? sentenceEnd,
        start + MAX_CUE_SECONDS,
        sentenceEnd,
      );
      return toCue(group, start, end);
    })
    .filter((cue) => cue.end > cue.start);
}

/** Whether a word goes into the group: on its last line, or on a new line when one is left. */
function fits(group: Group, word: string, layout: CueLayout): boolean {
  const line = group.lines.at(-1) ?? [];
  if (line.length === 0) return true;
  if (lineLength([...line, word]) <= layout.maxCharsPerLine) return true;
  return group.lines.length < layout.maxLines;
}

function place(group: Group, word: string, start: number, layout: CueLayout): void {
  let line = group.lines.at(-1) as string[];
  if (line.length > 0 && lineLength([...line, word]) > layout.maxCharsPerLine) {
    line = [];
    group.lines.push(line);
  }
  line.push(word);
  group.words.push({ text: word, line: group.lines.length - 1, start });
}

/** Characters as a reader counts them (an emoji is one), spaces between words included. */
function lineLength(words: readonly string[]): number {
  return [...words.join(' ')].length;
}

function toCue(group: Group, start: number, end: number): Cue {
  const texts = group.words.map((word) => word.text);
  const lineOf = balanceLines(texts, group.lines.length);
  const words = group.words.map((word, i) => ({
    text: word.text,
    line: lineOf[i] ?? 0,
    start: Math.max(start, Math.min(word.start, end)),
    end: Math.min(group.words[i + 1]?.start ?? end, end),
  }));
  const lines = group.lines.map((_, line) => texts.filter((__, i) => lineOf[i] === line).join(' '));
  return { start, end, lines, words };
}

/**
 * The line of each word when `words` are set on `lineCount` lines as evenly as they go: the longest
 * line as short as it can be (a cue filled line by line can leave one word alone on its last line).
 * The greedy fill already fits the limit, so the even one does too.
 */
export function balanceLines(words: readonly string[], lineCount: number): number[] {
  const n = words.length;
  const width = (from: number, to: number) => lineLength(words.slice(from, to));
  // best[k][i]: the shortest longest line setting the first i words on k lines, and where line k starts.
  const best: { longest: number; from: number }[][] = [[{ longest: 0, from: 0 }]];
  for (let k = 1; k <= lineCount; k++) {
    const row: { longest: number; from: number }[] = [];
    for (let i = k; i <= n; i++) {
      let choice = { longest: Number.POSITIVE_INFINITY, from: k - 1 };
      for (let from = k - 1; from < i; from++) {
        const before = best[k - 1]?.[from]?.longest ?? Number.POSITIVE_INFINITY;
        const longest = Math.max(before, width(from, i));
        if (longest < choice.longest) choice = { longest, from };
      }
      row[i] = choice;
    }
    best.push(row);
  }
  const lineOf = new Array<number>(n).fill(0);
  let to = n;
  for (let k = Math.min(lineCount, n); k >= 1; k--) {
    const from = best[k]?.[to]?.from ?? 0;
    for (let i = from; i < to; i++) lineOf[i] = k - 1;
    to = from;
  }
  return lineOf;
}
