import { describe, expect, it } from 'vitest';
import {
  estimateWholeText,
  intlLocale,
  parseSpeechMarks,
  placeWords,
  splitSentences,
  spokenText,
  timeWordsFromMarks,
} from '../../../src/processor/speech/speech-timing.ts';

/**
 * Speech marks in Polly's own format: one JSON object a line, `start`/`end` UTF-8 byte offsets
 * into the text that was sent, `time` in ms. Offsets are computed here from the text, as Polly does.
 */
function marksFor(text: string, marks: readonly (readonly ['sentence' | 'word', string, number])[]): string {
  let from = 0;
  return marks
    .map(([type, value, time]) => {
      const at = text.indexOf(value, type === 'sentence' ? 0 : from);
      if (at < 0) throw new Error(`${value} is not in the text`);
      if (type === 'word') from = at + value.length;
      const start = Buffer.byteLength(text.slice(0, at), 'utf8');
      const end = start + Buffer.byteLength(value, 'utf8');
      return JSON.stringify({ time, type, start, end, value });
    })
    .join('\n');
}

describe('Polly speech marks', () => {
  it('are read line by line, and a line that is not a mark is refused', () => {
    const body = '{"time":6,"type":"word","start":0,"end":4,"value":"Mary"}\n\n';
    expect(parseSpeechMarks(body)).toEqual([{ time: 6, type: 'word', start: 0, end: 4, value: 'Mary' }]);
    expect(() => parseSpeechMarks('{"time":"soon"}')).toThrow('Not a speech mark: {"time":"soon"}');
  });

  it('give each word its time and its text by UTF-8 byte offsets, accents and emoji included', () => {
    const text = 'Café déjà vu 😀 naïve! Ünïcödé façade.';
    const marks = parseSpeechMarks(
      marksFor(text, [
        ['sentence', 'Café déjà vu 😀 naïve!', 0],
        ['word', 'Café', 6],
        ['word', 'déjà', 410],
        ['word', 'vu', 800],
        ['word', 'naïve', 1200],
        ['sentence', 'Ünïcödé façade.', 1900],
        ['word', 'Ünïcödé', 1905],
        ['word', 'façade', 2500],
      ]),
    );
    // The emoji is no word (Polly marks none); it stays with the word before it.
    expect(timeWordsFromMarks(marks, text, 'text')).toEqual([
      {
        start: 0,
        words: [
          { text: 'Café', start: 0.006 },
          { text: 'déjà', start: 0.41 },
          { text: 'vu 😀', start: 0.8 },
          { text: 'naïve!', start: 1.2 },
        ],
      },
      {
        start: 1.9,
        words: [
          { text: 'Ünïcödé', start: 1.905 },
          { text: 'façade.', start: 2.5 },
        ],
      },
    ]);
  });

  it('show the spoken text of SSML: tags and <break> marks gone, entities decoded', () => {
    // Polly's own example of marks over SSML: a <break> comes back as a "word".
    const ssml =
      '<speak><prosody volume="+20dB">Mary had <break time="300ms"/>a little <mark name="animal"/>lamb &amp; more</prosody></speak>';
    const at = (value: string, from = 0) => ssml.indexOf(value, from);
    const mark = (time: number, type: string, start: number, value: string) =>
      JSON.stringify({ time, type, start, end: start + value.length, value });
    const body = [
      mark(0, 'sentence', at('Mary'), ssml.slice(at('Mary'), at('</prosody>'))),
      mark(6, 'word', at('Mary'), 'Mary'),
      mark(325, 'word', at('had'), 'had'),
      mark(897, 'word', at('<break'), '<break time="300ms"/>'),
      mark(1291, 'word', at('a little'), 'a'),
      mark(1373, 'word', at('little'), 'little'),
      mark(1635, 'word', at('lamb'), 'lamb'),
      mark(2100, 'word', at('&amp;'), '&amp;'),
      mark(2300, 'word', at('more'), 'more'),
    ].join('\n');
    const [sentence] = timeWordsFromMarks(parseSpeechMarks(body), ssml, 'ssml', 10);
    expect(sentence?.words.map((word) => word.text)).toEqual([
      'Mary',
      'had',
      'a',
      'little',
      'lamb',
      '&',
      'more',
    ]);
    // Shifted by where this part's audio starts in the joined narration.
    expect(sentence?.start).toBe(10);
    expect(sentence?.words[2]?.start).toBeCloseTo(11.291, 6);
  });

  it('keep an opening quote with the first word of its sentence', () => {
    const text = '"Hello," she said.';
    const marks = parseSpeechMarks(
      marksFor(text, [
        ['sentence', text, 0],
        ['word', 'Hello', 10],
        ['word', 'she', 500],
        ['word', 'said', 700],
      ]),
    );
    expect(timeWordsFromMarks(marks, text, 'text')[0]?.words.map((word) => word.text)).toEqual([
      '"Hello,"',
      'she',
      'said.',
    ]);
  });
});

describe('spoken text and sentences', () => {
  it('strips SSML to what is read, white space collapsed', () => {
    expect(
      spokenText(
        '<speak>Hi <emphasis>there</emphasis>,\n<break time="1s"/> you &lt;3 &#233;</speak>',
        'ssml',
      ),
    ).toBe('Hi there, you <3 é');
    expect(spokenText('  plain <b> text  ', 'text')).toBe('plain <b> text');
    expect(spokenText('<speak>Hello <prosody rate="slow">world</prosody>.</speak>', 'ssml')).toBe(
      'Hello world.',
    );
  });

  it('splits sentences by the language rules, abbreviations kept whole', () => {
    expect(splitSentences('Dr. Smith arrived. Did he? Yes!  ', 'en-US')).toEqual([
      // ICU breaks after "Dr."; a one-word sentence ending in a full stop is taken as an abbreviation.
      'Dr. Smith arrived.',
      'Did he?',
      'Yes!',
    ]);
  });
});

describe('the estimate for engines without word times', () => {
  it('places words by their letters inside the sentence', () => {
    // 2 + 4 + 4 letters over 1 s (punctuation weighs nothing): after 0, 2 and 6 of 10 letters.
    const words = placeWords('Ab cdef, ghij.', 1, 2);
    expect(words.map((word) => word.text)).toEqual(['Ab', 'cdef,', 'ghij.']);
    expect(words.map((word) => word.start)).toEqual([1, 1.2, 1.6]);
  });

  it('places sentences of a whole text by their letters inside its audible span', () => {
    // 10 and 6 letters over 1.6 s.
    const [first, second] = estimateWholeText(['Aaaa bbbb cc.', 'Dddd ee.'], 0.5, 2.1);
    expect(first?.start).toBe(0.5);
    expect(first?.end).toBeCloseTo(1.5, 9);
    expect(second?.start).toBeCloseTo(1.5, 9);
    expect(second?.end).toBeCloseTo(2.1, 9);
  });

  it('reads a Polly code Intl refuses as its language, and keeps one-word sentences', () => {
    expect(intlLocale('en-GB-WLS')).toBe('en-GB');
    expect(intlLocale('arb')).toBe('ar');
    expect(intlLocale('cmn-CN')).toBe('zh-CN');
    expect(splitSentences('Welcome. Today we bake.', 'en-GB-WLS')).toEqual(['Welcome.', 'Today we bake.']);
  });
});
