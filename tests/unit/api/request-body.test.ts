import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../../src/api/request-body.ts';

const NOW = new Date('2026-01-02T03:04:05.000Z');

function answerOf(result: ReturnType<typeof parseJsonBody>) {
  if (result.ok) throw new Error('expected an error answer');
  return { status: result.response.statusCode, body: JSON.parse(result.response.body) };
}

describe('parseJsonBody', () => {
  it('returns the parsed JSON', () => {
    expect(parseJsonBody('{"a":[1,2]}', NOW)).toEqual({ ok: true, json: { a: [1, 2] } });
  });

  it.each([undefined, '', '   \n'])('answers 400 Missing request body for %j', (body) => {
    expect(answerOf(parseJsonBody(body, NOW))).toEqual({
      status: 400,
      body: { error: 'Missing request body', timestamp: '2026-01-02T03:04:05.000Z' },
    });
  });

  it('answers 400 Invalid JSON in request body for text that is not JSON', () => {
    expect(answerOf(parseJsonBody('{"a":', NOW))).toEqual({
      status: 400,
      body: { error: 'Invalid JSON in request body', timestamp: '2026-01-02T03:04:05.000Z' },
    });
  });

  it('answers 413 naming the size and the limit, counting UTF-8 bytes', () => {
    // Prepare: 4 characters, 6 bytes.
    const body = '"éé"';
    // Act
    const answer = answerOf(parseJsonBody(body, NOW, { maxBytes: 5 }));
    // Assess
    expect(answer).toEqual({
      status: 413,
      body: {
        error: 'Request body too large: 6 bytes (the limit is 5 bytes)',
        timestamp: '2026-01-02T03:04:05.000Z',
      },
    });
  });
});
