import {
  readWebhookSizeLimits,
  resolveLoudnessTarget,
  resolveOutputFilename,
  type TtsEvent,
  validateJobSpec,
} from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import { buildFullSpec, withValue } from '../support/spec-builders.ts';

function parseOk(input: unknown) {
  const result = validateJobSpec(input, { maxHeadersSize: 1024, maxMetadataSize: 1024 });
  if (!result.ok) throw new Error(`expected a valid spec, got: ${result.error.message}`);
  return result.spec;
}

describe('defaults', () => {
  const bare = {
    assets: {
      video: { id: 'v', source: 's3://bucket/v.mp4' },
      audio: [{ id: 'm', source: 's3://bucket/m.mp3' }],
    },
    backgroundMusic: { playlist: ['m'] },
    timeline: [
      { start: 0, type: 'tts', data: { text: 'Hi' } },
      { start: 1, type: 'audio', data: { assetId: 'm' } },
    ],
    output: { filename: 'out', encoding: {} },
    notifications: { webhook: { url: 'https://example.com/hook' } },
  };

  it('fills every documented default', () => {
    const spec = parseOk(bare);
    expect(spec.backgroundMusic).toEqual({
      playlist: ['m'],
      loop: true,
      volume: 0.3,
      crossfadeDuration: 2,
      fadeIn: 0,
      fadeOut: 0,
      startAt: 0,
      duckUnderSource: false,
    });
    expect(spec.assets.video.audio).toBeUndefined();
    expect(spec.timeline[0]).toEqual({
      start: 0,
      type: 'tts',
      data: {
        text: 'Hi',
        provider: 'aws-polly',
        providerConfig: { voiceId: 'Joanna', engine: 'neural', textType: 'text' },
        volume: 1,
        duckingFadeDuration: 0.5,
      },
    });
    expect(spec.timeline[1]).toEqual({
      start: 1,
      type: 'audio',
      data: { assetId: 'm', volume: 0.5, duckingFadeDuration: 0.5 },
    });
    expect(spec.output.encoding).toEqual({ preset: 'medium', video: 'auto' });
    expect(spec.notifications?.webhook?.method).toBe('POST');
  });

  it('ignores unknown keys at every level, $schema included', () => {
    const spec = parseOk({
      ...bare,
      $schema: 'https://example.com/schema.json',
      extra: 1,
      assets: { ...bare.assets, video: { ...bare.assets.video, note: 'x' } },
    });
    expect(spec).not.toHaveProperty('$schema');
    expect(spec).not.toHaveProperty('extra');
    expect(spec.assets.video).toEqual({ id: 'v', source: 's3://bucket/v.mp4' });
  });

  it('keeps a tts event narrowed by its type', () => {
    const spec = parseOk(buildFullSpec());
    const event = spec.timeline.find((e): e is TtsEvent => e.type === 'tts');
    expect(event?.data.duckingLevel).toBe(0.2);
  });

  it('accepts the boundary values', () => {
    const edges = withValue(
      withValue(buildFullSpec(), ['backgroundMusic', 'volume'], 1),
      ['timeline', 0, 'data', 'text'],
      'z'.repeat(20_000),
    );
    const spec = parseOk(
      withValue(
        edges,
        ['timeline'],
        [
          ...(edges as { timeline: unknown[] }).timeline,
          ...Array.from({ length: 498 }, () => ({
            start: 0,
            type: 'audio',
            data: { assetId: 'sfx', volume: 0 },
          })),
        ],
      ),
    );
    expect(spec.timeline).toHaveLength(500);
  });
});

describe('loudness target', () => {
  const withLoudness = (loudness: unknown) =>
    resolveLoudnessTarget(parseOk(withValue(buildFullSpec(), ['output', 'audio'], { loudness })));

  it.each([
    ['streaming', { integrated: -14, truePeak: -1 }],
    ['podcast', { integrated: -16, truePeak: -1.5 }],
    ['broadcast', { integrated: -23, truePeak: -2 }],
  ])('%s is %j', (name, target) => {
    expect(withLoudness(name)).toEqual(target);
  });

  it('takes a custom target, with a -1 dBTP ceiling unless one is given', () => {
    expect(withLoudness({ integrated: -18 })).toEqual({ integrated: -18, truePeak: -1 });
    expect(withLoudness({ integrated: -18, truePeak: -3 })).toEqual({ integrated: -18, truePeak: -3 });
  });

  it('is none without output.audio', () => {
    expect(resolveLoudnessTarget(parseOk(buildFullSpec()))).toBeUndefined();
  });
});

describe('captions', () => {
  const withCaptions = (captions: unknown, encoding?: unknown) =>
    validateJobSpec(
      withValue(
        withValue(buildFullSpec(), ['output', 'captions'], captions),
        ['output', 'encoding'],
        encoding ?? {},
      ),
      { maxHeadersSize: 1024, maxMetadataSize: 1024 },
    );

  it('are none unless asked for, and {} gives both sidecars, the track, no burn-in', () => {
    expect(parseOk(buildFullSpec()).output.captions).toBeUndefined();
    const result = withCaptions({});
    if (!result.ok) throw new Error(result.error.message);
    expect(result.spec.output.captions).toEqual({
      formats: ['vtt', 'srt'],
      track: true,
      burnIn: false,
      maxCharsPerLine: 42,
      maxLines: 2,
      style: {
        font: 'DejaVu Sans',
        size: 56,
        bold: true,
        color: '#FFFFFF',
        outlineColor: '#000000',
        outline: 3,
        position: 'bottom',
        margin: 60,
        highlight: 'none',
        highlightColor: '#FFD700',
      },
    });
  });

  it.each([
    [{ formats: ['vtt', 'vtt'] }, 'output -> captions -> formats: Each format may be named once'],
    [{ formats: ['ass'] }, "output -> captions -> formats -> 0: Input should be 'vtt' or 'srt'"],
    [{ maxLines: 4 }, 'output -> captions -> maxLines: Input should be less than or equal to 3'],
    [
      { style: { color: 'red' } },
      'output -> captions -> style -> color: Must be a colour as #RRGGBB, such as #FFFFFF',
    ],
    [
      { style: { font: 'Comic Sans' } },
      "output -> captions -> style -> font: Input should be 'DejaVu Sans', 'DejaVu Serif' or 'DejaVu Sans Mono'",
    ],
  ])('refuse %j, naming the field', (captions, problem) => {
    const result = withCaptions(captions);
    const [field, message] = [
      problem.slice(0, problem.indexOf(': ')),
      problem.slice(problem.indexOf(': ') + 2),
    ];
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(`Field '${field}': ${message}`);
  });

  it('refuse burn-in on a video that must be copied', () => {
    const result = withCaptions({ burnIn: true }, { video: 'copy' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain(
        `Field 'output -> captions -> burnIn': Burned-in captions re-encode the video: set output.encoding.video to "auto" or "encode"`,
      );
    }
  });
});

describe('output file name', () => {
  it.each([
    ['result.mp4', 'result.mp4'],
    ['result', 'result.mp4'],
    ['Result.MP4', 'Result.MP4'],
    ['clip.mov', 'clip.mov.mp4'],
  ])('%s is written as %s', (filename, written) => {
    expect(resolveOutputFilename({ output: { filename } })).toBe(written);
  });
});

describe('webhook size limits from the environment', () => {
  const headers = (size: number) =>
    withValue(buildFullSpec(), ['notifications', 'webhook', 'headers'], { Authorization: 'x'.repeat(size) });

  it('defaults to 1024 bytes each', () => {
    expect(readWebhookSizeLimits({})).toEqual({ maxHeadersSize: 1024, maxMetadataSize: 1024 });
    expect(readWebhookSizeLimits({ WEBHOOK_MAX_HEADERS_SIZE: 'lots' }).maxHeadersSize).toBe(1024);
  });

  it('follows WEBHOOK_MAX_HEADERS_SIZE and WEBHOOK_MAX_METADATA_SIZE', () => {
    const limits = readWebhookSizeLimits({
      WEBHOOK_MAX_HEADERS_SIZE: '2048',
      WEBHOOK_MAX_METADATA_SIZE: '100',
    });
    expect(limits).toEqual({ maxHeadersSize: 2048, maxMetadataSize: 100 });
    expect(validateJobSpec(headers(1500), limits).ok).toBe(true);
    const tooBig = validateJobSpec(headers(2100), limits);
    expect(tooBig.ok ? '' : tooBig.error.message).toContain(
      "Field 'notifications -> webhook -> headers': Headers exceed 2KB limit",
    );
    const metadata = withValue(buildFullSpec(), ['notifications', 'webhook', 'metadata'], {
      k: 'v'.repeat(100),
    });
    const rejected = validateJobSpec(metadata, limits);
    expect(rejected.ok ? '' : rejected.error.message).toContain('Metadata exceed 100 bytes limit');
  });

  it('measures the JSON text in UTF-8 bytes', () => {
    // 500 two-byte characters: 1000 bytes of value, over 1024 with the JSON around it.
    const spec = withValue(buildFullSpec(), ['notifications', 'webhook', 'metadata'], { k: 'é'.repeat(510) });
    expect(validateJobSpec(spec, { maxHeadersSize: 1024, maxMetadataSize: 1024 }).ok).toBe(false);
    const shorter = withValue(buildFullSpec(), ['notifications', 'webhook', 'metadata'], {
      k: 'é'.repeat(500),
    });
    expect(validateJobSpec(shorter, { maxHeadersSize: 1024, maxMetadataSize: 1024 }).ok).toBe(true);
  });
});

describe('structured problems', () => {
  it('lists each problem with its path as data, for the API details field', () => {
    const result = validateJobSpec(withValue(buildFullSpec(), ['timeline', 0, 'start'], -3));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.name).toBe('JobSpecValidationError');
    expect(result.error.problems).toEqual([
      { path: ['timeline', 0, 'start'], message: 'Input should be greater than or equal to 0' },
    ]);
  });
});
