import { validateJobSpec } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import { buildFullSpec, withValue } from '../support/spec-builders.ts';

const LIMITS = { maxHeadersSize: 1024, maxMetadataSize: 1024 };

/** The full spec with `output[field]` set to `value`. */
function specWith(field: string, value: unknown): unknown {
  return withValue(buildFullSpec(), ['output', field], value);
}

function parseOk(input: unknown) {
  const result = validateJobSpec(input, LIMITS);
  if (!result.ok) throw new Error(`expected a valid spec, got: ${result.error.message}`);
  return result.spec;
}

describe('the delivery fields of output: what a user is told', () => {
  it.each([
    [
      'hls',
      { segmentSeconds: 0.5 },
      ['output', 'hls', 'segmentSeconds'],
      'Input should be greater than or equal to 1',
    ],
    [
      'hls',
      { renditions: ['source', 'source'] },
      ['output', 'hls', 'renditions', 1],
      '"source" is listed twice',
    ],
    [
      'hls',
      { renditions: [{ height: 100 }] },
      ['output', 'hls', 'renditions', 0, 'height'],
      'Input should be greater than or equal to 144',
    ],
    [
      'renditions',
      [{ height: 720, bitrate: 'fast' }],
      ['output', 'renditions', 0, 'bitrate'],
      'Must be a bitrate such as 1200k or 3M',
    ],
    ['poster', { format: 'png' }, ['output', 'poster', 'format'], "Input should be 'jpg' or 'webp'"],
    [
      'thumbnails',
      { interval: 0 },
      ['output', 'thumbnails', 'interval'],
      'Input should be greater than or equal to 1',
    ],
  ])('output.%s = %j: %j %s', (field, value, path, message) => {
    // Act
    const result = validateJobSpec(specWith(field, value), LIMITS);
    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.problems).toEqual([{ path, message }]);
  });

  it('names the field in the text of the error', () => {
    const result = validateJobSpec(specWith('hls', { renditions: [{ height: 100 }] }), LIMITS);
    expect(result.ok ? 'valid' : result.error.message).toBe(
      "Invalid job specification:\n  - Field 'output -> hls -> renditions -> 0 -> height': Input should be greater than or equal to 144",
    );
  });
});

describe('the delivery fields of output: defaults', () => {
  it('makes an empty hls a package of the source in 6 s segments', () => {
    expect(parseOk(specWith('hls', {})).output.hls).toEqual({ renditions: ['source'], segmentSeconds: 6 });
  });

  it('leaves a spec without delivery fields with an output without them', () => {
    // Act
    const { output } = parseOk(buildFullSpec());
    // Assess
    expect(output.filename).toBe('result.mp4');
    for (const field of ['poster', 'thumbnails', 'renditions', 'hls'])
      expect(output).not.toHaveProperty(field);
  });
});
