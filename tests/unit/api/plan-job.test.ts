import { DEFAULT_WEBHOOK_SIZE_LIMITS, jobPlanSchema } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import {
  type MediaFacts,
  type MediaFactsReader,
  MediaReadError,
} from '../../../src/api/dry-run/media-facts.ts';
import { MAX_PLAN_BODY_BYTES, type PlanDeps, planJob } from '../../../src/api/plan-job.ts';
import { MAX_SUBMIT_BODY_BYTES } from '../../../src/api/submit-job.ts';
import { DEFAULT_MEDIA_LIMITS } from '../../../src/policy/media-limits.ts';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const BUCKET = 'auto-vid-s3-bucket-test-123456789012';
const source = (name: string) => `s3://${BUCKET}/assets/in/${name}`;

/** An H.264 MP4 of `seconds`, as its headers tell it. */
const mp4 = (seconds: number, width = 1920, height = 1080): MediaFacts => ({
  duration: seconds,
  container: 'mp4',
  video: { codec: 'avc1', width, height },
});
const audio = (seconds: number): MediaFacts => ({ duration: seconds, container: 'wav' });

/** Facts by source; a string is the reason the source cannot be read. Records every read. */
function fakeMedia(files: Record<string, MediaFacts | string>): MediaFactsReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async read(from) {
      reads.push(from);
      const found = files[from];
      if (found === undefined) throw new MediaReadError('not found (S3 NoSuchKey)');
      if (typeof found === 'string') throw new MediaReadError(found);
      return found;
    },
  };
}

/** Narration text that Polly is taken to speak in `seconds` (15 characters a second). */
const narration = (seconds: number) => 'a'.repeat(Math.round(seconds * 15));

function buildSpec(parts: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    assets: {
      video: { id: 'video', source: source('video.mp4') },
      audio: [
        { id: 'music', source: source('music.wav') },
        { id: 'other', source: source('other.wav') },
        { id: 'sfx', source: source('sfx.wav') },
      ],
    },
    timeline: [],
    output: { filename: 'out.mp4' },
    ...parts,
  };
}

function buildDeps(media: MediaFactsReader, overrides: Partial<PlanDeps> = {}): PlanDeps {
  return {
    limits: DEFAULT_WEBHOOK_SIZE_LIMITS,
    rules: { localMode: false, outputBuckets: [BUCKET], stackBucket: BUCKET },
    clock: () => NOW,
    media,
    processorMemoryMb: 3008,
    ...overrides,
  };
}

const STANDARD_MEDIA = {
  [source('video.mp4')]: mp4(20),
  [source('music.wav')]: audio(8),
  [source('other.wav')]: audio(4),
  [source('sfx.wav')]: audio(3),
};

async function plan(spec: unknown, media = fakeMedia(STANDARD_MEDIA), overrides: Partial<PlanDeps> = {}) {
  const response = await planJob(JSON.stringify(spec), buildDeps(media, overrides));
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

describe('planJob warnings', () => {
  it('warns of overlapping narration, a cut narration, a clip after the end and music that runs out', async () => {
    // Prepare: a 20 s video, 8 s of music that does not loop.
    const spec = buildSpec({
      backgroundMusic: { playlist: ['music'], loop: false, crossfadeDuration: 0 },
      timeline: [
        { start: 1, type: 'tts', data: { text: narration(2) } },
        { start: 2, type: 'tts', data: { text: narration(2) } },
        { start: 5, type: 'audio', data: { assetId: 'sfx' } },
        { start: 19, type: 'tts', data: { text: narration(2) } },
        { start: 20, type: 'audio', data: { assetId: 'sfx' } },
      ],
    });
    // Act
    const { status, body } = await plan(spec);
    // Assess
    expect(status).toBe(200);
    expect(body.warnings).toEqual([
      {
        code: 'narration-overlap',
        message:
          "timeline[1]'s narration starts at 2 s, while timeline[0]'s (1 s to about 3 s) is still speaking",
        timelineIndex: 1,
        at: 2,
      },
      {
        code: 'music-ends-early',
        message:
          'backgroundMusic.playlist ends at 8 s and backgroundMusic.loop is false: the last 12 s of the video have no music',
        at: 8,
      },
      {
        code: 'narration-cut-at-end',
        message: "timeline[3]'s narration runs to about 21 s, past the video's end (20 s): it is cut there",
        timelineIndex: 3,
        at: 20,
      },
      {
        code: 'clip-after-video-end',
        message: "timeline[4] starts at 20 s, at or after the video's end (20 s): it is not heard",
        timelineIndex: 4,
        at: 20,
      },
    ]);
  });

  it('warns of nothing when narrations follow each other and the music loops', async () => {
    const spec = buildSpec({
      backgroundMusic: { playlist: ['music'] },
      timeline: [
        { start: 1, type: 'tts', data: { text: narration(2) } },
        { start: 3, type: 'tts', data: { text: narration(2) } },
      ],
    });
    const { body } = await plan(spec);
    expect(body.warnings).toEqual([]);
  });
});

describe('planJob music and clips', () => {
  it('lays the playlist out as the renderer does: crossfades between plays, looped, cut at the end', async () => {
    // Prepare: 6 s and 4 s tracks over a 14 s video, 1 s crossfades.
    const media = fakeMedia({
      ...STANDARD_MEDIA,
      [source('video.mp4')]: mp4(14),
      [source('music.wav')]: audio(6),
    });
    const spec = buildSpec({ backgroundMusic: { playlist: ['music', 'other'], crossfadeDuration: 1 } });
    // Act
    const { body } = await plan(spec, media);
    // Assess
    expect(body.music).toEqual([
      { trackIndex: 0, assetId: 'music', start: 0, end: 6, offset: 0, fadeIn: 0, fadeOut: 1 },
      { trackIndex: 1, assetId: 'other', start: 5, end: 9, offset: 0, fadeIn: 1, fadeOut: 1 },
      { trackIndex: 0, assetId: 'music', start: 8, end: 14, offset: 0, fadeIn: 1, fadeOut: 1 },
      { trackIndex: 1, assetId: 'other', start: 13, end: 14, offset: 0, fadeIn: 1, fadeOut: 0 },
    ]);
  });

  it('cuts clips at the video end and says which were cut and which durations are estimated', async () => {
    const spec = buildSpec({
      timeline: [
        { start: 6, type: 'audio', data: { assetId: 'sfx', volume: 0.8 } },
        { start: 18.5, type: 'audio', data: { assetId: 'sfx' } },
        { start: 10, type: 'tts', data: { text: narration(3) } },
      ],
    });
    const { body } = await plan(spec);
    expect(body.clips).toEqual([
      {
        index: 0,
        type: 'audio',
        start: 6,
        end: 9,
        duration: 3,
        durationSource: 'measured',
        volume: 0.8,
        cutAtEnd: false,
      },
      {
        index: 1,
        type: 'audio',
        start: 18.5,
        end: 20,
        duration: 3,
        durationSource: 'measured',
        volume: 0.5,
        cutAtEnd: true,
      },
      {
        index: 2,
        type: 'tts',
        start: 10,
        end: 13,
        duration: 3,
        durationSource: 'estimated',
        volume: 1,
        cutAtEnd: false,
      },
    ]);
  });

  it('merges overlapping ducking ranges: the lowest level and the longest fade win', async () => {
    const spec = buildSpec({
      backgroundMusic: { playlist: ['music'] },
      timeline: [
        { start: 1, type: 'tts', data: { text: narration(2), duckingLevel: 0.3, duckingFadeDuration: 0.5 } },
        { start: 2, type: 'audio', data: { assetId: 'sfx', duckingLevel: 0.2, duckingFadeDuration: 1 } },
        { start: 8, type: 'audio', data: { assetId: 'sfx', duckingLevel: 0.5 } },
        { start: 12, type: 'audio', data: { assetId: 'sfx' } },
      ],
    });
    const { body } = await plan(spec);
    expect(body.ducking).toEqual([
      { start: 1, end: 5, level: 0.2, fade: 1 },
      { start: 8, end: 11, level: 0.5, fade: 0.5 },
    ]);
  });

  it('reads only the media the render uses', async () => {
    const media = fakeMedia(STANDARD_MEDIA);
    await plan(buildSpec({ backgroundMusic: { playlist: ['other'] } }), media);
    expect(media.reads.sort()).toEqual([source('other.wav'), source('video.mp4')]);
  });

  it('answers in the shape of the published schema', async () => {
    const spec = buildSpec({
      backgroundMusic: { playlist: ['music'] },
      timeline: [{ start: 1, type: 'tts', data: { text: 'Hello.', duckingLevel: 0.2 } }],
    });
    const { body } = await plan(spec);
    expect(jobPlanSchema.safeParse(body).error).toBeUndefined();
    expect(body.video).toEqual({ source: source('video.mp4'), duration: 20, width: 1920, height: 1080 });
  });
});

describe('planJob speech characters', () => {
  const tts = (start: number, text: string, providerConfig: Record<string, unknown>) => ({
    start,
    type: 'tts',
    data: { text, providerConfig },
  });
  const timeline = [
    tts(0, 'Hello.', { engine: 'standard' }),
    tts(1, narration(4), { engine: 'neural' }),
    tts(2, '<speak>Hi &amp; bye<break time="1s"/></speak>', {
      engine: 'long-form',
      voiceId: 'Ruth',
      textType: 'ssml',
    }),
    tts(3, 'Good day', { engine: 'generative', voiceId: 'Ruth' }),
    // Starts after the 20 s video ends: never spoken, never paid.
    tts(25, narration(1), { engine: 'neural' }),
  ];

  it('counts what Polly bills, by engine: SSML without its tags, nothing past the video end', async () => {
    const { body } = await plan(buildSpec({ timeline }));
    expect(body.speech).toEqual({
      synthesizer: 'aws-polly',
      characters: { standard: 6, neural: 60, 'long-form': 8, generative: 8 },
    });
  });

  it('counts twice on engines with speech marks when captions ask for them', async () => {
    const { body } = await plan(buildSpec({ timeline, output: { filename: 'out.mp4', captions: {} } }));
    expect(body.speech.characters).toEqual({ standard: 12, neural: 120, 'long-form': 16, generative: 8 });
  });

  it('counts everything as espeak-ng on one machine', async () => {
    const { body } = await plan(buildSpec({ timeline }), undefined, { speech: 'espeak-ng' });
    expect(body.speech).toEqual({
      synthesizer: 'espeak-ng',
      characters: { standard: 0, neural: 0, 'long-form': 0, generative: 0, 'espeak-ng': 82 },
    });
  });

  it("estimates a narration's length from its text and its SSML breaks", async () => {
    const { body } = await plan(buildSpec({ timeline }));
    // 8 characters at 15 a second, and a 1 s break.
    expect(body.clips[2]).toMatchObject({ duration: 1.533, durationSource: 'estimated' });
  });
});

describe('planJob estimate', () => {
  it('prices a copied video: 2.70 s per 3 minutes, × 2.9375 GB × the GB-second price, plus Polly', async () => {
    // Prepare: 3 minutes of H.264 MP4, 1,000 neural characters.
    const media = fakeMedia({ ...STANDARD_MEDIA, [source('video.mp4')]: mp4(180) });
    const spec = buildSpec({
      timeline: [
        { start: 0, type: 'tts', data: { text: 'b'.repeat(1000), providerConfig: { engine: 'neural' } } },
      ],
    });
    // Act
    const { body } = await plan(spec, media);
    // Assess
    expect(body.estimate).toMatchObject({
      videoPath: 'copy',
      videoPathReason: 'H.264 in MP4 and nothing asks for a change: the video stream is copied',
      renderSeconds: 2.7,
      memoryMb: 3008,
      prices: { lambdaGbSecondUsd: 0.0000133334, asOf: '2026-11-21' },
    });
    const lambda = 2.7 * (3008 / 1024) * 0.0000133334;
    const speech = (1000 * 16) / 1_000_000;
    expect(body.estimate.cost.lambdaUsd).toBeCloseTo(lambda, 6);
    expect(body.estimate.cost.speechUsd).toBeCloseTo(speech, 6);
    expect(body.estimate.cost.totalUsd).toBeCloseTo(lambda + speech, 6);
  });

  it("prices a re-encode at 224 s per 3 minutes of 1080p, scaled by the frame's pixels", async () => {
    const media = fakeMedia({ ...STANDARD_MEDIA, [source('video.mp4')]: mp4(90, 1280, 720) });
    const spec = buildSpec({ output: { filename: 'out.mp4', encoding: { bitrate: '2500k' } } });
    const { body } = await plan(spec, media, { processorMemoryMb: 10240 });
    const seconds = 90 * (224 / 180) * ((1280 * 720) / (1920 * 1080));
    expect(body.estimate.videoPath).toBe('encode');
    expect(body.estimate.videoPathReason).toBe('the video is re-encoded: a bitrate (2500k) is set');
    expect(body.estimate.renderSeconds).toBeCloseTo(seconds, 3);
    expect(body.estimate.cost.lambdaUsd).toBeCloseTo(seconds * 10 * 0.0000133334, 6);
  });

  it.each([
    [{ captions: { burnIn: true } }, mp4(10), 'the video is re-encoded: captions are burned in'],
    [{ encoding: { video: 'encode' } }, mp4(10), 'output.encoding.video is "encode"'],
    [
      {},
      { ...mp4(10), container: 'matroska' },
      'the video is re-encoded: its container is matroska, not MP4',
    ],
    [{}, { ...mp4(10), video: { codec: 'hvc1' } }, 'the video is re-encoded: its codec is hvc1, not H.264'],
    [
      { encoding: { fps: 25 } },
      mp4(10),
      "the video is re-encoded: fps 25 is set and the source's rate is not in its headers",
    ],
  ] as const)('decides a re-encode as the renderer does (%j)', async (output, video, reason) => {
    const media = fakeMedia({ ...STANDARD_MEDIA, [source('video.mp4')]: video as MediaFacts });
    const { body } = await plan(buildSpec({ output: { filename: 'out.mp4', ...output } }), media);
    expect(body.estimate).toMatchObject({ videoPath: 'encode', videoPathReason: reason });
  });
});

describe('planJob refusals', () => {
  it('answers 400 naming the field of a medium that cannot be read', async () => {
    const media = fakeMedia({
      ...STANDARD_MEDIA,
      [source('other.wav')]: 'not a format auto-vid renders as audio',
    });
    const spec = buildSpec({ backgroundMusic: { playlist: ['music', 'other'] } });
    const { status, body } = await plan(spec, media);
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 'Media could not be read:\n  - assets.audio[1].source: not a format auto-vid renders as audio',
      details: [
        { path: ['assets', 'audio', 1, 'source'], message: 'not a format auto-vid renders as audio' },
      ],
      timestamp: NOW.toISOString(),
    });
  });

  it('answers 400 when output.encoding.video is "copy" and the source cannot be copied', async () => {
    const media = fakeMedia({
      ...STANDARD_MEDIA,
      [source('video.mp4')]: { ...mp4(10), container: 'matroska' },
    });
    const spec = buildSpec({ output: { filename: 'out.mp4', encoding: { video: 'copy' } } });
    const { status, body } = await plan(spec, media);
    expect(status).toBe(400);
    expect(body.error).toBe(
      'The render would fail:\n  - output.encoding.video: is "copy", but the video cannot be copied: its container is matroska, not MP4',
    );
  });

  it('answers 400 when the playlist cannot be laid out, as the render would fail', async () => {
    const spec = buildSpec({ backgroundMusic: { playlist: ['music'], startAt: 9 } });
    const { status, body } = await plan(spec);
    expect(status).toBe(400);
    expect(body.details).toEqual([
      {
        path: ['backgroundMusic'],
        message: 'backgroundMusic.startAt (9 s) is not inside the first track, which lasts 8 s',
      },
    ]);
  });

  it('answers 400 for a video beyond the media limits, as the renderer would refuse it', async () => {
    const media = fakeMedia({ ...STANDARD_MEDIA, [source('video.mp4')]: mp4(4 * 3600) });
    const { status, body } = await plan(buildSpec(), media, { mediaLimits: DEFAULT_MEDIA_LIMITS });
    expect(status).toBe(400);
    expect(body.error).toBe(
      'The render would fail:\n  - assets.video.source: the video lasts 14400 s, above the limit of 10800 s (MAX_VIDEO_SECONDS)',
    );
  });

  it('answers an invalid spec as submit does, reading nothing', async () => {
    const media = fakeMedia(STANDARD_MEDIA);
    const { status, body } = await plan(buildSpec({ timeline: [{ start: -1, type: 'audio' }] }), media);
    expect(status).toBe(400);
    expect(body.error).toMatch(/^Invalid job specification:\n {2}- Field 'timeline -> 0 -> start'/);
    expect(media.reads).toEqual([]);
  });

  it('refuses a file path outside local mode before reading anything', async () => {
    const media = fakeMedia(STANDARD_MEDIA);
    const spec = buildSpec({ assets: { video: { id: 'video', source: '/etc/passwd' }, audio: [] } });
    const { status, body } = await plan(spec, media);
    expect(status).toBe(400);
    expect(body.details).toEqual([
      {
        path: ['assets', 'video', 'source'],
        message: 'File paths are accepted only in local mode; use s3:// or https://',
      },
    ]);
    expect(media.reads).toEqual([]);
  });

  it("answers a body over submit's limit with 413, as submit does", async () => {
    expect(MAX_PLAN_BODY_BYTES).toBe(MAX_SUBMIT_BODY_BYTES);
    const body = JSON.stringify(buildSpec({ jobInfo: { title: 'x'.repeat(MAX_SUBMIT_BODY_BYTES) } }));
    const response = await planJob(body, buildDeps(fakeMedia({})));
    expect(response.statusCode).toBe(413);
  });

  it('answers 400 Missing request body without a body', async () => {
    const response = await planJob(undefined, buildDeps(fakeMedia({})));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toBe('Missing request body');
  });
});
