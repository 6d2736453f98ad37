import { captionsSchema } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import {
  formatAss,
  formatSrt,
  formatWebVtt,
  styleCanvas,
} from '../../../src/processor/captions/caption-files.ts';
import { balanceLines, buildCues, type TimedNarration } from '../../../src/processor/captions/cues.ts';
import { trackLanguage } from '../../../src/processor/captions/languages.ts';

/** A narration whose words come every `gap` seconds, one sentence per string. */
function narration(start: number, sentences: readonly string[], gap = 0.4, seconds?: number): TimedNarration {
  let at = 0;
  const timed = sentences.map((sentence) => {
    const words = sentence.split(' ').map((text) => {
      const word = { text, start: at };
      at += gap;
      return word;
    });
    at += 0.5;
    return { start: words[0]?.start ?? 0, words };
  });
  return { start, seconds: seconds ?? at, timing: { accuracy: 'exact', sentences: timed } };
}

const layout = { maxCharsPerLine: 42, maxLines: 2, until: 600 };

describe('buildCues', () => {
  it('makes one cue a sentence, shown from its first word until the next sentence', () => {
    const cues = buildCues([narration(2, ['Hello there.', 'Second sentence here.'])], layout);
    expect(cues).toHaveLength(2);
    expect(cues[0]).toMatchObject({ start: 2, lines: ['Hello there.'] });
    expect(cues[0]?.end).toBeCloseTo(3.3, 9);
    expect(cues[1]).toMatchObject({ start: 3.3, lines: ['Second sentence here.'] });
    // The last sentence holds until the narration's sound ends (3 s after it starts).
    expect(cues[1]?.end).toBeCloseTo(2 + 3, 9);
  });

  it('breaks lines at words within maxCharsPerLine, balanced, and starts a new cue past maxLines', () => {
    const sentence = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen';
    const cues = buildCues([narration(0, [sentence])], { ...layout, maxCharsPerLine: 20 });
    for (const cue of cues) {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(20);
    }
    expect(cues.map((cue) => cue.lines)).toEqual([
      ['one two three four', 'five six seven eight'],
      ['nine ten eleven', 'twelve thirteen'],
      ['fourteen'],
    ]);
    // Each cue ends where the next begins.
    expect(cues[0]?.end).toBeCloseTo(cues[1]?.start as number, 9);
  });

  it('balances two lines rather than leaving one word alone on the second', () => {
    const words = 'This video was put together from a JSON job specification.'.split(' ');
    const lines = balanceLines(words, 2);
    expect(words.filter((_, i) => lines[i] === 0).join(' ')).toBe('This video was put together');
    expect(words.filter((_, i) => lines[i] === 1).join(' ')).toBe('from a JSON job specification.');
  });

  it('gives a word longer than a line a line of its own', () => {
    const cues = buildCues([narration(0, ['a supercalifragilisticexpialidocious b'])], {
      ...layout,
      maxCharsPerLine: 16,
      maxLines: 3,
    });
    expect(cues[0]?.lines).toEqual(['a', 'supercalifragilisticexpialidocious', 'b']);
  });

  it('never keeps a cue on screen longer than 7 s, however slowly it is said', () => {
    const slow = narration(0, ['so very slowly spoken words here'], 2.5);
    const cues = buildCues([slow], layout);
    expect(cues.map((cue) => cue.lines.join(' '))).toEqual(['so very slowly', 'spoken words here']);
    for (const cue of cues) expect(cue.end - cue.start).toBeLessThanOrEqual(7);
    expect(cues[0]?.start).toBe(0);
    expect(cues[1]?.start).toBeCloseTo(7.5, 9);
  });

  it('drops what is said after the video ends and ends the last cue there', () => {
    const cues = buildCues([narration(8, ['First words here.', 'Never heard at all.'])], {
      ...layout,
      until: 9,
    });
    expect(cues).toHaveLength(1);
    expect(cues[0]).toMatchObject({ start: 8, end: 9, lines: ['First words here.'] });
  });

  it('keeps narrations that overlap in cues of their own, in order of start', () => {
    const cues = buildCues(
      [narration(5, ['Later clip speaks.']), narration(4, ['Earlier clip talks on.'])],
      layout,
    );
    expect(cues.map((cue) => [cue.start, cue.lines[0]])).toEqual([
      [4, 'Earlier clip talks on.'],
      [5, 'Later clip speaks.'],
    ]);
    // They overlap in time: a player shows both, neither is merged into the other.
    expect(cues[0]?.end).toBeGreaterThan(5);
  });

  it('times each word of a cue until the next, the last until the cue ends', () => {
    const [cue] = buildCues([narration(1, ['a b c'])], layout);
    expect(cue?.words.map((word) => [word.text, word.start, word.end])).toEqual([
      ['a', 1, 1.4],
      ['b', 1.4, 1.8],
      ['c', 1.8, expect.closeTo(2.7, 9)],
    ]);
  });
});

describe('caption files', () => {
  const cues = buildCues([narration(61.5, ['Fish & chips <3 cost -->', 'two pounds.'], 0.5)], layout);

  it('writes WebVTT with escaped text and dot times', () => {
    expect(formatWebVtt(cues)).toBe(
      'WEBVTT\n\n1\n00:01:01.500 --> 00:01:05.000\nFish &amp; chips &lt;3 cost --&gt;\n\n2\n00:01:05.000 --> 00:01:06.500\ntwo pounds.\n',
    );
  });

  it('writes SubRip with numbered cues and comma times, markup characters defused', () => {
    expect(formatSrt(cues)).toBe(
      '1\n00:01:01,500 --> 00:01:05,000\nFish & chips <\u20603 cost -->\n\n2\n00:01:05,000 --> 00:01:06,500\ntwo pounds.\n',
    );
    const [tagged] = buildCues([narration(0, ['Press <i> then {\\an8} here.'])], layout);
    expect(formatSrt(tagged ? [tagged] : [])).toContain('Press <\u2060i> then {\u2060\\an8} here.');
  });

  it('writes ASS that libass reads as text: braces and backslashes escaped, the word highlighted', () => {
    const style = captionsSchema.parse({ style: { highlight: 'word', color: '#112233' } })?.style;
    if (!style) throw new Error('no style');
    const [cue] = buildCues([narration(0, ['{a} b\\N'])], layout);
    const ass = formatAss(cue ? [cue] : [], style, 1280, 720);
    expect(ass).toContain('PlayResX: 1920\nPlayResY: 1080');
    expect(ass).toContain('Style: Default,DejaVu Sans,56,&H00332211,&H00332211,&H00000000,&H80000000,-1,');
    expect(ass).toContain(
      'Dialogue: 0,0:00:00.00,0:00:00.40,Default,,0,0,0,,{\\1c&H0000D7FF&}\\{a\\}{\\1c&H00332211&} b\\\u2060N',
    );
    expect(ass).toContain(
      'Dialogue: 0,0:00:00.40,0:00:01.30,Default,,0,0,0,,\\{a\\} {\\1c&H0000D7FF&}b\\\u2060N{\\1c&H00332211&}',
    );
  });

  it('sizes the style canvas so that the shorter side is 1080', () => {
    expect(styleCanvas(1080, 1920)).toEqual({ width: 1080, height: 1920 });
    expect(styleCanvas(640, 480)).toEqual({ width: 1440, height: 1080 });
  });

  it('tags the track with the ISO 639-2 code of the narration language', () => {
    expect([
      trackLanguage('en-US'),
      trackLanguage('fr-CA'),
      trackLanguage('zh-CN'),
      trackLanguage('xx-YY'),
    ]).toEqual(['eng', 'fra', 'zho', 'und']);
  });
});
