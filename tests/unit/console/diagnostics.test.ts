import { readFileSync } from 'node:fs';
import { DEFAULT_WEBHOOK_SIZE_LIMITS, formatSpecProblems, validateJobSpec } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import { checkSpecText } from '../../../console/src/editor/diagnostics.ts';

const demoText = readFileSync(new URL('../../../samples/demo.s3.json', import.meta.url), 'utf8');

/** The demo spec's text with one exact piece of it replaced. */
function demoWith(piece: string, replacement: string): string {
  expect(demoText).toContain(piece);
  return demoText.replace(piece, replacement);
}

/** The lines of the API's 400 for a spec, each without its leading `  - `. */
function apiLinesFor(text: string): string[] {
  const result = validateJobSpec(JSON.parse(text), DEFAULT_WEBHOOK_SIZE_LIMITS);
  if (result.ok) throw new Error('expected a spec the API refuses');
  const [head, ...lines] = formatSpecProblems(result.error.problems).split('\n');
  expect(head).toBe('Invalid job specification:');
  return lines.map((line) => line.replace(/^ {2}- /, ''));
}

describe('checkSpecText', () => {
  it('accepts the demo spec and gives it back parsed', () => {
    expect(checkSpecText(demoText)).toEqual({ ok: true, spec: JSON.parse(demoText) });
  });

  describe('text that is not JSON', () => {
    it.each([
      ['a missing comma', '{\n  "a": 1\n  "b": 2\n}', 3, 3, 'a comma expected'],
      ['a trailing comma', '{\n  "a": 1,\n}', 3, 1, 'a property name in double quotes expected'],
      ['an unclosed string', '{\n  "a": "abc\n}', 2, 8, 'a string not closed'],
      ['an unclosed list', '[1, 2', 1, 6, 'a closing bracket expected'],
      ['text after the value', '{"a": 1} x', 1, 10, 'an unexpected character'],
      ['a comment', '// draft\n{}', 1, 1, 'a comment, which JSON does not allow'],
    ])('names %s in words at its 1-based line and column', (_name, text, line, column, words) => {
      expect(checkSpecText(text)).toEqual({
        ok: false,
        diagnostics: [{ line, column, message: `Invalid JSON in request body: ${words}` }],
      });
    });

    it('reports only the first syntax error', () => {
      const checked = checkSpecText('{\n  "a": 1\n  "b": 2\n  "c": 3\n}');

      expect(checked).toEqual({
        ok: false,
        diagnostics: [{ line: 3, column: 3, message: 'Invalid JSON in request body: a comma expected' }],
      });
    });

    it('says a value is expected, at 1:1, for empty text', () => {
      expect(checkSpecText('')).toEqual({
        ok: false,
        diagnostics: [{ line: 1, column: 1, message: 'Invalid JSON in request body: a value expected' }],
      });
    });

    it('says a value is expected, at the end, for whitespace only', () => {
      expect(checkSpecText('   \n  ')).toEqual({
        ok: false,
        diagnostics: [{ line: 2, column: 3, message: 'Invalid JSON in request body: a value expected' }],
      });
    });
  });

  describe('JSON that is not a valid spec', () => {
    it("gives a field out of range the API's own line, at the line of the field's key", () => {
      // Prepare: demo line 18 is `    "volume": 0.35,`.
      const text = demoWith('"volume": 0.35', '"volume": 3.5');
      // Act
      const checked = checkSpecText(text);
      // Assess
      const message = "Field 'backgroundMusic -> volume': Input should be less than or equal to 1";
      expect(apiLinesFor(text)).toEqual([message]);
      expect(checked).toEqual({ ok: false, diagnostics: [{ line: 18, column: 5, message }] });
    });

    it('places a missing field at the key of its nearest existing parent', () => {
      // Prepare: demo line 43 is `  "output": { "filename": "auto-vid-demo.mp4" },`.
      const text = demoWith('"output": { "filename": "auto-vid-demo.mp4" }', '"output": {}');
      // Act
      const checked = checkSpecText(text);
      // Assess
      const message = "Field 'output -> filename': Field required";
      expect(apiLinesFor(text)).toEqual([message]);
      expect(checked).toEqual({ ok: false, diagnostics: [{ line: 43, column: 3, message }] });
    });

    it('places a problem of a list item at the item itself', () => {
      // Prepare: demo line 16 is `    "playlist": ["track-a", "track-b"],`.
      const text = demoWith('["track-a", "track-b"]', '["track-a", "nope"]');
      // Act
      const checked = checkSpecText(text);
      // Assess
      const message =
        "Field 'backgroundMusic -> playlist -> 1': Playlist item 'nope' not found in assets.audio";
      expect(apiLinesFor(text)).toEqual([message]);
      expect(checked).toEqual({ ok: false, diagnostics: [{ line: 16, column: 29, message }] });
    });

    it('names the root for JSON that is not an object', () => {
      const message = "Field '(root)': Input should be an object";

      expect(apiLinesFor('[]')).toEqual([message]);
      expect(checkSpecText('[]')).toEqual({ ok: false, diagnostics: [{ line: 1, column: 1, message }] });
    });

    it('sorts several problems by line, not in the order the API lists them', () => {
      // Prepare: output first in the text, but last in the API's answer.
      const text = [
        '{',
        '  "output": { "filename": "a/b.mp4" },',
        '  "assets": {',
        '    "video": { "id": "main", "source": "s3://media-bucket/v.mp4" },',
        '    "audio": []',
        '  },',
        '  "timeline": [',
        '    { "start": -1, "type": "audio", "data": { "assetId": "whoosh" } }',
        '  ]',
        '}',
      ].join('\n');
      // Act
      const checked = checkSpecText(text);
      // Assess
      expect(apiLinesFor(text)).toEqual([
        "Field 'timeline -> 0 -> start': Input should be greater than or equal to 0",
        "Field 'output -> filename': Must be a plain file name (no /, \\, .. or control characters)",
        "Field 'timeline -> 0 -> data -> assetId': Audio asset 'whoosh' not found in assets.audio",
      ]);
      expect(checked).toEqual({
        ok: false,
        diagnostics: [
          {
            line: 2,
            column: 15,
            message:
              "Field 'output -> filename': Must be a plain file name (no /, \\, .. or control characters)",
          },
          {
            line: 8,
            column: 7,
            message: "Field 'timeline -> 0 -> start': Input should be greater than or equal to 0",
          },
          {
            line: 8,
            column: 47,
            message:
              "Field 'timeline -> 0 -> data -> assetId': Audio asset 'whoosh' not found in assets.audio",
          },
        ],
      });
    });
  });
});
