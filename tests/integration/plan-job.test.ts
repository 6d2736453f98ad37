import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_WEBHOOK_SIZE_LIMITS } from '@auto-vid/shared';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaFactsReader, type MediaReaderOptions } from '../../src/api/dry-run/media-reader.ts';
import { type PlanDeps, planJob } from '../../src/api/plan-job.ts';
import { wire } from '../../src/handlers/plan-job.ts';
import { CLOUD_EGRESS, LOCAL_EGRESS } from '../../src/net/egress-guard.ts';
import { useEmulators } from '../support/emulators.ts';
import { makeTone, makeVideo, probeDuration, probeStreams } from '../support/media.ts';

const stack = useEmulators();
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'auto-vid-plan-'));

/** An MP4 with its index (`moov`) at the front, as `-movflags +faststart` writes it. */
function makeFastStartVideo(name: string, seconds: number): string {
  const raw = makeVideo(dir, `raw-${name}`, seconds, { size: '1280x720' });
  const path = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', raw, '-c', 'copy', '-movflags', '+faststart', path]);
  return path;
}

const files = {} as Record<'video' | 'music' | 'sfx' | 'effect' | 'ambience', string>;
let bucket: string;
const s3Source = (name: string) => `s3://${bucket}/assets/plan/${name}`;

beforeAll(async () => {
  files.video = makeFastStartVideo('video.mp4', 20);
  files.music = makeTone(dir, 'music.mp3', 440, 7.3);
  files.sfx = makeTone(dir, 'sfx.wav', 880, 1.5);
  files.effect = makeTone(dir, 'effect.m4a', 660, 2.2);
  files.ambience = makeTone(dir, 'ambience.ogg', 330, 3.7);
  bucket = await stack.createBucket('auto-vid-plan');
  for (const path of Object.values(files)) {
    const name = path.slice(dir.length + 1);
    await stack.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `assets/plan/${name}`, Body: readFileSync(path) }),
    );
  }
});

/** Every read's bytes by source, as the reader reports them. */
function readerWith(options: Partial<MediaReaderOptions> = {}) {
  const bytes = new Map<string, number>();
  const media = createMediaFactsReader({
    s3: stack.s3,
    localMode: false,
    egress: CLOUD_EGRESS,
    onRead: (source, fetched) => bytes.set(source, fetched),
    ...options,
  });
  return { media, bytes };
}

function deps(media: PlanDeps['media'], localMode = false): PlanDeps {
  return {
    limits: DEFAULT_WEBHOOK_SIZE_LIMITS,
    rules: { localMode, outputBuckets: [bucket], stackBucket: bucket },
    clock: () => new Date('2026-11-21T10:00:00.000Z'),
    media,
    processorMemoryMb: 3008,
  };
}

const spec = (
  audio: { id: string; source: string }[],
  timeline: unknown[],
  video = s3Source('video.mp4'),
) => ({
  assets: { video: { id: 'video', source: video }, audio },
  backgroundMusic: { playlist: ['music'], crossfadeDuration: 1 },
  timeline,
  output: { filename: 'out.mp4' },
});

const videoSeconds = (path: string) =>
  Number(probeStreams(path).find((stream) => stream.codec_type === 'video')?.duration);

describe('POST /plan over the embedded S3', () => {
  it("reads each medium's length by range requests, as ffprobe measures it", async () => {
    // Prepare
    const { media, bytes } = readerWith();
    const audio = ['music.mp3', 'sfx.wav', 'effect.m4a', 'ambience.ogg'].map((name) => ({
      id: name.split('.')[0] as string,
      source: s3Source(name),
    }));
    const timeline = ['sfx', 'effect', 'ambience'].map((assetId, i) => ({
      start: 1 + i,
      type: 'audio',
      data: { assetId },
    }));
    // Act
    const response = await planJob(JSON.stringify(spec(audio, timeline)), deps(media));
    // Assess
    expect(response.statusCode).toBe(200);
    const plan = JSON.parse(response.body);
    expect(Math.abs(plan.video.duration - videoSeconds(files.video))).toBeLessThan(0.05);
    expect(plan.video).toMatchObject({ width: 1280, height: 720 });
    const measured = [files.sfx, files.effect, files.ambience].map(probeDuration);
    plan.clips.forEach((clip: { duration: number }, i: number) => {
      expect(Math.abs(clip.duration - (measured[i] as number))).toBeLessThan(0.05);
    });
    expect(Math.abs(plan.music[0].end - probeDuration(files.music))).toBeLessThan(0.05);
    expect(plan.estimate.videoPath).toBe('copy');
    // The 20 s 720p MP4 is megabytes; its index at the front is read, its frames are not.
    const size = statSync(files.video).size;
    expect(bytes.get(s3Source('video.mp4'))).toBeLessThan(size / 10);
  });

  it('answers 400 naming the field of a missing object', async () => {
    const { media } = readerWith();
    const audio = [{ id: 'music', source: s3Source('nothing.mp3') }];
    const response = await planJob(JSON.stringify(spec(audio, [])), deps(media));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toBe(
      'Media could not be read:\n  - assets.audio[0].source: not found (S3 NoSuchKey)',
    );
  });

  it('answers 400 naming the field of a file that is not media', async () => {
    await stack.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'assets/plan/notes.mp3', Body: 'just some text' }),
    );
    const { media } = readerWith();
    const response = await planJob(
      JSON.stringify(spec([{ id: 'music', source: s3Source('notes.mp3') }], [])),
      deps(media),
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).details).toEqual([
      {
        path: ['assets', 'audio', 0, 'source'],
        message: 'not a format auto-vid renders as audio (MP3, WAV, M4A/AAC, FLAC or Ogg)',
      },
    ]);
  });
});

describe('POST /plan over https in the cloud', () => {
  it('refuses a URL to 127.0.0.1 with a 400 naming the field', async () => {
    const { media, bytes } = readerWith();
    const audio = [{ id: 'music', source: 'https://127.0.0.1:8443/music.mp3' }];
    const response = await planJob(JSON.stringify(spec(audio, [])), deps(media));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).details).toEqual([
      {
        path: ['assets', 'audio', 0, 'source'],
        message: 'URL points to a loopback address; only public hosts are allowed',
      },
    ]);
    expect(bytes.size).toBe(0);
  });

  it('refuses a name that resolves to 127.0.0.1, at the egress guard', async () => {
    const egress = { allowLoopback: false, resolve: async () => [{ address: '127.0.0.1', family: 4 }] };
    const { media } = readerWith({ egress });
    const audio = [{ id: 'music', source: 'https://media.example.test/music.mp3' }];
    const response = await planJob(JSON.stringify(spec(audio, [])), deps(media));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toBe(
      'Media could not be read:\n  - assets.audio[0].source: media.example.test (127.0.0.1) is a loopback address; only public addresses are allowed',
    );
  });
});

/** Serves the test files; with `ranges`, answers `Range` with 206 as S3 and CDNs do. */
function serveFiles(
  ranges: boolean,
): Promise<{ server: Server; url: (name: string) => string; ranged: string[] }> {
  const ranged: string[] = [];
  const server = createServer((request, response) => {
    const name = (request.url ?? '/').slice(1);
    const path = Object.values(files).find((file) => file.endsWith(`/${name}`));
    if (!path) return response.writeHead(404).end();
    const body = readFileSync(path);
    const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
    if (!ranges || !range) return response.writeHead(200, { 'Content-Length': body.length }).end(body);
    ranged.push(request.headers.range as string);
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), body.length - 1);
    response.writeHead(206, { 'Content-Range': `bytes ${start}-${end}/${body.length}` });
    response.end(body.subarray(start, end + 1));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({ server, url: (name) => `http://127.0.0.1:${port}/${name}`, ranged });
    }),
  );
}

describe('POST /plan over http on one machine', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((server) => new Promise((done) => server.close(done)))));

  it('reads by range requests from a server that answers them', async () => {
    const http = await serveFiles(true);
    servers.push(http.server);
    const { media, bytes } = readerWith({ localMode: true, egress: LOCAL_EGRESS });
    const audio = [{ id: 'music', source: http.url('music.mp3') }];
    const response = await planJob(JSON.stringify(spec(audio, [], http.url('video.mp4'))), deps(media, true));
    expect(response.statusCode).toBe(200);
    const plan = JSON.parse(response.body);
    expect(Math.abs(plan.video.duration - videoSeconds(files.video))).toBeLessThan(0.05);
    expect(Math.abs(plan.music[0].end - probeDuration(files.music))).toBeLessThan(0.05);
    expect(http.ranged.length).toBeGreaterThan(0);
    expect(bytes.get(http.url('video.mp4'))).toBeLessThan(statSync(files.video).size / 10);
  });

  it('answers 400 for a large file from a server that ignores ranges', async () => {
    const http = await serveFiles(false);
    servers.push(http.server);
    const { media } = readerWith({ localMode: true, egress: LOCAL_EGRESS });
    const response = await planJob(
      JSON.stringify(spec([{ id: 'music', source: http.url('music.mp3') }], [], http.url('video.mp4'))),
      deps(media, true),
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).details).toEqual([
      {
        path: ['assets', 'video', 'source'],
        message: 'the server ignores range requests and the file is larger than 4 MiB',
      },
    ]);
  });
});

describe('the POST /plan handler', () => {
  it('answers an API Gateway event, wired from a function environment', async () => {
    const handler = wire({ ...stack.emulators.env, S3_BUCKET_NAME: bucket, LOG_LEVEL: 'ERROR' });
    const event = JSON.parse(readFileSync(join(root, 'events', 'submit-job.json'), 'utf8'));
    const body = spec([{ id: 'music', source: s3Source('music.mp3') }], []);
    const response = await handler({
      ...event,
      resource: '/plan',
      path: '/plan',
      body: JSON.stringify(body),
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).estimate).toMatchObject({ memoryMb: 3008, videoPath: 'copy' });
  });
});
