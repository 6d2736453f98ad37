import { parseJobSpec } from '@auto-vid/shared';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUploads } from '../../src/api/create-uploads.ts';
import { getJobStatus } from '../../src/api/get-status.ts';
import { MAX_SUBMIT_BODY_BYTES, submitJob } from '../../src/api/submit-job.ts';
import { createSqsJobQueue } from '../../src/jobs/job-queue.ts';
import { createS3OutputStore } from '../../src/jobs/output-store.ts';
import { useEmulators } from '../support/emulators.ts';
import { createJobTable, type JobTable } from '../support/job-table.ts';
import { OUTPUT_NOT_YET_MADE } from '../support/job-views.ts';
import { buildFullSpec } from '../support/spec-builders.ts';

const stack = useEmulators();
const QUEUE_URL = 'https://sqs.us-east-2.amazonaws.com/123456789012/auto-vid-sqs-jobs';
const sqs = new SQSClient({ region: 'us-east-2' });
const sqsMock = mockClient(sqs);
const FIXED_NOW = new Date('2026-11-21T10:00:00.000Z');
const LIMITS = { maxHeadersSize: 1024, maxMetadataSize: 1024 };

let table: JobTable;
beforeAll(async () => {
  table = await createJobTable(stack.emulators);
});
beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

const submit = (body: string | undefined, jobId = crypto.randomUUID()) =>
  submitJob(body, {
    jobs: table.store,
    queue: createSqsJobQueue(sqs, QUEUE_URL),
    limits: LIMITS,
    ttlSeconds: 604_800,
    clock: () => FIXED_NOW,
    newJobId: () => jobId,
  });

const bodyOf = (response: { body: string }) => JSON.parse(response.body);

describe('POST /submit', () => {
  it('accepts a valid spec: 200 with the job view, a record with ttl, one queue message', async () => {
    const jobId = crypto.randomUUID();
    const spec = buildFullSpec();
    const response = await submit(JSON.stringify(spec), jobId);
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({
      jobId,
      status: 'submitted',
      submittedAt: '2026-11-21T10:00:00.000Z',
      updatedAt: '2026-11-21T10:00:00.000Z',
      completedAt: null,
      processingTime: null,
      output: { ...OUTPUT_NOT_YET_MADE },
      error: null,
      jobInfo: { projectId: 'p1', title: 'Test video', tags: ['a', 'b'] },
    });
    const record = (await table.scan()).find((item) => item.jobId === jobId);
    expect(record?.ttl).toBe(Math.floor(FIXED_NOW.getTime() / 1000) + 604_800);
    expect(record?.status).toBe('submitted');
    const sent = sqsMock.commandCalls(SendMessageCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.args[0].input.QueueUrl).toBe(QUEUE_URL);
    expect(JSON.parse(sent[0]?.args[0].input.MessageBody ?? '')).toEqual({
      jobId,
      jobSpec: parseJobSpec(spec),
      submittedAt: '2026-11-21T10:00:00.000Z',
    });
  });

  it('queues the validated spec, never what the body held under ignored keys (5,000 levels deep)', async () => {
    const jobId = crypto.randomUUID();
    const spec = buildFullSpec();
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const body = JSON.stringify({ ...spec, jobInfo: { ...(spec.jobInfo as object), a: '@' } }).replace(
      '"@"',
      deep,
    );

    const response = await submit(body, jobId);

    expect(response.statusCode).toBe(200);
    const message = JSON.parse(sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '');
    expect(message.jobSpec).toEqual(parseJobSpec(spec));
    expect(message.jobSpec.jobInfo).toEqual({ projectId: 'p1', title: 'Test video', tags: ['a', 'b'] });
    // What is queued reads back as the same spec.
    expect(parseJobSpec(message.jobSpec)).toEqual(message.jobSpec);
  });

  it.each([
    [undefined, 'Missing request body'],
    ['   ', 'Missing request body'],
    ['{"assets":', 'Invalid JSON in request body'],
  ])('answers 400 to %j without creating anything', async (body, error) => {
    const before = (await table.scan()).length;
    const response = await submit(body);
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({ error, timestamp: '2026-11-21T10:00:00.000Z' });
    expect((await table.scan()).length).toBe(before);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 400 with the parity text and details for an invalid spec, creating nothing', async () => {
    const before = (await table.scan()).length;
    const spec = buildFullSpec() as {
      backgroundMusic: { playlist: string[] };
      output: Record<string, unknown>;
    };
    spec.backgroundMusic.playlist = ['nope'];
    delete spec.output.filename;
    const response = await submit(JSON.stringify(spec));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response)).toEqual({
      error:
        "Invalid job specification:\n  - Field 'output -> filename': Field required\n  - Field 'backgroundMusic -> playlist -> 0': Playlist item 'nope' not found in assets.audio",
      details: [
        { path: ['output', 'filename'], message: 'Field required' },
        {
          path: ['backgroundMusic', 'playlist', 0],
          message: "Playlist item 'nope' not found in assets.audio",
        },
      ],
      timestamp: '2026-11-21T10:00:00.000Z',
    });
    expect((await table.scan()).length).toBe(before);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 413 to a body over 256 KB', async () => {
    const spec = buildFullSpec() as { jobInfo: Record<string, unknown> };
    spec.jobInfo.padding = 'x'.repeat(MAX_SUBMIT_BODY_BYTES);
    const response = await submit(JSON.stringify(spec));
    expect(response.statusCode).toBe(413);
    expect(bodyOf(response).error).toMatch(
      /^Request body too large: \d+ bytes \(the limit is 262144 bytes\)$/,
    );
  });

  it('marks the job failed and answers 500 when SQS refuses the message', async () => {
    sqsMock
      .on(SendMessageCommand)
      .rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
    const jobId = crypto.randomUUID();
    const response = await submit(JSON.stringify(buildFullSpec()), jobId);
    expect(response.statusCode).toBe(500);
    expect(bodyOf(response)).toEqual({
      error: 'Failed to queue job',
      jobId,
      timestamp: '2026-11-21T10:00:00.000Z',
    });
    const record = await table.store.get(jobId);
    expect(record?.status).toBe('failed');
    expect(record?.error).toBe('Failed to queue job');
  });
});

describe('GET /status/{jobId}', () => {
  const statusDeps = (jobs = table.store) => ({
    jobs,
    outputs: createS3OutputStore(stack.s3),
    presignSeconds: 86_400,
    clock: () => FIXED_NOW,
  });

  it('returns the job view without ttl', async () => {
    const jobId = crypto.randomUUID();
    await submit(JSON.stringify(buildFullSpec()), jobId);
    const response = await getJobStatus(jobId, statusDeps());
    expect(response.statusCode).toBe(200);
    const view = bodyOf(response);
    expect(view.jobId).toBe(jobId);
    expect(view.status).toBe('submitted');
    expect(view).not.toHaveProperty('ttl');
    expect(view).not.toHaveProperty('attempts');
  });

  it('answers 404 for an unknown job', async () => {
    const jobId = crypto.randomUUID();
    const response = await getJobStatus(jobId, statusDeps());
    expect(response.statusCode).toBe(404);
    expect(bodyOf(response)).toEqual({
      error: `Job ${jobId} not found`,
      timestamp: '2026-11-21T10:00:00.000Z',
    });
  });

  it.each([
    [undefined, 'Missing jobId in path'],
    ['../etc/passwd', 'Invalid jobId: expected a UUID'],
  ])('answers 400 to %j without asking the table', async (jobId, error) => {
    const jobs = { ...table.store, get: () => Promise.reject(new Error('the table must not be asked')) };
    const response = await getJobStatus(jobId, statusDeps(jobs));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error).toBe(error);
  });
});

describe('POST /uploads', () => {
  // The URLs are signed at the clock's time, so it is the current second for S3 to take them.
  const SIGNED_AT = new Date(Math.floor(Date.now() / 1000) * 1000);
  const IN_AN_HOUR = new Date(SIGNED_AT.getTime() + 3_600_000).toISOString();
  const uploadDeps = (bucket: string) => ({
    store: createS3OutputStore(stack.s3),
    bucket,
    expiresInSeconds: 3600,
    maxBytes: 1000,
    clock: () => SIGNED_AT,
    newId: () => 'u-1',
  });

  it('hands out presigned PUT URLs whose source a spec can use', async () => {
    const bucket = await stack.createBucket('uploads');
    const response = await createUploads(
      JSON.stringify({
        files: [
          { name: 'intro.mp4', contentType: 'video/mp4', size: 11 },
          { name: 'song.mp3', contentType: 'audio/mpeg', size: 900 },
        ],
      }),
      uploadDeps(bucket),
    );
    expect(response.statusCode).toBe(200);
    const { uploads } = bodyOf(response);
    expect(
      uploads.map((u: { name: string; source: string; expiresAt: string; headers: object }) => [
        u.name,
        u.source,
        u.expiresAt,
        u.headers,
      ]),
    ).toEqual([
      [
        'intro.mp4',
        `s3://${bucket}/assets/u-1/intro.mp4`,
        IN_AN_HOUR,
        { 'Content-Type': 'video/mp4', 'Content-Length': '11' },
      ],
      [
        'song.mp3',
        `s3://${bucket}/assets/u-1/song.mp3`,
        IN_AN_HOUR,
        { 'Content-Type': 'audio/mpeg', 'Content-Length': '900' },
      ],
    ]);
    const put = await fetch(uploads[0].uploadUrl, {
      method: 'PUT',
      headers: uploads[0].headers,
      body: 'video bytes',
    });
    expect(put.status).toBe(200);
    const object = await stack.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'assets/u-1/intro.mp4' }));
    expect(await object.Body?.transformToString()).toBe('video bytes');
  });

  it('never states an expiry past the signing credentials: a session ending in 20 minutes', async () => {
    const bucket = await stack.createBucket('uploads');
    const ends = new Date(SIGNED_AT.getTime() + 1_200_000);
    const { AWS_ACCESS_KEY_ID = '', AWS_SECRET_ACCESS_KEY = '' } = stack.emulators.env;
    const session = new S3Client({
      endpoint: stack.emulators.s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: AWS_ACCESS_KEY_ID,
        secretAccessKey: AWS_SECRET_ACCESS_KEY,
        sessionToken: 'session',
        expiration: ends,
      },
    });
    const response = await createUploads(
      JSON.stringify({ files: [{ name: 'intro.mp4', contentType: 'video/mp4', size: 11 }] }),
      { ...uploadDeps(bucket), store: createS3OutputStore(session) },
    );
    const [upload] = bodyOf(response).uploads;
    expect(upload.expiresAt).toBe(ends.toISOString());
    expect(new URL(upload.uploadUrl).searchParams.get('X-Amz-Expires')).toBe('1200');
  });

  it('signs the type and size into the URL: S3 refuses another size, another type, another key', async () => {
    const bucket = await stack.createBucket('uploads');
    const response = await createUploads(
      JSON.stringify({ files: [{ name: 'intro.mp4', contentType: 'video/mp4', size: 11 }] }),
      uploadDeps(bucket),
    );
    const [upload] = bodyOf(response).uploads;
    const url = new URL(upload.uploadUrl);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    const attempts = [
      ['200 bytes more', upload.uploadUrl, { 'Content-Type': 'video/mp4' }, `video bytes${'x'.repeat(200)}`],
      ['a script as video', upload.uploadUrl, { 'Content-Type': 'text/html' }, 'video bytes'],
      [
        'the same URL for outputs/',
        upload.uploadUrl.replace('assets/u-1/intro.mp4', 'outputs/intro.mp4'),
        upload.headers,
        'video bytes',
      ],
    ] as const;
    for (const [what, target, headers, body] of attempts) {
      const put = await fetch(target, { method: 'PUT', headers, body });
      expect([what, put.status, await put.text()]).toEqual([
        what,
        403,
        expect.stringContaining('<Code>SignatureDoesNotMatch</Code>'),
      ]);
    }
    const listed = await stack.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(listed.KeyCount).toBe(0);
  });

  it.each([
    [{ files: [{ name: '../x.mp4', contentType: 'video/mp4', size: 1 }] }, "Field 'files -> 0 -> name'"],
    [
      { files: [{ name: 'x.exe', contentType: 'application/x-msdownload', size: 1 }] },
      "Field 'files -> 0 -> contentType': Must be one of video/mp4",
    ],
    [
      {
        files: Array.from({ length: 21 }, (_, i) => ({
          name: `f${i}.wav`,
          contentType: 'audio/wav',
          size: 1,
        })),
      },
      "Field 'files': At most 20 files per request",
    ],
    [{}, "Field 'files': Field required"],
    [{ files: [{ name: 'a.mp4', contentType: 'video/mp4' }] }, "Field 'files -> 0 -> size': Field required"],
    [
      { files: [{ name: 'a.mp4', contentType: 'video/mp4', size: 0 }] },
      "Field 'files -> 0 -> size': Must be the file size in bytes",
    ],
    [
      { files: [{ name: 'a.mp4', contentType: 'video/mp4', size: 1001 }] },
      "Field 'files -> 0 -> size': Must be at most 1000 bytes",
    ],
  ])('answers 400 naming the field for %j', async (request, expected) => {
    const response = await createUploads(JSON.stringify(request), uploadDeps('unused-bucket'));
    expect(response.statusCode).toBe(400);
    expect(bodyOf(response).error).toContain(expected);
  });
});
