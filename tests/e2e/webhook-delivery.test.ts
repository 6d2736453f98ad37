import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../support/api-contract.ts';
import { type DevProcess, startDevProcess } from '../support/dev-process.ts';
import { makeTone, makeVideo } from '../support/media.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

// Answers are free-form JSON; the assertions give them their shape.
// biome-ignore lint/suspicious/noExplicitAny: see above
type JsonObject = Record<string, any>;

const media = mkdtempSync(join(tmpdir(), 'auto-vid-webhooks-media-'));
const dataDir = mkdtempSync(join(tmpdir(), 'auto-vid-webhooks-'));
let dev: DevProcess;
let short: string;
let long: string;
let tone: string;

const call = (method: string, path: string, body?: unknown) =>
  callApi(dev.url, method, path, { key: dev.apiKey, body });

/** A job from local files (local mode); `reencode` makes its render last. */
function spec(video: string, filename: string, webhookUrl: string, reencode = false) {
  return {
    assets: { video: { id: 'v', source: video }, audio: [{ id: 'm', source: tone }] },
    backgroundMusic: { playlist: ['m'] },
    timeline: [],
    output: { filename, ...(reencode ? { encoding: { preset: 'veryslow', fps: 30 } } : {}) },
    notifications: { webhook: { url: webhookUrl, metadata: { filename } } },
  };
}

async function submit(body: unknown): Promise<string> {
  const { status, json } = await call('POST', '/submit', body);
  expect(status).toBe(200);
  return json.jobId;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, seconds = 120): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const finalStatus = (jobId: string) =>
  waitFor(`job ${jobId} to end`, async () => {
    const { json } = await call('GET', `/jobs/${jobId}`);
    return ['completed', 'failed', 'cancelled'].includes(json.status) ? json : undefined;
  });

/** Command lines of running ffmpeg processes that write `filename`. */
function ffmpegWriting(filename: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', `ffmpeg.*${filename}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** Every file under the embedded S3's folder whose path holds `name`. */
function storedObjects(name: string): string[] {
  return (readdirSync(join(dataDir, 's3'), { recursive: true }) as string[]).filter((path) =>
    path.includes(name),
  );
}

beforeAll(async () => {
  short = makeVideo(media, 'short.mp4', 2, { size: '320x240' });
  long = makeVideo(media, 'long.mp4', 90, { size: '1280x720' });
  tone = makeTone(media, 'tone.wav', 330, 3);
  dev = await startDevProcess(dataDir, [
    '--webhook-delay-scale',
    '0.01',
    '--rate',
    '100',
    '--burst',
    '200',
    '--quota',
    '100000',
  ]);
}, 120_000);

afterAll(async () => {
  await dev?.stop();
});

describe('webhook delivery as its own step', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('reaches a receiver that was down for the first five attempts, one webhook-id, every attempt logged', async () => {
    receiver.respondWith(503, 503, 503, 503, 503);
    const jobId = await submit(spec(short, 'down-five', receiver.url));
    expect((await finalStatus(jobId)).status).toBe('completed');
    const log = await waitFor('the delivered attempt', async () => {
      const { json } = await call('GET', `/jobs/${jobId}/deliveries`);
      return json.deliveries.some((d: JsonObject) => d.delivered) ? json.deliveries : undefined;
    });
    expect(log.map((d: JsonObject) => [d.attempt, d.statusCode, d.delivered])).toEqual([
      [1, 503, false],
      [2, 503, false],
      [3, 503, false],
      [4, 503, false],
      [5, 503, false],
      [6, 200, true],
    ]);
    expect(log.map((d: JsonObject) => d.error)).toEqual([
      ...Array(5).fill(`HTTP 503 from ${receiver.url}`),
      null,
    ]);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect([...ids]).toEqual([`msg_${jobId}_completed`]);
    expect(receiver.received).toHaveLength(6);
    expect(JSON.parse(receiver.received.at(-1)?.body ?? '{}')).toMatchObject({
      jobId,
      status: 'completed',
      metadata: { filename: 'down-five' },
    });
  });

  it('sends the final notification again on request, with the same webhook-id', async () => {
    receiver.received.length = 0;
    const jobId = await submit(spec(short, 'again', receiver.url));
    await finalStatus(jobId);
    await waitFor('the first webhook', async () => (receiver.received.length === 1 ? true : undefined));
    const { status, json } = await call('POST', `/jobs/${jobId}/webhook`);
    expect(status).toBe(202);
    expect(json).toEqual({ jobId, webhookId: `msg_${jobId}_completed`, queued: true });
    await waitFor('the second webhook', async () => (receiver.received.length === 2 ? true : undefined));
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([
      `msg_${jobId}_completed`,
      `msg_${jobId}_completed`,
    ]);
  });

  it('does not hold the next render while a receiver hangs', async () => {
    receiver.respondWith('hang', 'hang', 'hang');
    const first = await submit(spec(short, 'hung-receiver', receiver.url));
    await finalStatus(first);
    const startedAt = Date.now();
    const second = await submit(spec(short, 'after-hang', `${receiver.url}?second`));
    expect((await finalStatus(second)).status).toBe('completed');
    // The hung receiver's first attempt alone lasts 30 s; the next job finished well inside it.
    expect(Date.now() - startedAt).toBeLessThan(20_000);
    const { json } = await call('GET', `/jobs/${first}/deliveries`);
    expect(json.deliveries.filter((d: JsonObject) => d.delivered)).toEqual([]);
  });
});

describe('cancel of a job that is rendering', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('stops ffmpeg within 5 s, uploads nothing, ends cancelled with one webhook', async () => {
    const jobId = await submit(spec(long, 'cancel-me', receiver.url, true));
    await waitFor(
      'ffmpeg to encode',
      async () => (ffmpegWriting('cancel-me').length > 0 ? true : undefined),
      60,
    );
    const { status, json } = await call('POST', `/jobs/${jobId}/cancel`);
    expect(status).toBe(200);
    expect(json.status).toBe('cancelled');
    const askedAt = Date.now();
    await waitFor(
      'ffmpeg to stop',
      async () => (ffmpegWriting('cancel-me').length === 0 ? true : undefined),
      5,
    );
    expect(Date.now() - askedAt).toBeLessThan(5_000);
    await waitFor('the webhook', async () => (receiver.received.length > 0 ? true : undefined), 30);
    // Time for a late upload or a second webhook to show, were there one.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(storedObjects('cancel-me')).toEqual([]);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.headers['webhook-id']).toBe(`msg_${jobId}_cancelled`);
    expect(JSON.parse(receiver.received[0]?.body ?? '{}')).toMatchObject({ jobId, status: 'cancelled' });
    expect((await call('GET', `/jobs/${jobId}`)).json.status).toBe('cancelled');
  });
});
