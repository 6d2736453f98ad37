import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJobSpec } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import {
  checkBurnIn,
  DEFAULT_FONTS_DIRECTORY,
  writeCaptions,
} from '../../../src/processor/captions/write-captions.ts';
import { PermanentError } from '../../../src/processor/errors.ts';

const timing = {
  accuracy: 'exact' as const,
  sentences: [
    {
      start: 0,
      words: [
        { text: 'Hello', start: 0 },
        { text: 'there.', start: 0.4 },
      ],
    },
  ],
};

function context(data: Record<string, unknown>, captions: Record<string, unknown> = {}) {
  const spec = parseJobSpec({
    assets: { video: { id: 'v', source: 's3://my-bucket/v.mp4' }, audio: [] },
    timeline: [{ start: 1, type: 'tts', data: { text: 'Hello there.', ...data } }],
    output: { filename: 'out', captions },
  });
  return {
    spec,
    narrations: [{ timelineIndex: 0, seconds: 1.5, timing }],
    video: { width: 1920, height: 1080, duration: 10 },
    directory: mkdtempSync(join(tmpdir(), 'auto-vid-write-captions-')),
    baseName: 'out',
    fontsDirectory: DEFAULT_FONTS_DIRECTORY,
  };
}

describe('writeCaptions', () => {
  it('writes the sidecars and the track file, in the language of the narration as BCP 47', async () => {
    const files = await writeCaptions(context({ providerConfig: { voiceId: 'Zhiyu' } }));
    expect(files?.language).toBe('zh-CN');
    expect(files?.trackLanguage).toBe('zho');
    expect(files?.sidecars.map((file) => file.path.split('/').at(-1))).toEqual(['out.vtt', 'out.srt']);
    expect(readFileSync(files?.sidecars[0]?.path as string, 'utf8')).toBe(
      'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\nHello there.\n',
    );
    // The SubRip sidecar is the track: written once.
    expect(files?.trackPath).toBe(files?.sidecars[1]?.path);
  });

  it('writes a track file of its own when no SubRip sidecar is asked for', async () => {
    const files = await writeCaptions(context({}, { formats: ['vtt'] }));
    expect(files?.trackPath?.endsWith('captions-track.srt')).toBe(true);
    expect(readFileSync(files?.trackPath as string, 'utf8')).toBe(
      '1\n00:00:01,000 --> 00:00:02,500\nHello there.\n',
    );
  });

  it('gives a narration at volume 0, which is not heard, no cue', async () => {
    const files = await writeCaptions(context({ volume: 0 }));
    expect(files?.cueCount).toBe(0);
    expect(readFileSync(files?.sidecars[0]?.path as string, 'utf8')).toBe('WEBVTT\n');
  });

  it('refuses to burn in a script the fonts cannot draw, naming the language', async () => {
    const { spec, fontsDirectory } = context({ providerConfig: { voiceId: 'Mizuki' } }, { burnIn: true });
    const refused = checkBurnIn(spec, fontsDirectory);
    await expect(refused).rejects.toBeInstanceOf(PermanentError);
    await expect(refused).rejects.toThrow(
      'Burned-in captions cannot draw ja-JP: the caption fonts have no glyphs for its script (sidecars and the track can carry it)',
    );
  });

  it('fails a burn-in whose font is not installed, naming the font', async () => {
    const { spec } = context({}, { burnIn: true });
    await expect(checkBurnIn(spec, '/nonexistent-fonts')).rejects.toThrow(
      'The captions font DejaVu Sans is not installed: DejaVuSans-Bold.ttf is not in the fonts folder',
    );
  });
});
