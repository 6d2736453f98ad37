import { createJobRecord, type JobRecord } from '@auto-vid/shared';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type PlaybackDeps,
  servePlaylist,
  withSignedUris,
  withToken,
} from '../../../src/api/hls-playlist.ts';
import type { S3Location } from '../../../src/jobs/output-store.ts';
import { createPlaybackKey, signPlaybackToken } from '../../../src/jobs/playback-token.ts';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const JOB = '3f1c2a4e-8b7d-4e21-9c3a-5d6e7f809a1b';
const OTHER_JOB = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const BUCKET = 'bucket';
const PREFIX = `outputs/clip.hls/${JOB}/`;
const KEY = createPlaybackKey();
const TOKEN = signPlaybackToken(KEY, JOB, new Date('2026-03-01T11:00:00.000Z'));

/** The master playlist as the processor writes it: the shared audio, then source and 360p. */
const MASTER = [
  '#EXTM3U',
  '#EXT-X-VERSION:7',
  '#EXT-X-INDEPENDENT-SEGMENTS',
  '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio.m3u8"',
  '#EXT-X-STREAM-INF:BANDWIDTH=5400000,AVERAGE-BANDWIDTH=4900000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2",FRAME-RATE=25.000,AUDIO="audio"',
  'source.m3u8',
  '#EXT-X-STREAM-INF:BANDWIDTH=950000,AVERAGE-BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=25.000,AUDIO="audio"',
  '360p.m3u8',
  '',
].join('\n');

/** A media playlist as ffmpeg's hls muxer writes it, for the variant `name`. */
function mediaPlaylist(
  name: string,
  uris: readonly string[] = ['00000', '00001', '00002'].map((n) => `${name}_${n}.m4s`),
) {
  return [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-TARGETDURATION:6',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-MAP:URI="${name}_init.mp4"`,
    ...uris.flatMap((uri) => ['#EXTINF:6.000000,', uri]),
    '#EXT-X-ENDLIST',
    '',
  ].join('\n');
}

/** A presigned URL as the fake store signs it: the key and the seconds asked. */
const presigned = (key: string, seconds: number) =>
  `https://${BUCKET}.s3.example.com/${key}?X-Amz-Expires=${seconds}&X-Amz-Signature=sig`;

function completedRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  const record = createJobRecord({ jobId: JOB, jobInfo: undefined, now: NOW, ttlSeconds: 604_800 });
  const variant = { frameRate: 25, bandwidth: 1, averageBandwidth: 1 };
  return {
    ...record,
    status: 'completed',
    completedAt: NOW.toISOString(),
    output: {
      ...record.output,
      url: null,
      s3Uri: `s3://${BUCKET}/outputs/clip.mp4`,
      hls: {
        url: null,
        urlExpiresAt: null,
        s3Uri: `s3://${BUCKET}/${PREFIX}master.m3u8`,
        cdnUrl: null,
        segmentSeconds: 6,
        variants: [
          {
            ...variant,
            name: 'source',
            source: true,
            width: 1920,
            height: 1080,
            codecs: 'avc1.640028,mp4a.40.2',
          },
          {
            ...variant,
            name: '360p',
            source: false,
            width: 640,
            height: 360,
            codecs: 'avc1.64001e,mp4a.40.2',
          },
        ],
        tokenKey: KEY,
      },
    },
    ...overrides,
  };
}

/** In-memory ports: the job table, the bucket's objects by key, and every presign asked. */
function buildDeps(
  record: JobRecord | undefined = completedRecord(),
  objects: Record<string, string> = {
    [`${PREFIX}master.m3u8`]: MASTER,
    [`${PREFIX}source.m3u8`]: mediaPlaylist('source'),
    [`${PREFIX}360p.m3u8`]: mediaPlaylist('360p'),
    [`${PREFIX}audio.m3u8`]: mediaPlaylist('audio'),
  },
): PlaybackDeps & { readonly reads: S3Location[]; readonly presigns: { key: string; seconds: number }[] } {
  const reads: S3Location[] = [];
  const presigns: { key: string; seconds: number }[] = [];
  return {
    reads,
    presigns,
    jobs: { get: async (jobId) => (record?.jobId === jobId ? record : undefined) },
    outputs: {
      async readText(location) {
        reads.push(location);
        const text = location.bucket === BUCKET ? objects[location.key] : undefined;
        if (text === undefined) {
          throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
        }
        return text;
      },
      async presignGet(location, request) {
        presigns.push({ key: location.key, seconds: request.seconds });
        return {
          url: presigned(location.key, request.seconds),
          expiresAt: new Date(request.now.getTime() + request.seconds * 1000),
        };
      },
    },
    presignSeconds: 3600,
    clock: () => NOW,
  };
}

/** The status, the error text and the CORS header of a refusal. */
function refusal(response: APIGatewayProxyResult) {
  return {
    statusCode: response.statusCode,
    error: (JSON.parse(response.body) as { error: string }).error,
    cors: response.headers?.['Access-Control-Allow-Origin'],
  };
}

describe('servePlaylist: the master', () => {
  it('answers the master with the token on every variant playlist and the audio, nothing else changed', async () => {
    // Act
    const response = await servePlaylist(JOB, 'master.m3u8', TOKEN, buildDeps());
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio.m3u8?token=${TOKEN}"`,
        '#EXT-X-STREAM-INF:BANDWIDTH=5400000,AVERAGE-BANDWIDTH=4900000,RESOLUTION=1920x1080,CODECS="avc1.640028,mp4a.40.2",FRAME-RATE=25.000,AUDIO="audio"',
        `source.m3u8?token=${TOKEN}`,
        '#EXT-X-STREAM-INF:BANDWIDTH=950000,AVERAGE-BANDWIDTH=900000,RESOLUTION=640x360,CODECS="avc1.64001e,mp4a.40.2",FRAME-RATE=25.000,AUDIO="audio"',
        `360p.m3u8?token=${TOKEN}`,
        '',
      ].join('\n'),
    );
  });

  it('answers as an HLS playlist any origin may read', async () => {
    const response = await servePlaylist(JOB, 'master.m3u8', TOKEN, buildDeps());
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/vnd.apple.mpegurl',
      'Access-Control-Allow-Origin': '*',
    });
  });

  it("reads the master from the package's folder in the bucket", async () => {
    const deps = buildDeps();
    await servePlaylist(JOB, 'master.m3u8', TOKEN, deps);
    expect(deps.reads).toEqual([{ bucket: BUCKET, key: `${PREFIX}master.m3u8` }]);
    expect(deps.presigns).toEqual([]);
  });
});

describe('servePlaylist: a media playlist', () => {
  it('answers with the init segment and each segment as a presigned URL of its file in the package', async () => {
    // Arrange
    const deps = buildDeps();
    // Act
    const response = await servePlaylist(JOB, '360p.m3u8', TOKEN, deps);
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/vnd.apple.mpegurl',
      'Access-Control-Allow-Origin': '*',
    });
    expect(response.body).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:7',
        '#EXT-X-TARGETDURATION:6',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        `#EXT-X-MAP:URI="${presigned(`${PREFIX}360p_init.mp4`, 3600)}"`,
        '#EXTINF:6.000000,',
        presigned(`${PREFIX}360p_00000.m4s`, 3600),
        '#EXTINF:6.000000,',
        presigned(`${PREFIX}360p_00001.m4s`, 3600),
        '#EXTINF:6.000000,',
        presigned(`${PREFIX}360p_00002.m4s`, 3600),
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    expect(deps.presigns.every((presign) => presign.seconds === 3600)).toBe(true);
  });

  it('answers the shared audio playlist', async () => {
    const response = await servePlaylist(JOB, 'audio.m3u8', TOKEN, buildDeps());
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`\n${presigned(`${PREFIX}audio_00000.m4s`, 3600)}\n`);
  });

  it('leaves out a URI that is not a segment of the package, and never signs it', async () => {
    // Arrange
    const tampered = mediaPlaylist('360p', [
      '360p_00000.m4s',
      'https://evil.example/x.m4s',
      '../other/360p_00001.m4s',
      '360p_00002.m4s',
    ]);
    const deps = buildDeps(completedRecord(), { [`${PREFIX}360p.m3u8`]: tampered });
    // Act
    const response = await servePlaylist(JOB, '360p.m3u8', TOKEN, deps);
    // Assess
    const uris = response.body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(uris).toEqual([
      presigned(`${PREFIX}360p_00000.m4s`, 3600),
      presigned(`${PREFIX}360p_00002.m4s`, 3600),
    ]);
    expect(response.body).not.toContain('evil.example');
    expect(response.body).not.toContain('other');
    expect(deps.presigns.map((presign) => presign.key).sort()).toEqual([
      `${PREFIX}360p_00000.m4s`,
      `${PREFIX}360p_00002.m4s`,
      `${PREFIX}360p_init.mp4`,
    ]);
  });
});

describe('servePlaylist: refusals', () => {
  it('refuses a request without a token with 403', async () => {
    const response = await servePlaylist(JOB, 'master.m3u8', undefined, buildDeps());
    expect(refusal(response)).toEqual({
      statusCode: 403,
      error: 'Missing token: use the output.hls.url a job view gives, token included',
      cors: '*',
    });
  });

  it('refuses an expired token with 403, saying how to get a new one', async () => {
    // Arrange
    const expired = signPlaybackToken(KEY, JOB, new Date('2026-03-01T09:59:00.000Z'));
    // Act
    const response = await servePlaylist(JOB, 'master.m3u8', expired, buildDeps());
    // Assess
    expect(refusal(response)).toEqual({
      statusCode: 403,
      error: 'The playback token has expired: GET the job again for a new output.hls.url',
      cors: '*',
    });
  });

  it("refuses another job's token with 403", async () => {
    // Arrange: signed with this job's key, but for another job's id.
    const another = signPlaybackToken(KEY, OTHER_JOB, new Date('2026-03-01T11:00:00.000Z'));
    // Act
    const response = await servePlaylist(JOB, 'master.m3u8', another, buildDeps());
    // Assess
    expect(refusal(response)).toEqual({
      statusCode: 403,
      error: 'The playback token is not valid for this job',
      cors: '*',
    });
  });

  it('refuses a token that is not a token with 403', async () => {
    const response = await servePlaylist(JOB, 'master.m3u8', 'garbage', buildDeps());
    expect(refusal(response)).toEqual({
      statusCode: 403,
      error: 'The playback token is not valid for this job',
      cors: '*',
    });
  });

  it('answers 404 for a name that is not a playlist, before reading anything', async () => {
    // Arrange
    const deps = buildDeps();
    // Act
    const response = await servePlaylist(JOB, '../x.m3u8', TOKEN, deps);
    // Assess
    expect(refusal(response)).toEqual({
      statusCode: 404,
      error: "No playlist ../x.m3u8: expected master.m3u8 or a variant's playlist",
      cors: '*',
    });
    expect(deps.reads).toEqual([]);
  });

  it('answers 404 for a variant the package does not have', async () => {
    const deps = buildDeps();
    const response = await servePlaylist(JOB, '720p.m3u8', TOKEN, deps);
    expect(refusal(response)).toEqual({
      statusCode: 404,
      error: `Job ${JOB} has no playlist 720p.m3u8`,
      cors: '*',
    });
    expect(deps.reads).toEqual([]);
  });

  it('answers 404 for a playlist that is not in the bucket', async () => {
    const deps = buildDeps(completedRecord(), { [`${PREFIX}master.m3u8`]: MASTER });
    const response = await servePlaylist(JOB, '360p.m3u8', TOKEN, deps);
    expect(refusal(response)).toEqual({
      statusCode: 404,
      error: `Job ${JOB} has no playlist 360p.m3u8`,
      cors: '*',
    });
  });

  it('passes on a failure to read the bucket other than a missing object', async () => {
    // Arrange
    const deps = buildDeps();
    const failing: PlaybackDeps = {
      ...deps,
      outputs: {
        ...deps.outputs,
        readText: async () => {
          throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
        },
      },
    };
    // Act / Assess
    await expect(servePlaylist(JOB, 'master.m3u8', TOKEN, failing)).rejects.toThrow('Access Denied');
  });

  it('answers 404 for a job that is not completed', async () => {
    const processing = completedRecord({ status: 'processing', completedAt: null });
    const response = await servePlaylist(JOB, 'master.m3u8', TOKEN, buildDeps(processing));
    expect(refusal(response)).toEqual({
      statusCode: 404,
      error: `Job ${JOB} has no HLS package`,
      cors: '*',
    });
  });

  it('answers 404 for a completed job without an HLS package', async () => {
    const plain = completedRecord();
    const record = { ...plain, output: { ...plain.output, hls: null } };
    const response = await servePlaylist(JOB, 'master.m3u8', TOKEN, buildDeps(record));
    expect(refusal(response)).toEqual({
      statusCode: 404,
      error: `Job ${JOB} has no HLS package`,
      cors: '*',
    });
  });

  it('answers 404 for an unknown job', async () => {
    const response = await servePlaylist(OTHER_JOB, 'master.m3u8', TOKEN, buildDeps());
    expect(refusal(response)).toEqual({ statusCode: 404, error: `Job ${OTHER_JOB} not found`, cors: '*' });
  });

  it('answers 400 for a job id that is not a UUID', async () => {
    const response = await servePlaylist('not-a-uuid', 'master.m3u8', TOKEN, buildDeps());
    expect(refusal(response)).toEqual({
      statusCode: 400,
      error: 'Invalid jobId: expected a UUID',
      cors: '*',
    });
  });
});

describe('withToken', () => {
  it('never hands the token to a URI that is not one of the package playlists', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Audio",URI="https://evil.example/audio.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=1',
      'https://evil.example/source.m3u8',
      '#EXT-X-STREAM-INF:BANDWIDTH=1',
      '../other/360p.m3u8',
      '',
    ].join('\n');
    expect(withToken(master, TOKEN)).toBe(master);
  });
});

describe('withSignedUris', () => {
  // An EXT-X-MAP whose URI is not the package's init segment would send a player elsewhere.
  it('never passes on an init segment URI that is not a file of the package', async () => {
    // Arrange
    const signed: string[] = [];
    const playlist = mediaPlaylist('360p').replace(
      'URI="360p_init.mp4"',
      'URI="https://evil.example/init.mp4"',
    );
    // Act
    const answer = await withSignedUris(playlist, async (file) => {
      signed.push(file);
      return presigned(`${PREFIX}${file}`, 60);
    });
    // Assess
    expect(signed).not.toContain('https://evil.example/init.mp4');
    expect(answer).not.toContain('evil.example');
  });
});
