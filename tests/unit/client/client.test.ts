import { describe, expect, it } from 'vitest';
import { AutoVidClient, AutoVidError, type JobView } from '../../../client/src/index.ts';

type Answer = { status: number; body: unknown } | 'reset' | 'hang';

/** A fetch that answers from a script, in order, and records each request. */
function scriptedFetch(answers: Answer[]) {
  const requests: { method: string; url: string; headers: Record<string, string> }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    requests.push({
      method: init?.method ?? 'GET',
      url: String(input),
      headers: (init?.headers ?? {}) as Record<string, string>,
    });
    const answer = answers.shift() ?? { status: 500, body: { error: 'script ran out' } };
    if (answer === 'reset') throw new TypeError('fetch failed');
    if (answer === 'hang') {
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    }
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  };
  return { fetch, requests };
}

const JOB = '0b6b4bd5-8f6b-4d0e-9a53-0c4f1c1b8a11';
const view = (status: JobView['status'], progress?: number) => ({
  jobId: JOB,
  status,
  ...(progress ? { progress } : {}),
});

function clientWith(answers: Answer[], options: { timeoutMs?: number } = {}) {
  const scripted = scriptedFetch(answers);
  const client = new AutoVidClient({
    baseUrl: 'https://api.test/Prod/',
    apiKey: 'k',
    fetch: scripted.fetch,
    ...options,
  });
  return { client, requests: scripted.requests };
}

describe('AutoVidClient', () => {
  it('sends the key, reads the view, and tries a read again after a reset and a 503', async () => {
    const { client, requests } = clientWith([
      'reset',
      { status: 503, body: { error: 'Internal server error', timestamp: 't' } },
      { status: 200, body: view('submitted') },
    ]);
    expect(await client.getJob(JOB)).toEqual(view('submitted'));
    expect(requests.map((r) => r.url)).toEqual(Array(3).fill(`https://api.test/Prod/jobs/${JOB}`));
    expect(requests[0]?.headers['X-API-Key']).toBe('k');
  });

  it('never sends a submit without a key twice, nor any request past the daily quota', async () => {
    const unkeyed = clientWith([{ status: 502, body: { message: 'Internal server error' } }]);
    await expect(unkeyed.client.submit({} as never)).rejects.toMatchObject({ status: 502, kind: 'answer' });
    expect(unkeyed.requests).toHaveLength(1);
    const quota = clientWith([{ status: 429, body: { message: 'Limit Exceeded' } }]);
    await expect(quota.client.getJob(JOB)).rejects.toMatchObject({ status: 429, message: 'Limit Exceeded' });
    expect(quota.requests).toHaveLength(1);
  });

  it('tries a keyed submit again while its first try is still being processed', async () => {
    const { client, requests } = clientWith([
      'reset',
      {
        status: 409,
        body: { error: 'A request with this Idempotency-Key is still being processed', timestamp: 't' },
      },
      { status: 200, body: view('submitted') },
    ]);
    expect(await client.submit({} as never, { idempotencyKey: 'order-1' })).toEqual(view('submitted'));
    expect(requests.map((r) => r.headers['Idempotency-Key'])).toEqual(['order-1', 'order-1', 'order-1']);
  });

  it('gives up on a request that does not answer within timeoutMs, as no answer', async () => {
    const { client } = clientWith(['hang', 'hang', 'hang'], { timeoutMs: 50 });
    const error = await client.getJob(JOB).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AutoVidError);
    expect(error).toMatchObject({ kind: 'no-answer', status: 0, retryable: true });
  });

  it('waits for a final status, telling each change once', async () => {
    const { client } = clientWith([
      { status: 200, body: view('submitted') },
      { status: 200, body: view('processing', 10) },
      { status: 200, body: view('processing', 10) },
      { status: 200, body: view('processing', 60) },
      { status: 200, body: view('completed') },
    ]);
    const told: string[] = [];
    const done = await client.waitForJob(JOB, {
      intervalMs: 1,
      onProgress: (v) => told.push(`${v.status}${v.progress ?? ''}`),
    });
    expect(done.status).toBe('completed');
    expect(told).toEqual(['submitted', 'processing10', 'processing60', 'completed']);
  });

  it('ends a wait at timeoutMs with a wait-timeout that is not worth retrying', async () => {
    const { client } = clientWith(Array(50).fill({ status: 200, body: view('processing', 5) }));
    const error = await client.waitForJob(JOB, { intervalMs: 20, timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'wait-timeout',
      retryable: false,
      message: `Job ${JOB} was still processing after 100 ms of waiting`,
    });
  });

  it('follows nextCursor through short pages until it is null', async () => {
    const { client, requests } = clientWith([
      { status: 200, body: { jobs: [view('completed')], nextCursor: 'c1' } },
      { status: 200, body: { jobs: [], nextCursor: 'c2' } },
      { status: 200, body: { jobs: [view('failed')], nextCursor: null } },
    ]);
    const pages: number[] = [];
    for await (const page of client.listJobs({ status: 'completed', limit: 1 })) pages.push(page.jobs.length);
    expect(pages).toEqual([1, 0, 1]);
    expect(requests.map((r) => new URL(r.url).search)).toEqual([
      '?status=completed&limit=1',
      '?status=completed&limit=1&cursor=c1',
      '?status=completed&limit=1&cursor=c2',
    ]);
  });

  it('puts the bytes with the signed headers, tried again after a reset', async () => {
    const upload = {
      name: 'a.wav',
      source: 's3://bucket/assets/u/a.wav',
      uploadUrl: 'https://s3.test/put',
      headers: { 'Content-Type': 'audio/wav', 'Content-Length': '3' },
      expiresAt: 't',
    };
    const { client, requests } = clientWith([
      { status: 200, body: { uploads: [upload] } },
      'reset',
      { status: 200, body: '' },
    ]);
    const uploaded = await client.uploadFile({ name: 'a.wav', data: new Uint8Array([1, 2, 3]) });
    expect(uploaded).toEqual({ name: 'a.wav', source: upload.source });
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST https://api.test/Prod/uploads',
      'PUT https://s3.test/put',
      'PUT https://s3.test/put',
    ]);
    expect(requests[1]?.headers).toEqual(upload.headers);
  });

  it('names the extensions it knows when it cannot tell a file type', async () => {
    const { client } = clientWith([]);
    await expect(client.uploadFile({ name: 'notes.txt', data: new Uint8Array([1]) })).rejects.toThrow(
      'Cannot tell the content type of notes.txt: pass contentType, or use one of .mp4, .mov, .webm, .mkv, .mp3, .m4a, .aac, .wav, .ogg, .flac',
    );
  });
});
