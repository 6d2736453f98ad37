import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookSender } from '../../src/jobs/webhook-sender.ts';
import { type EgressPolicy, egressFor, LOCAL_EGRESS } from '../../src/net/egress-guard.ts';
import { fetchAsset } from '../../src/processor/assets/fetch-assets.ts';
import { downloadWithRetry } from '../../src/processor/assets/http-download.ts';
import { AssetFetchError } from '../../src/processor/errors.ts';

/** A local server that records who asked for what, and can redirect or send big bodies. */
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
let redirectTo = '';
const server = createServer((request, response) => {
  seen.push({ path: request.url ?? '', headers: request.headers });
  if (request.url === '/redirect') return response.writeHead(302, { Location: redirectTo }).end();
  if (request.url === '/big')
    return response.writeHead(200, { 'Content-Length': String(2 << 20) }).end(Buffer.alloc(2 << 20));
  if (request.url === '/trickle' || request.url === '/stall') {
    // 12 chunks 150 ms apart (1.8 s in all); /stall sends one and then nothing.
    response.writeHead(200, { 'Content-Type': 'audio/wav' });
    let sent = 0;
    const timer = setInterval(() => {
      if (request.url === '/stall' && sent === 1) return;
      response.write(Buffer.alloc(1024));
      if (++sent === 12) {
        clearInterval(timer);
        response.end();
      }
    }, 150);
    response.on('close', () => clearInterval(timer));
    return;
  }
  if (request.url === '/big-chunked') {
    response.writeHead(200);
    for (let i = 0; i < 32; i++) response.write(Buffer.alloc(64 << 10));
    return response.end();
  }
  response.writeHead(200, { 'Content-Type': 'audio/wav' }).end('RIFF....WAVE');
});
let base = '';
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen.length = 0;
});

const NO_RETRY = { attempts: 1, backoffSeconds: [], timeoutMs: 5_000 };

async function fetchOne(
  source: string,
  options: { egress?: EgressPolicy; localMode?: boolean; maxBytes?: number } = {},
) {
  const directory = mkdtempSync(join(tmpdir(), 'auto-vid-egress-'));
  const result = await fetchAsset({ id: 'clip', source }, 1, {
    directory,
    localMode: options.localMode ?? false,
    httpPolicy: NO_RETRY,
    ...(options.egress ? { egress: options.egress } : {}),
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
  }).catch((e: unknown) => e);
  return { result, directory };
}

function expectRefused(result: unknown, message: string) {
  expect(result).toBeInstanceOf(AssetFetchError);
  expect((result as AssetFetchError).message).toContain(message);
  expect((result as AssetFetchError).retryable).toBe(false);
}

describe('asset downloads in the cloud', () => {
  it('refuse loopback without connecting', async () => {
    const { result } = await fetchOne(`${base}/clip.wav`);
    expectRefused(result, '127.0.0.1 is a loopback address; only public addresses are allowed');
    expect(seen).toEqual([]);
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254 is a unique-local address'],
    [`http://[::ffff:127.0.0.1]:${1}/x`, 'is a loopback address'],
    ['http://10.0.0.8/media.mp4', '10.0.0.8 is a private address'],
    ['http://0.0.0.0/x', '0.0.0.0 is a reserved address'],
    ['http://[::169.254.169.254]/latest/meta-data/', '::a9fe:a9fe is a link-local address'],
    ['http://[::ffff:0:169.254.169.254]/latest/', '::ffff:0:a9fe:a9fe is a link-local address'],
    ['http://[2002:a9fe:a9fe::]/latest/meta-data/', '2002:a9fe:a9fe:: is a link-local address'],
    ['http://[64:ff9b:1:a00:8:0::]/media.mp4', '64:ff9b:1:a00:8:: is a private address'],
  ])('refuse %s', async (url, message) => {
    const { result } = await fetchOne(url);
    expectRefused(result, message);
  });

  it('refuse a name that resolves to a private address, or to several with one private', async () => {
    const resolve = async (host: string) =>
      host === 'cdn.example'
        ? [
            { address: '93.184.216.34', family: 4 },
            { address: '10.0.0.1', family: 4 },
          ]
        : [{ address: '192.168.0.10', family: 4 }];
    const egress: EgressPolicy = { allowLoopback: false, resolve };
    expectRefused(
      (await fetchOne('http://media.example/a.wav', { egress })).result,
      'media.example (192.168.0.10) is a private address',
    );
    expectRefused(
      (await fetchOne('http://cdn.example/a.wav', { egress })).result,
      'cdn.example (10.0.0.1) is a private address',
    );
  });
});

describe('asset downloads on one machine', () => {
  it('may reach loopback', async () => {
    const { result } = await fetchOne(`${base}/clip.wav`, { localMode: true });
    expect(result).toEqual(expect.stringMatching(/\/asset-1(\.wav)?$/));
    expect(seen.map((s) => s.path)).toEqual(['/clip.wav']);
  });

  it('still refuse link-local and private addresses', async () => {
    expectRefused((await fetchOne('http://169.254.169.254/', { localMode: true })).result, 'link-local');
  });

  it('check every redirect hop', async () => {
    redirectTo = 'http://169.254.169.254/latest/meta-data/iam/';
    expectRefused(
      (await fetchOne(`${base}/redirect`, { localMode: true })).result,
      '169.254.169.254 is a link-local address',
    );
    redirectTo = `${base}/after-redirect.wav`;
    const { result } = await fetchOne(`${base}/redirect`, { localMode: true });
    expect(result).toEqual(expect.stringMatching(/\/asset-1(\.wav)?$/));
    expect(seen.map((s) => s.path)).toEqual(['/redirect', '/redirect', '/after-redirect.wav']);
  });

  it('connect to the address that was checked (one lookup per connection, no second answer)', async () => {
    const answers = [[{ address: '127.0.0.1', family: 4 }], [{ address: '10.9.9.9', family: 4 }]];
    let lookups = 0;
    const egress: EgressPolicy = {
      allowLoopback: true,
      resolve: async () => answers[Math.min(lookups++, 1)] as { address: string; family: number }[],
    };
    const { result } = await fetchOne(`http://media.test:${port}/pinned.wav`, { egress, localMode: true });
    expect(result).toEqual(expect.stringMatching(/\/asset-1(\.wav)?$/));
    expect(lookups).toBe(1);
    expect(seen).toEqual([
      { path: '/pinned.wav', headers: expect.objectContaining({ host: `media.test:${port}` }) },
    ]);
  });

  it('stop at the size cap, announced or not, leaving nothing behind', async () => {
    for (const path of ['/big', '/big-chunked']) {
      const { result, directory } = await fetchOne(`${base}${path}`, { localMode: true, maxBytes: 1 << 20 });
      expectRefused(result, 'larger than the 1048576 byte limit');
      expect(readdirSync(directory).every((name) => !name.endsWith('.partial'))).toBe(true);
    }
  });
});

describe('webhooks', () => {
  it('are refused, not retried, when the receiver is a non-public address in the cloud', async () => {
    const sender = createWebhookSender({ wait: async () => {} });
    const delivery = await sender.send({
      url: `${base}/hook`,
      method: 'POST',
      headers: {},
      body: { jobId: 'j' },
      webhookId: 'msg_j_failed',
    });
    expect(delivery).toEqual({
      delivered: false,
      attempts: 1,
      reason: `127.0.0.1 is a loopback address; only public addresses are allowed (${base}/hook)`,
      final: true,
    });
    expect(seen).toEqual([]);
  });

  it('reach loopback on one machine', async () => {
    const sender = createWebhookSender({ wait: async () => {}, egress: LOCAL_EGRESS });
    const delivery = await sender.send({
      url: `${base}/hook`,
      method: 'POST',
      headers: {},
      body: {},
      webhookId: 'w',
    });
    expect(delivery).toMatchObject({ delivered: true });
  });
});

describe("the local stack's own ports", () => {
  it('are never a webhook target, by address or by a name that resolves to it; other loopback ports are', async () => {
    const stack = egressFor(true, [port]);
    const sender = createWebhookSender({ wait: async () => {}, egress: stack });
    const hook = (url: string) => sender.send({ url, method: 'PUT', headers: {}, body: {}, webhookId: 'w' });
    const byName = createWebhookSender({
      wait: async () => {},
      egress: { ...stack, resolve: async () => [{ address: '127.0.0.1', family: 4 }] },
    });

    expect(await hook(`${base}/bucket/outputs/other-job.mp4`)).toEqual({
      delivered: false,
      attempts: 1,
      reason: `127.0.0.1:${port} is a service of this local stack; webhooks and assets may not target it (${base}/bucket/outputs/other-job.mp4)`,
      final: true,
    });
    expect(
      await byName.send({
        url: `http://s3.test:${port}/b/k`,
        method: 'PUT',
        headers: {},
        body: {},
        webhookId: 'w',
      }),
    ).toMatchObject({
      delivered: false,
      reason: expect.stringContaining('is a service of this local stack'),
    });
    expect(seen).toEqual([]);
    expect(
      await createWebhookSender({ wait: async () => {}, egress: egressFor(true, [port + 1]) }).send({
        url: `${base}/hook`,
        method: 'POST',
        headers: {},
        body: {},
        webhookId: 'w',
      }),
    ).toMatchObject({ delivered: true });
  });

  it('are never an asset source', async () => {
    const { result } = await fetchOne(`http://[::ffff:127.0.0.1]:${port}/clip.wav`, {
      localMode: true,
      egress: egressFor(true, [port]),
    });
    expectRefused(result, 'is a service of this local stack; webhooks and assets may not target it');
    expect(seen).toEqual([]);
  });
});

describe('asset download time', () => {
  const halfSecond = { attempts: 1, backoffSeconds: [], timeoutMs: 500 };
  const download = (path: string, signal?: AbortSignal) => {
    const target = join(mkdtempSync(join(tmpdir(), 'auto-vid-slow-')), 'asset.wav');
    return downloadWithRetry(new URL(`${base}${path}`), target, {
      policy: halfSecond,
      egress: LOCAL_EGRESS,
      ...(signal ? { signal } : {}),
    });
  };

  it('lets a steady download run past the timeout: it limits silence, not the total', async () => {
    expect(await download('/trickle')).toEqual({ ok: true });
  });

  it('stops a download that sends nothing for the timeout, as worth retrying', async () => {
    expect(await download('/stall')).toEqual({
      ok: false,
      reason: 'nothing received for 0.5 s',
      retryable: true,
    });
  });

  it('stops a steady download at the attempt deadline', async () => {
    expect(await download('/trickle', AbortSignal.timeout(600))).toEqual({
      ok: false,
      reason: 'aborted',
      retryable: true,
    });
  });
});
