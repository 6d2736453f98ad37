import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevServer } from '../../src/local/dev-server/dev-server.ts';
import { callApi } from '../support/api-contract.ts';
import { startQuietDevServer, waitForFinal } from '../support/dev-jobs.ts';
import { makeVideo } from '../support/media.ts';

// Answers are free-form JSON; the assertions give them their shape.
// biome-ignore lint/suspicious/noExplicitAny: see above
type JsonObject = Record<string, any>;

const KEY = 'delivery-key';
const SECONDS = 12;

let dev: DevServer;
let view: JsonObject;

const call = (method: string, path: string, key: string | null = KEY) =>
  callApi(dev.url, method, path, { key });

/** A path on the API from one of its absolute URLs (the playback URL names the server it was signed on). */
const onApi = (url: string) => url.slice(dev.url.length);

beforeAll(async () => {
  const media = mkdtempSync(join(tmpdir(), 'auto-vid-delivery-media-'));
  const video = makeVideo(media, 'clip.mp4', SECONDS, { size: '640x360', fps: 25 });
  dev = await startQuietDevServer(KEY, 'delivery');
  const spec = {
    assets: { video: { id: 'v', source: video }, audio: [] },
    timeline: [],
    output: {
      filename: 'delivered',
      poster: true,
      thumbnails: { interval: 2 },
      renditions: ['source', { height: 240 }],
      hls: { renditions: ['source', { height: 180 }], segmentSeconds: 4 },
    },
  };
  const submitted = await callApi(dev.url, 'POST', '/submit', { key: KEY, body: spec });
  expect(submitted.status, submitted.text).toBe(200);
  view = await waitForFinal(dev, KEY, submitted.json.jobId);
  expect(view.status, view.error).toBe('completed');
}, 180_000);

afterAll(async () => {
  await dev?.close();
});

describe('a job that asks for delivery files', () => {
  it('shows a poster of the video size, downloadable as a JPEG', async () => {
    const { poster } = view.output;
    expect(poster).toMatchObject({ format: 'jpg', width: 640, height: 360 });
    const response = await fetch(poster.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect((await response.arrayBuffer()).byteLength).toBe(poster.size);
  });

  it('shows a thumbnail sheet and a WebVTT track with a cue per 2 s', async () => {
    const { thumbnails } = view.output;
    expect(thumbnails).toMatchObject({ interval: 2, count: 6, sprite: { width: 960, height: 90 } });
    const track = await (await fetch(thumbnails.track.url)).text();
    expect(track.startsWith('WEBVTT')).toBe(true);
    expect(track.match(/delivered\.thumbnails\.jpg#xywh=\d+,0,160,90/g)).toHaveLength(6);
    expect((await fetch(thumbnails.sprite.url)).status).toBe(200);
  });

  it('lists the renditions in the order asked, the source being the MP4 itself', async () => {
    const [source, small] = view.output.renditions;
    expect(source).toMatchObject({
      source: true,
      s3Uri: view.output.s3Uri,
      width: 640,
      height: 360,
      bitrate: null,
    });
    expect(source.size).toBe(view.output.size);
    expect(small).toMatchObject({ source: false, width: 426, height: 240, bitrate: '400k' });
    expect((await (await fetch(small.url)).arrayBuffer()).byteLength).toBe(small.size);
  });

  it('plays the HLS package from the private bucket through the playback URL, with no key', async () => {
    const { hls } = view.output;
    expect(hls.variants.map((v: JsonObject) => [v.name, v.width, v.height])).toEqual([
      ['source', 640, 360],
      ['180p', 320, 180],
    ]);
    const master = await call('GET', onApi(hls.url), null);
    expect(master.status).toBe(200);
    expect(master.headers.get('access-control-allow-origin')).toBe('*');
    const token = new URL(hls.url).searchParams.get('token') as string;
    const named = master.text
      .split('\n')
      .filter((line) => line.endsWith(`?token=${encodeURIComponent(token)}`));
    expect(named.map((uri) => uri.split('?')[0])).toEqual(['source.m3u8', '180p.m3u8']);
    expect(master.text).toContain(`URI="audio.m3u8?token=${encodeURIComponent(token)}"`);
    let seconds = 0;
    for (const variant of ['source', '180p', 'audio']) {
      const playlist = await call('GET', `/jobs/${view.jobId}/hls/${variant}.m3u8?token=${token}`, null);
      expect(playlist.status).toBe(200);
      const uris = playlist.text.split('\n').filter((line) => line.startsWith('http'));
      const init = /#EXT-X-MAP:URI="([^"]+)"/.exec(playlist.text)?.[1] as string;
      for (const uri of [init, ...uris]) expect((await fetch(uri)).status, uri).toBe(200);
      if (variant === '180p') {
        seconds = [...playlist.text.matchAll(/#EXTINF:([0-9.]+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
      }
    }
    expect(seconds).toBeCloseTo(SECONDS, 1);
  });

  it('refuses a playlist without a token, or with one altered', async () => {
    const path = `/jobs/${view.jobId}/hls/master.m3u8`;
    const none = await call('GET', path, null);
    expect(none.status).toBe(403);
    expect(none.json.error).toBe('Missing token: use the output.hls.url a job view gives, token included');
    const token = new URL(view.output.hls.url).searchParams.get('token') as string;
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const refused = await call('GET', `${path}?token=${altered}`, null);
    expect(refused.status).toBe(403);
    expect(refused.json.error).toBe('The playback token is not valid for this job');
  });

  it('removes every file, the HLS package too, when the job is deleted', async () => {
    const { hls, poster } = view.output;
    const segment = (await call('GET', onApi(hls.url).replace('master.m3u8', '180p.m3u8'), null)).text
      .split('\n')
      .find((line) => line.startsWith('http')) as string;
    const deleted = await call('DELETE', `/jobs/${view.jobId}`);
    expect(deleted.status).toBe(200);
    expect(deleted.json.objects).toContain(`${hls.s3Uri.slice(0, -'master.m3u8'.length)}`);
    expect(deleted.json.objects).toContain(poster.s3Uri);
    expect(deleted.json.objects).toHaveLength(6);
    expect((await fetch(segment)).status).toBe(404);
    expect((await fetch(poster.url)).status).toBe(404);
    expect((await call('GET', onApi(hls.url), null)).status).toBe(404);
  });
});
