import type { JobMessage, JobRecord } from '@auto-vid/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.ts';
import { createLogger } from '../../src/handlers/logger.ts';
import { createSubmitHandler } from '../../src/handlers/submit-job.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import type { JobStore } from '../../src/jobs/job-store.ts';
import { buildFullSpec, pathsOf, withValue } from '../support/spec-builders.ts';

// The handler's own behaviour under hostile bodies; the stores behind it are tested on dynalite
// elsewhere, so here they only record what the handler asked of them.
const records: JobRecord[] = [];
const messages: JobMessage[] = [];
const jobs = {
  create: async (record: JobRecord) => void records.push(record),
  fail: async () => undefined,
} as unknown as JobStore;
const queue: JobQueue = { send: async (message) => void messages.push(message) };
const handler = createSubmitHandler(
  {
    jobs,
    queue,
    limits: { maxHeadersSize: 1024, maxMetadataSize: 1024 },
    ttlSeconds: 3600,
    rules: { localMode: false, outputBuckets: ['test-bucket'] },
    clock: systemClock,
  },
  // Ten thousand requests would print ten thousand INFO lines.
  createLogger('auto-vid-submit', { LOG_LEVEL: 'ERROR' }),
);

function proxyEvent(body: string | null, contentType = 'application/json') {
  return {
    resource: '/submit',
    path: '/submit',
    httpMethod: 'POST',
    headers: { 'Content-Type': contentType, 'X-API-Key': 'k' },
    multiValueHeaders: { 'Content-Type': [contentType], 'X-API-Key': ['k'] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      resourcePath: '/submit',
      httpMethod: 'POST',
      path: '/Prod/submit',
      protocol: 'HTTP/1.1',
      stage: 'Prod',
      requestId: 'r',
      requestTime: '21/Nov/2026:10:00:00 +0000',
      requestTimeEpoch: 1795255200000,
      identity: { sourceIp: '203.0.113.1' },
    },
    body,
    isBase64Encoded: false,
  };
}

/** Never a 5xx or a throw; a rejected body leaves no record and no message; an accepted one, one of each. */
const statuses = new Map<number, number>();

async function assertContained(body: string | null, contentType?: string): Promise<void> {
  const before = { records: records.length, messages: messages.length };
  const response = await handler(proxyEvent(body, contentType));
  statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
  expect([200, 400, 413]).toContain(response.statusCode);
  const answer = JSON.parse(response.body);
  if (response.statusCode === 200) {
    expect(records.length).toBe(before.records + 1);
    expect(messages.length).toBe(before.messages + 1);
    expect(messages.at(-1)?.jobId).toBe(answer.jobId);
  } else {
    expect(typeof answer.error).toBe('string');
    expect(records.length).toBe(before.records);
    expect(messages.length).toBe(before.messages);
  }
}

const specPaths = pathsOf(buildFullSpec()).filter((p) => p.length > 0);

const weirdString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    "a'b;c[d]$(rm -rf /)\n",
    '\u0000\u001b[31m',
    '../../etc/passwd',
    's3://x',
    'http://169.254.169.254/',
    '\ud800',
  ),
);
const anyValue = fc.oneof(
  fc.jsonValue(),
  weirdString,
  fc.constantFrom(null, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, true),
);

/** withValue, skipping an edit whose parent an earlier edit replaced by something else. */
function editIfPossible(spec: unknown, path: (string | number)[], value: unknown): unknown {
  try {
    return withValue(spec, path, value);
  } catch {
    return spec;
  }
}

function nested(depth: number, leaf: string): string {
  return `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;
}

describe('POST /submit under hostile input', () => {
  it('contains 10,000+ random bodies: JSON of any shape, mutated specs, garbage text', async () => {
    const body = fc.oneof(
      { weight: 3, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      {
        weight: 5,
        arbitrary: fc
          .array(fc.tuple(fc.constantFrom(...specPaths), fc.option(anyValue, { nil: undefined })), {
            minLength: 1,
            maxLength: 4,
          })
          .map((edits) =>
            JSON.stringify(
              edits.reduce<unknown>(
                (spec, [path, value]) => editIfPossible(spec, path, value),
                buildFullSpec(),
              ),
            ),
          ),
      },
      { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
      { weight: 1, arbitrary: fc.constantFrom('', ' ', 'null', '[]', '{}', '"x"', '{"assets":', '\uFEFF{}') },
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom(
          'application/json',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
        ),
        assertContained,
      ),
      { numRuns: 10_000 },
    );
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(10_000);
    // Both sides were exercised: mutations that stay valid, and ones that do not.
    expect(statuses.get(200)).toBeGreaterThan(100);
    expect(statuses.get(400)).toBeGreaterThan(1_000);
  }, 180_000);

  it('contains deep nesting, huge strings, an empty body and the valid spec itself', async () => {
    for (const body of [
      null,
      '',
      nested(5_000, '1'),
      JSON.stringify({ ...buildFullSpec(), jobInfo: JSON.parse(nested(3_000, '{}')) }),
      JSON.stringify(withValue(buildFullSpec(), ['jobInfo', 'title'], 'x'.repeat(300_000))),
      JSON.stringify(withValue(buildFullSpec(), ['timeline', 0, 'data', 'text'], 'ü'.repeat(200_000))),
      'x'.repeat(11 * 1024 * 1024),
      JSON.stringify(buildFullSpec()),
    ]) {
      await assertContained(body);
    }
    expect(records.length).toBeGreaterThan(0);
  });
});
