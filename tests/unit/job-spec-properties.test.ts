import { JobSpecValidationError, validateJobSpec } from '@auto-vid/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildFullSpec, pathsOf, withValue } from '../support/spec-builders.ts';

const LINE = /^ {2}- Field '[^\n]*': [^\n]+$/;

/** Either a valid spec, or a JobSpecValidationError whose text follows the contract's format. */
function assertWellBehaved(input: unknown): void {
  const result = validateJobSpec(input);
  if (result.ok) return;
  expect(result.error).toBeInstanceOf(JobSpecValidationError);
  const [head, ...lines] = result.error.message.split('\n');
  expect(head).toBe('Invalid job specification:');
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.length).toBe(result.error.problems.length);
  for (const line of lines) expect(line).toMatch(LINE);
}

const fullSpecPaths = pathsOf(buildFullSpec()).filter((path) => path.length > 0);

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    '..',
    '../../etc/passwd',
    "a'b;c[d]$(rm -rf /)\n",
    's3://',
    's3://b/',
    'http://',
    '\u0000',
  ),
  fc.string({ minLength: 20_000, maxLength: 25_000 }),
);

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  hostileString,
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, undefined, null, true, [], {}),
);

describe('validation never throws', () => {
  it('on random JSON values', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), assertWellBehaved), { numRuns: 2000 });
  });

  it('on a valid spec with one value replaced by anything', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fullSpecPaths), anyValue, (path, value) => {
        assertWellBehaved(withValue(buildFullSpec(), path, value));
      }),
      { numRuns: 3000 },
    );
  });

  it('on a valid spec with several values replaced or removed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...fullSpecPaths), fc.option(anyValue, { nil: undefined })), {
          minLength: 1,
          maxLength: 6,
        }),
        (edits) => {
          let spec: unknown = buildFullSpec();
          for (const [path, value] of edits) {
            try {
              spec = withValue(spec, path, value);
            } catch {
              // The path no longer exists after an earlier edit; keep what we have.
            }
          }
          assertWellBehaved(spec);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('on deeply nested input', () => {
    let deep: unknown = {};
    for (let i = 0; i < 5000; i++) deep = { timeline: [deep] };
    assertWellBehaved(deep);
    assertWellBehaved(withValue(buildFullSpec(), ['jobInfo'], deep));
  });
});

describe('generated valid specs', () => {
  const volume = fc.double({ min: 0, max: 1, noNaN: true });
  const event = fc.oneof(
    fc.record({
      start: fc.double({ min: 0, max: 600, noNaN: true }),
      type: fc.constant('tts'),
      data: fc.record({
        text: fc.string({ minLength: 1, maxLength: 200 }),
        volume,
        duckingLevel: volume,
      }),
    }),
    fc.record({
      start: fc.double({ min: 0, max: 600, noNaN: true }),
      type: fc.constant('audio'),
      data: fc.record({ assetId: fc.constant('music'), volume }),
    }),
  );

  it('are accepted with their values kept', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), volume, (timeline, musicVolume) => {
        const spec = withValue(
          withValue(buildFullSpec(), ['timeline'], timeline),
          ['backgroundMusic', 'volume'],
          musicVolume,
        );
        const result = validateJobSpec(spec);
        expect(result.ok ? 'valid' : result.error.message).toBe('valid');
        if (result.ok) {
          expect(result.spec.timeline.map((e) => e.start)).toEqual(timeline.map((e) => e.start));
          expect(result.spec.backgroundMusic?.volume).toBe(musicVolume);
        }
      }),
      { numRuns: 500 },
    );
  });
});
