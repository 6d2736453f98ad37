import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openAsBlob, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AutoVidClient,
  AutoVidError,
  type JobSpec,
  type JobView,
  verifyWebhook,
} from '../../client/src/index.ts';
import { VERSION } from '../../src/version.ts';
import { assertDocumentedAnswer } from '../support/api-contract.ts';
import { type DevProcess, startDevProcess } from '../support/dev-process.ts';
import { makeTone, makeVideo } from '../support/media.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const media = mkdtempSync(join(tmpdir(), 'auto-vid-client-media-'));
const dataDir = mkdtempSync(join(tmpdir(), 'auto-vid-client-'));
let dev: DevProcess;
let receiver: WebhookReceiver;
let client: AutoVidClient;
let sources: { video: string; music: string };

beforeAll(async () => {
  dev = await startDevProcess(dataDir, ['--rate', '100', '--burst', '200', '--quota', '100000']);
  receiver = await startWebhookReceiver();
  client = new AutoVidClient({ baseUrl: dev.url, apiKey: dev.apiKey, fetch: checkedFetch });
  const video = makeVideo(media, 'clip.mp4', 4);
  const music = makeTone(media, 'music.wav', 220, 3);
  const [v, m] = await Promise.all([
    client.uploadFile({ name: 'clip.mp4', data: await openAsBlob(video) }),
    client.uploadFile({ name: 'music.wav', data: readFileSync(music) }),
  ]);
  sources = { video: v?.source as string, music: m?.source as string };
}, 120_000);

afterAll(async () => {
  await dev?.stop();
  await receiver?.close();
});

/** fetch, with every answer of the API checked against docs/openapi.json (uploads to S3 pass as they are). */
const checkedFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.origin === new URL(dev.url).origin) {
    const body: unknown = await response.clone().json();
    assertDocumentedAnswer(init?.method ?? 'GET', `${url.pathname}${url.search}`, response.status, body);
  }
  return response;
};

function spec(filename: string, projectId = 'client', reencode = false): JobSpec {
  return {
    jobInfo: { projectId, title: `Client ${filename}` },
    assets: {
      video: { id: 'v', source: sources.video },
      audio: [{ id: 'm', source: sources.music }],
    },
    backgroundMusic: { playlist: ['m'], loop: true },
    timeline: [],
    output: { filename, ...(reencode ? { encoding: { preset: 'medium', fps: 25 } } : {}) },
    notifications: { webhook: { url: receiver.url, metadata: { by: 'client' } } },
  };
}

describe('@auto-vid/client against auto-vid dev', () => {
  it('uploads files and answers sources a spec takes', () => {
    expect(sources.video).toMatch(/^s3:\/\/[a-z0-9-]+\/assets\/[0-9a-f-]{36}\/clip\.mp4$/);
    expect(sources.music).toMatch(/^s3:\/\/[a-z0-9-]+\/assets\/[0-9a-f-]{36}\/music\.wav$/);
  });

  it('answers presigned PUTs for a caller that sends the bytes itself', async () => {
    const uploads = await client.requestUploads([
      { name: 'a.mp4', contentType: 'video/mp4', size: 10 },
      { name: 'b.wav', contentType: 'audio/wav', size: 20 },
    ]);
    expect(uploads.map((u) => [u.name, u.headers])).toEqual([
      ['a.mp4', { 'Content-Type': 'video/mp4', 'Content-Length': '10' }],
      ['b.wav', { 'Content-Type': 'audio/wav', 'Content-Length': '20' }],
    ]);
    const put = await fetch(uploads[0]?.uploadUrl as string, {
      method: 'PUT',
      headers: uploads[0]?.headers as Record<string, string>,
      body: new Uint8Array(10),
    });
    expect(put.status).toBe(200);
  });

  it('submits once per idempotency key, waits with progress, and verifies the webhook', async () => {
    const first = await client.submit(spec('client-main', 'client', true), {
      idempotencyKey: 'client-main-1',
    });
    const again = await client.submit(spec('client-main', 'client', true), {
      idempotencyKey: 'client-main-1',
    });
    expect(again.jobId).toBe(first.jobId);
    expect(first.status).toBe('submitted');

    const seen: JobView[] = [];
    const done = await client.waitForJob(first.jobId, {
      intervalMs: 100,
      maxIntervalMs: 300,
      timeoutMs: 120_000,
      onProgress: (view) => seen.push(view),
    });
    expect(done.status).toBe('completed');
    expect(seen.at(-1)).toEqual(done);
    expect(seen.map((v) => v.status)).toContain('processing');
    expect(seen.filter((v) => v.status === 'processing').length).toBeGreaterThanOrEqual(2);
    const download = await fetch(done.output.url as string);
    expect((await download.arrayBuffer()).byteLength).toBe(done.output.size);

    const deadline = Date.now() + 10_000;
    while (receiver.received.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const [hook] = receiver.received;
    const secret = readFileSync(join(dataDir, 'webhook-secret'), 'utf8').trim();
    const body = verifyWebhook(hook?.body as string, hook?.headers ?? {}, secret);
    expect(body).toMatchObject({ jobId: first.jobId, status: 'completed', metadata: { by: 'client' } });
    expect(() => verifyWebhook(`${hook?.body} `, hook?.headers ?? {}, secret)).toThrow();
  }, 150_000);

  it('lists jobs page by page, newest first, and cancels and deletes them', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) {
      const job = await client.submit(spec(`client-page-${n}`, 'client-pages'));
      const cancelled = await client.cancelJob(job.jobId);
      expect(cancelled.status).toBe('cancelled');
      ids.push(job.jobId);
    }
    const pages: string[][] = [];
    for await (const page of client.listJobs({ projectId: 'client-pages', limit: 2 })) {
      pages.push(page.jobs.map((job) => job.jobId));
    }
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...ids].reverse());

    const refused = await client.cancelJob(ids[0] as string).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AutoVidError);
    expect(refused).toMatchObject({
      status: 409,
      message: `Job ${ids[0]} is already cancelled; only a job not yet final can be cancelled`,
    });
    expect(await client.deleteJob(ids[0] as string)).toEqual({ jobId: ids[0], deleted: true, objects: [] });
  }, 60_000);

  it("throws the API's own errors: the field at fault, an unknown job, a wrong key", async () => {
    const invalid = await client
      .submit({ ...spec('x'), output: { filename: 'bad/name' } })
      .catch((error: unknown) => error);
    expect(invalid).toMatchObject({ status: 400, details: [{ path: ['output', 'filename'] }] });
    expect((invalid as Error).message).toMatch(
      /^Invalid job specification:\n {2}- Field 'output -> filename'/,
    );

    const unknown = '00000000-0000-4000-8000-000000000000';
    await expect(client.getJob(unknown)).rejects.toMatchObject({
      status: 404,
      message: `Job ${unknown} not found`,
    });
    const stranger = new AutoVidClient({
      baseUrl: dev.url,
      apiKey: 'not-a-key',
      retries: 0,
      fetch: checkedFetch,
    });
    await expect(stranger.getJob(unknown)).rejects.toMatchObject({ status: 403, message: 'Forbidden' });
    expect(await stranger.health()).toMatchObject({ status: 'ok', version: VERSION });
  });

  it('packs with npm into a package that installs, types check and runs', async () => {
    const out = mkdtempSync(join(tmpdir(), 'auto-vid-client-pack-'));
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
        cwd: join(root, 'client'),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as [{ filename: string; files: { path: string }[] }];
    const files = packed.files.map((f) => f.path).sort();
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'dist/index.d.ts', 'dist/index.js', 'package.json']),
    );
    expect(files.filter((f) => !f.startsWith('dist/') && !['README.md', 'package.json'].includes(f))).toEqual(
      [],
    );

    // A consumer project: the tarball unpacked where npm would install it, its one dependency beside it.
    const app = join(out, 'app');
    const installed = join(app, 'node_modules/@auto-vid/client');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(out, packed.filename), '-C', installed, '--strip-components', '1']);
    symlinkSync(join(root, 'node_modules/standardwebhooks'), join(app, 'node_modules/standardwebhooks'));
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(['standardwebhooks']);
    writeFileSync(join(app, 'package.json'), '{"type":"module"}');
    writeFileSync(
      join(app, 'consumer.ts'),
      [
        "import { AutoVidClient, type JobView } from '@auto-vid/client';",
        'const client = new AutoVidClient({ baseUrl: process.argv[2] as string, apiKey: process.argv[3] as string });',
        'const health = await client.health();',
        "const status: JobView['status'] = 'completed';",
        'console.log(JSON.stringify({ health: health.status, status }));',
        '',
      ].join('\n'),
    );
    execFileSync(
      join(root, 'node_modules/.bin/tsc'),
      [
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        '--typeRoots',
        join(root, 'node_modules/@types'),
        'consumer.ts',
      ],
      { cwd: app, stdio: 'pipe' },
    );
    const printed = execFileSync(process.execPath, [join(app, 'consumer.ts'), dev.url, dev.apiKey], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(JSON.parse(printed)).toEqual({ health: 'ok', status: 'completed' });
  }, 120_000);
});
