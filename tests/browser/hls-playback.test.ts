import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevServer } from '../../src/local/dev-server/dev-server.ts';
import { callApi } from '../support/api-contract.ts';
import { type HlsPlayer, openHlsPlayer, playHlsToEnd } from '../support/browser.ts';
import { startQuietDevServer, waitForFinal } from '../support/dev-jobs.ts';
import { makeVideo, probeDuration } from '../support/media.ts';

// The private package as a user plays it: auto-vid dev renders a job with HLS into its local
// bucket, and hls.js in Debian's Chromium, on a page of another origin, plays it through the
// playback URL of the job view: the playlists from the API with no key, the segments presigned.

// Answers are free-form JSON; the assertions give them their shape.
// biome-ignore lint/suspicious/noExplicitAny: see above
type JsonObject = Record<string, any>;

const KEY = 'playback-key';
const SECONDS = 8;

let dev: DevServer;
let player: HlsPlayer;
let view: JsonObject;
let sourceDuration: number;

beforeAll(async () => {
  const media = mkdtempSync(join(tmpdir(), 'auto-vid-playback-media-'));
  const video = makeVideo(media, 'clip.mp4', SECONDS, { size: '640x360', fps: 25 });
  sourceDuration = probeDuration(video);
  [dev, player] = await Promise.all([startQuietDevServer(KEY, 'playback'), openHlsPlayer()]);
  const spec = {
    assets: { video: { id: 'v', source: video }, audio: [] },
    timeline: [],
    output: { filename: 'played', hls: { renditions: ['source', { height: 180 }], segmentSeconds: 2 } },
  };
  const submitted = await callApi(dev.url, 'POST', '/submit', { key: KEY, body: spec });
  expect(submitted.status, submitted.text).toBe(200);
  view = await waitForFinal(dev, KEY, submitted.json.jobId);
  expect(view.status, view.error).toBe('completed');
}, 120_000);

afterAll(async () => {
  await player?.close();
  await dev?.close();
});

describe('the HLS package of a job, in Chromium with hls.js', () => {
  it('plays to its end from the private bucket through the playback URL', async () => {
    // The page is on another origin than the API and the bucket, as a customer's site is.
    expect(new URL(player.pageOrigin).port).not.toBe(new URL(dev.url).port);

    const played = await playHlsToEnd(player.page, view.output.hls.url, { timeoutMs: 30_000 });

    expect(played.errors.filter((error) => error.fatal)).toEqual([]);
    expect(played.ended).toBe(true);
    expect(played.currentTime).toBeCloseTo(sourceDuration, 0);
    // hls.js orders the variants by bandwidth.
    expect(played.levels.map((level) => level.height)).toEqual([180, 360]);
    expect(played.audioTracks).toBe(1);
    // The audio's four 2 s segments, and the video's: one for the copied source (its GOP is longer
    // than the video), four for the 180p variant.
    expect(played.fragmentsLoaded).toBeGreaterThanOrEqual(5);
  });

  it('does not play once the token is altered', async () => {
    const url = new URL(view.output.hls.url);
    const token = url.searchParams.get('token') as string;
    url.searchParams.set('token', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`);

    const played = await playHlsToEnd(player.page, url.href, { timeoutMs: 15_000 });

    expect(played.ended).toBe(false);
    expect(played.errors).toContainEqual(
      expect.objectContaining({ fatal: true, details: 'manifestLoadError' }),
    );
  });
});
