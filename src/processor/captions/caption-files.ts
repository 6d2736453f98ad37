import type { CaptionStyle } from '@auto-vid/shared';
import type { Cue } from './cues.ts';

/** Milliseconds, rounded once so that a cue that ends where the next starts still meets it. */
function toMs(seconds: number): number {
  return Math.max(0, Math.round(seconds * 1000));
}

function clock(ms: number, fraction: ',' | '.'): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}${fraction}${pad(ms % 1000, 3)}`;
}

/** Cues as they are written: times in ms, only those that last at least one. */
function timed(cues: readonly Cue[]): { start: number; end: number; cue: Cue }[] {
  return cues
    .map((cue) => ({ start: toMs(cue.start), end: toMs(cue.end), cue }))
    .filter(({ start, end }) => end > start);
}

/** WebVTT text escapes: a cue's text is markup, and `-->` may not appear in it. */
function escapeVtt(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A WebVTT file (W3C WebVTT), UTF-8. */
export function formatWebVtt(cues: readonly Cue[]): string {
  const blocks = timed(cues).map(
    ({ start, end, cue }, i) =>
      `${i + 1}\n${clock(start, '.')} --> ${clock(end, '.')}\n${cue.lines.map(escapeVtt).join('\n')}`,
  );
  return ['WEBVTT', ...blocks].join('\n\n').concat('\n');
}

/**
 * SubRip text shown as it is: players and ffmpeg's decoder read `<b>`, `<font …>` and `{\an8}` in
 * it as markup, so a word joiner (invisible) follows each `<` and `{`.
 */
function escapeSrt(text: string): string {
  return text.replace(/[<{]/g, '$&\u2060');
}

/** A SubRip file, UTF-8: numbered cues, comma before the milliseconds. */
export function formatSrt(cues: readonly Cue[]): string {
  return timed(cues)
    .map(
      ({ start, end, cue }, i) =>
        `${i + 1}\n${clock(start, ',')} --> ${clock(end, ',')}\n${cue.lines.map(escapeSrt).join('\n')}\n`,
    )
    .join('\n');
}

/** The picture size the style's pixels are given in: the shorter side 1080, the video's shape. */
export function styleCanvas(width: number, height: number): { width: number; height: number } {
  return width >= height
    ? { width: Math.round((1080 * width) / height), height: 1080 }
    : { width: 1080, height: Math.round((1080 * height) / width) };
}

/** `#RRGGBB` as ASS writes a colour: `&H00BBGGRR` (alpha first, 00 opaque). */
function assColour(hex: string): string {
  const [r, g, b] = [hex.slice(1, 3), hex.slice(3, 5), hex.slice(5, 7)];
  return `&H00${b}${g}${r}`.toUpperCase();
}

/** ASS centiseconds: H:MM:SS.cc. */
function assClock(ms: number): string {
  const cs = Math.round(ms / 10);
  const hours = Math.floor(cs / 360_000);
  const minutes = Math.floor(cs / 6000) % 60;
  const seconds = Math.floor(cs / 100) % 60;
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${hours}:${pad(minutes)}:${pad(seconds)}.${pad(cs % 100)}`;
}

/**
 * Text that libass draws as it is: `{` opens an override block and a backslash starts an escape
 * (`\N`, `\h`), so both are written as their escaped forms.
 */
function escapeAss(text: string): string {
  return text.replace(/\\/g, '\\\u2060').replace(/\{/g, '\\{').replace(/\}/g, '\\}');
}

const ALIGNMENT: Record<CaptionStyle['position'], number> = { bottom: 2, middle: 5, top: 8 };

function assHeader(style: CaptionStyle, canvas: { width: number; height: number }): string {
  const side = Math.round(canvas.width * 0.05);
  const colour = assColour(style.color);
  const fields = [
    'Default',
    style.font,
    style.size,
    colour,
    colour,
    assColour(style.outlineColor),
    '&H80000000',
    style.bold ? -1 : 0,
    0,
    0,
    0,
    100,
    100,
    0,
    0,
    1,
    style.outline,
    0,
    ALIGNMENT[style.position],
    side,
    side,
    style.margin,
    1,
  ];
  return [
    '[Script Info]',
    'ScriptType: v4.00+',
    `PlayResX: ${canvas.width}`,
    `PlayResY: ${canvas.height}`,
    'WrapStyle: 0',
    'ScaledBorderAndShadow: yes',
    'YCbCr Matrix: None',
    '',
    '[V4+ Styles]',
    'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
    `Style: ${fields.join(',')}`,
    '',
    '[Events]',
    'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
  ].join('\n');
}

/** A cue's text in ASS, its lines joined by `\N`; the word at `highlight` in the highlight colour. */
function assText(cue: Cue, style: CaptionStyle, highlight?: number): string {
  const lines: string[][] = cue.lines.map(() => []);
  cue.words.forEach((word, i) => {
    const text = escapeAss(word.text);
    const shown =
      i === highlight
        ? `{\\1c${assColour(style.highlightColor)}&}${text}{\\1c${assColour(style.color)}&}`
        : text;
    lines[word.line]?.push(shown);
  });
  return lines.map((line) => line.join(' ')).join('\\N');
}

/**
 * An ASS script for libass to draw the cues into a picture of `width` × `height`. With the word
 * highlight, each word's time is an event of its own, that word in the highlight colour.
 */
export function formatAss(cues: readonly Cue[], style: CaptionStyle, width: number, height: number): string {
  const dialogue = (start: number, end: number, text: string) =>
    `Dialogue: 0,${assClock(start)},${assClock(end)},Default,,0,0,0,,${text}`;
  const events = timed(cues).flatMap(({ start, end, cue }) => {
    if (style.highlight !== 'word') return [dialogue(start, end, assText(cue, style))];
    return cue.words.map((word, i) =>
      dialogue(
        i === 0 ? start : toMs(word.start),
        i === cue.words.length - 1 ? end : toMs(word.end),
        assText(cue, style, i),
      ),
    );
  });
  return `${assHeader(style, styleCanvas(width, height))}\n${events.join('\n')}\n`;
}
