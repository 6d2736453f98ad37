import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertDocumentedWebhook, callApi } from '../support/api-contract.ts';
import { type DevProcess, startDevProcess } from '../support/dev-process.ts';
import { NO_DELIVERABLES } from '../support/job-views.ts';
import { makeTone, makeVideo, probeDuration, probeStreams } from '../support/media.ts';
import { sendRaw } from '../support/raw-http.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

// Answers are free-form JSON; the assertions give them their shape.
// biome-ignore lint/suspicious/noExplicitAny: see above
type JsonObject = Record<string, any>;

const media = mkdtempSync(join(tmpdir(), 'auto-vid-e2e-media-'));
const UNKNOWN_JOB = '00000000-0000-4000-8000-000000000000';

async function call(
  dev: DevProcess,
  method: string,
  path: string,
  body?: unknown,
  key: string | null = dev.apiKey,
) {
  const { status, json } = await callApi(dev.url, method, path, { key, body });
  return { status, json };
}

/** Uploads local files through POST /uploads and returns their s3:// sources by file name. */
async function upload(dev: DevProcess, files: Record<string, string>): Promise<Record<string, string>> {
  const names = Object.keys(files);
  const { json } = await call(dev, 'POST', '/uploads', {
    files: names.map((name) => ({
      name,
      contentType: name.endsWith('.mp4') ? 'video/mp4' : 'audio/wav',
      size: statSync(files[name] as string).size,
    })),
  });
  const sources: Record<string, string> = {};
  for (const entry of json.uploads) {
    const put = await fetch(entry.uploadUrl, {
      method: 'PUT',
      headers: entry.headers,
      body: readFileSync(files[entry.name] as string),
    });
    expect(put.status).toBe(200);
    sources[entry.name] = entry.source;
  }
  return sources;
}

/** A spec that re-encodes (so the render lasts a few seconds) with music, narration and a webhook. */
function specFor(sources: Record<string, string>, webhookUrl: string, filename: string) {
  return {
    jobInfo: { projectId: 'e2e' },
    assets: {
      video: { id: 'v', source: sources['clip.mp4'] },
      audio: [{ id: 'm', source: sources['music.wav'] }],
    },
    backgroundMusic: { playlist: ['m'], volume: 0.4 },
    timeline: [{ start: 1, type: 'tts', data: { text: 'Testing the local stack.', duckingLevel: 0.3 } }],
    output: { filename, encoding: { preset: 'medium', fps: 25 } },
    notifications: { webhook: { url: webhookUrl, metadata: { run: 'e2e', attempt: 1 } } },
  };
}

async function waitForStatus(
  dev: DevProcess,
  jobId: string,
  wanted: (view: JsonObject) => boolean,
  seen: JsonObject[] = [],
) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { json } = await call(dev, 'GET', `/status/${jobId}`);
    seen.push(json);
    if (wanted(json)) return json;
    if (Date.now() > deadline) throw new Error(`Job ${jobId} stuck at ${JSON.stringify(json)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

let files: Record<string, string>;
beforeAll(() => {
  files = {
    'clip.mp4': makeVideo(media, 'clip.mp4', 20, { size: '640x360' }),
    'music.wav': makeTone(media, 'music.wav', 220, 6),
  };
});

describe('auto-vid dev over HTTP', () => {
  let dev: DevProcess;
  let receiver: WebhookReceiver;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'auto-vid-e2e-'));
    dev = await startDevProcess(dataDir, ['--rate', '100', '--burst', '200', '--quota', '100000']);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await dev?.stop();
    await receiver?.close();
  });

  it('answers 403 {"message":"Forbidden"} without the key or with a wrong one', async () => {
    expect(await call(dev, 'GET', `/status/${UNKNOWN_JOB}`, undefined, null)).toEqual({
      status: 403,
      json: { message: 'Forbidden' },
    });
    expect(await call(dev, 'POST', '/submit', {}, 'wrong-key')).toEqual({
      status: 403,
      json: { message: 'Forbidden' },
    });
  });

  it('answers an unknown route as API Gateway does', async () => {
    expect(await call(dev, 'GET', '/nothing-here')).toEqual({
      status: 403,
      json: { message: 'Missing Authentication Token' },
    });
  });

  it('answers 400 with the parity text for an invalid spec', async () => {
    const { status, json } = await call(dev, 'POST', '/submit', {
      assets: { video: { id: 'v' }, audio: [] },
      timeline: [],
    });
    expect(status).toBe(400);
    expect(json.error).toBe(
      "Invalid job specification:\n  - Field 'assets -> video -> source': Field required\n  - Field 'output': Field required",
    );
  });

  it('refuses a body over 10 MB with 413', async () => {
    const { status } = await call(dev, 'POST', '/submit', 'x'.repeat(11 * 1024 * 1024));
    expect(status).toBe(413);
  });

  it('renders a job from uploaded media: progress rising, completed, MP4 behind the URL, signed webhook', async () => {
    const sources = await upload(dev, files);
    expect(sources['clip.mp4']).toMatch(
      /^s3:\/\/auto-vid-s3-bucket-local-000000000000\/assets\/[0-9a-f-]{36}\/clip\.mp4$/,
    );
    const submitted = await call(dev, 'POST', '/submit', specFor(sources, receiver.url, 'e2e-main'));
    expect(submitted.status).toBe(200);
    expect(submitted.json.status).toBe('submitted');

    const seen: JsonObject[] = [];
    const done = await waitForStatus(
      dev,
      submitted.json.jobId,
      (v) => v.status === 'completed' || v.status === 'failed',
      seen,
    );
    expect(done.status).toBe('completed');
    const progress = seen
      .filter((v) => v.status === 'processing' && typeof v.progress === 'number')
      .map((v) => v.progress);
    expect(new Set(progress).size).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    const download = await fetch(done.output.url);
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(done.output.size);
    const local = join(media, 'downloaded.mp4');
    writeFileSync(local, bytes);
    expect(Math.abs(probeDuration(local) - 20)).toBeLessThanOrEqual(1 / 25);
    expect(probeStreams(local).map((s) => `${s.codec_name} ${s.avg_frame_rate}`)).toEqual([
      'h264 25/1',
      'aac 0/0',
    ]);
    expect(done.output.duration).toBeCloseTo(20, 1);

    const deadline = Date.now() + 10_000;
    while (receiver.received.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const [hook] = receiver.received;
    const secret = readFileSync(join(dataDir, 'webhook-secret'), 'utf8').trim();
    const payload = new Webhook(secret).verify(hook?.body as string, hook?.headers as Record<string, string>);
    assertDocumentedWebhook(payload);
    // GET /status signs its own URL on every call; the webhook carries the processor's, of the same object.
    const { url, urlExpiresAt, ...stored } = (payload as { output: JsonObject }).output;
    expect(payload).toEqual({
      ...done,
      output: { ...done.output, url, urlExpiresAt },
      metadata: { run: 'e2e', attempt: 1 },
    });
    expect(stored).toEqual({
      duration: done.output.duration,
      s3Uri: done.output.s3Uri,
      size: done.output.size,
      audio: done.output.audio,
      captions: null,
      ...NO_DELIVERABLES,
    });
    // Music under narration: audible, below full scale, measured on the file.
    const audio = done.output.audio as {
      integratedLufs: number;
      truePeakDbtp: number;
      loudnessRange: number;
    };
    expect(audio.integratedLufs).toBeGreaterThan(-40);
    expect(audio.integratedLufs).toBeLessThan(-5);
    expect(audio.truePeakDbtp).toBeLessThan(0.5);
    expect(audio.loudnessRange).toBeGreaterThanOrEqual(0);
    const hooked = await fetch(url as string);
    expect(Buffer.from(await hooked.arrayBuffer()).length).toBe(done.output.size);
    expect(Date.parse(urlExpiresAt as string)).toBeGreaterThan(Date.now());
  });

  it('answers or drops garbage on the raw socket, keeps serving, and still completes a job', async () => {
    // Prepare
    const key = `X-API-Key: ${dev.apiKey}\r\n`;
    const head = (requestLine: string, more = '') => `${requestLine}\r\nHost: local\r\n${key}${more}\r\n`;
    // Act
    const badEscape = await sendRaw(dev.url, [head('GET /status/%E0%A4%A HTTP/1.1')]);
    const truncatedBody = await sendRaw(
      dev.url,
      [
        head('POST /submit HTTP/1.1', 'Content-Type: application/json\r\nContent-Length: 1000\r\n'),
        '{"assets":',
      ],
      { hangUp: true },
    );
    const badChunks = await sendRaw(dev.url, [
      head('POST /submit HTTP/1.1', 'Transfer-Encoding: chunked\r\n'),
      'zz\r\nnot a chunk\r\n',
    ]);
    const hugeHeaders = await sendRaw(dev.url, [
      head('GET /status/x HTTP/1.1', `X-Big: ${'a'.repeat(100_000)}\r\n`),
    ]);
    const slowHeaders = await sendRaw(dev.url, ['GET /status/x HTTP/1.1\r\nHo', { pauseMs: 300 }, 'st: lo'], {
      hangUp: true,
    });
    const notHttp = await sendRaw(dev.url, [Buffer.from([0, 255, 13, 10, 13, 10, 7, 7])]);
    // Assess: each answered as an HTTP server would, or dropped, and the process still works.
    expect(badEscape).toMatch(/^HTTP\/1\.1 400 /);
    expect(badEscape).toContain('{"message":"Bad Request"}');
    expect(truncatedBody).toBe('');
    expect(badChunks).toMatch(/^HTTP\/1\.1 400 /);
    expect(hugeHeaders).toMatch(/^HTTP\/1\.1 431 /);
    expect(slowHeaders).toBe('');
    expect(notHttp).toMatch(/^HTTP\/1\.1 400 /);

    const sources = await upload(dev, files);
    const spec = {
      ...specFor(sources, receiver.url, 'after-garbage'),
      output: { filename: 'after-garbage' },
    };
    const submitted = await call(dev, 'POST', '/submit', spec);
    const done = await waitForStatus(dev, submitted.json.jobId, (v) =>
      ['completed', 'failed'].includes(v.status),
    );
    expect(done.status).toBe('completed');
    expect(dev.output.join('\n')).toContain('"message":"Request could not be served"');
  });

  it('hands out upload URLs that a browser on another origin may PUT to (CORS from the template)', async () => {
    const { json } = await call(dev, 'POST', '/uploads', {
      files: [{ name: 'a.mp4', contentType: 'video/mp4', size: 1000 }],
    });
    const preflight = await fetch(json.uploads[0].uploadUrl, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://app.example',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type,content-length',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
  });

  it('lets a console on another origin call the API: preflight without a key, every answer readable', async () => {
    // Prepare
    const origin = { Origin: 'http://console.example' };
    // Act
    const preflight = await fetch(`${dev.url}/submit`, {
      method: 'OPTIONS',
      headers: {
        ...origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,idempotency-key,x-api-key',
      },
    });
    const refused = await callApi(dev.url, 'GET', '/jobs', { key: 'wrong-key', headers: origin });
    const health = await callApi(dev.url, 'GET', '/health', { headers: origin });
    const jobs = await callApi(dev.url, 'GET', '/jobs', { key: dev.apiKey, headers: origin });
    // Assess: the preflight as API Gateway's mock answers it, the answers under the template's default *.
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,POST,DELETE,OPTIONS');
    expect(preflight.headers.get('access-control-allow-headers')).toBe(
      'Content-Type,X-API-Key,Idempotency-Key',
    );
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    expect(refused.status).toBe(403);
    expect(refused.text).toBe('{"message":"Forbidden"}');
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(health.status).toBe(200);
    expect(health.headers.get('access-control-allow-origin')).toBe('*');
    expect(jobs.status).toBe(200);
    expect(jobs.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('logs one JSON line per request', () => {
    const requests = dev.output
      .filter((line) => line.includes('"message":"Request"'))
      .map((line) => JSON.parse(line));
    expect(requests.length).toBeGreaterThan(5);
    expect(requests[0]).toMatchObject({
      level: 'INFO',
      method: expect.any(String),
      path: expect.any(String),
      statusCode: expect.any(Number),
    });
  });
});

describe('the usage plan', () => {
  it('answers 429 Too Many Requests past the burst and Limit Exceeded past the quota', async () => {
    const dev = await startDevProcess(mkdtempSync(join(tmpdir(), 'auto-vid-e2e-plan-')), [
      '--rate',
      '1',
      '--burst',
      '3',
      '--quota',
      '5',
    ]);
    try {
      const burst = await Promise.all(
        Array.from({ length: 5 }, () => call(dev, 'GET', `/status/${UNKNOWN_JOB}`)),
      );
      expect(burst.map((r) => r.status).sort()).toEqual([404, 404, 404, 429, 429]);
      expect(burst.find((r) => r.status === 429)?.json).toEqual({ message: 'Too Many Requests' });
      // One token every 2 s: two more requests after 4 s spend the quota of 5.
      await new Promise((resolve) => setTimeout(resolve, 4_200));
      expect((await call(dev, 'GET', `/status/${UNKNOWN_JOB}`)).status).toBe(404);
      expect((await call(dev, 'GET', `/status/${UNKNOWN_JOB}`)).status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 2_200));
      expect(await call(dev, 'GET', `/status/${UNKNOWN_JOB}`)).toEqual({
        status: 429,
        json: { message: 'Limit Exceeded' },
      });
    } finally {
      await dev.stop();
    }
  });
});

describe('a stop of the dev server', () => {
  it('loses no job: one cut by SIGTERM completes after the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'auto-vid-e2e-restart-'));
    const receiver = await startWebhookReceiver();
    const first = await startDevProcess(dataDir, ['--rate', '100', '--burst', '200', '--grace', '0']);
    const sources = await upload(first, files);
    const submitted = await call(first, 'POST', '/submit', specFor(sources, receiver.url, 'e2e-restart'));
    const jobId = submitted.json.jobId;
    await waitForStatus(first, jobId, (v) => v.status === 'processing');
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(first.output.join('\n')).toContain('"message":"Stopped"');

    const second = await startDevProcess(dataDir, ['--rate', '100', '--burst', '200']);
    try {
      expect(second.output.join('\n')).toMatch(/1 unfinished job\(s\) resumed/);
      const done = await waitForStatus(
        second,
        jobId,
        (v) => v.status === 'completed' || v.status === 'failed',
      );
      expect(done.status).toBe('completed');
      const deadline = Date.now() + 10_000;
      while (receiver.received.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(receiver.received.map((h) => JSON.parse(h.body).status)).toEqual(['completed']);
    } finally {
      await second.stop();
      await receiver.close();
    }
  });
});
