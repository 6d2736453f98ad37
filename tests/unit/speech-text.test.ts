import { describe, expect, it } from 'vitest';
import { chooseEspeakVoice } from '../../src/processor/speech/espeak.ts';
import { buildSpeechCacheKey } from '../../src/processor/speech/speech-cache.ts';
import { POLLY_MAX_CHARS, splitPlainText, splitSsml } from '../../src/processor/speech/split-text.ts';

const request = (providerConfig: Record<string, string>, text = 'Hello.') =>
  ({
    text,
    providerConfig: { voiceId: 'Joanna', engine: 'neural', textType: 'text', ...providerConfig },
  }) as Parameters<typeof chooseEspeakVoice>[0];

describe('splitPlainText', () => {
  it('keeps short text whole', () => {
    expect(splitPlainText('  One sentence.  ')).toEqual(['One sentence.']);
  });

  it('cuts long text at sentence ends, each part within the limit, nothing lost', () => {
    const sentence = 'The quick brown fox jumps over the lazy dog again and again. ';
    const text = sentence.repeat(150).trim();
    const parts = splitPlainText(text);
    expect(parts.length).toBe(Math.ceil(text.length / POLLY_MAX_CHARS));
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(POLLY_MAX_CHARS);
      expect(part.endsWith('again.')).toBe(true);
    }
    expect(parts.join(' ')).toBe(text);
  });

  it('falls back to spaces, then to a hard cut, when there is no sentence end', () => {
    expect(splitPlainText('aaaa bbbb cccc', 9)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitPlainText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });
});

describe('splitSsml', () => {
  it('splits only between top-level elements, each part its own <speak>', () => {
    const paragraph = (n: number) => `<p>Paragraph ${n} <break time="200ms"/> ${'word '.repeat(20)}</p>`;
    const ssml = `<speak>${[1, 2, 3, 4].map(paragraph).join('')}</speak>`;
    const parts = splitSsml(ssml, 300);
    expect(parts).toEqual([
      `<speak>${paragraph(1)}${paragraph(2)}</speak>`,
      `<speak>${paragraph(3)}${paragraph(4)}</speak>`,
    ]);
  });

  it('leaves SSML within the limit untouched', () => {
    const ssml = '<speak>Hi <emphasis>there</emphasis></speak>';
    expect(splitSsml(ssml)).toEqual([ssml]);
  });
});

describe('chooseEspeakVoice', () => {
  it.each([
    [{}, 'en-us+f3'],
    [{ voiceId: 'Matthew' }, 'en-us+m3'],
    [{ voiceId: 'Brian' }, 'en-gb+m3'],
    [{ voiceId: 'Lea' }, 'fr-fr+f3'],
    [{ voiceId: 'Hans' }, 'de+m3'],
    [{ voiceId: 'Joanna', languageCode: 'es-MX' }, 'es-419+f3'],
  ])('maps %o to %s', (config, voice) => {
    expect(chooseEspeakVoice(request(config))).toBe(voice);
  });
});

describe('buildSpeechCacheKey', () => {
  const polly = { name: 'aws-polly' };

  it('lives under cache/tts/ and is stable for the same request', () => {
    const key = buildSpeechCacheKey(polly, request({}));
    expect(key).toMatch(/^cache\/tts\/[0-9a-f]{64}$/);
    expect(buildSpeechCacheKey(polly, request({}))).toBe(key);
  });

  it.each([
    ['text', request({}, 'Hello!')],
    ['voice', request({ voiceId: 'Matthew' })],
    ['engine', request({ engine: 'standard' })],
    ['language', request({ languageCode: 'en-GB' })],
    ['text type', request({ textType: 'ssml' })],
  ])('changes with the %s', (_, changed) => {
    expect(buildSpeechCacheKey(polly, changed)).not.toBe(buildSpeechCacheKey(polly, request({})));
  });

  it('never lets one engine stand in for another', () => {
    expect(buildSpeechCacheKey({ name: 'espeak-ng' }, request({}))).not.toBe(
      buildSpeechCacheKey(polly, request({})),
    );
  });
});
