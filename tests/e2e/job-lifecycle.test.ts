import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/local/dev-server/dev-server.ts';
import { VERSION } from '../../src/version.ts';
import { answersChecked, callApi, openApiDocument } from '../support/api-contract.ts';
import { makeTone, makeVideo } from '../support/media.ts';

// Answers are free-form JSON; the assertions give them their shape.
// biome-ignore lint/suspicious/noExplicitAny: see above
type JsonObject = Record<string, any>;

const KEY_A = 'lifecycle-key-a';
const KEY_B = 'lifecycle-key-b';
const JOBS = 250;

/** A valid spec; the workers are off, so every job stays `submitted`. */
function spec(n: number) {
  return {
    jobInfo: {
      projectId: n % 5 === 0 ? 'Promo-Five' : 'catalogue',
      title: n % 50 === 7 ? `Spring SALE number ${n}` : `Clip ${n}`,
      tags: n % 2 === 0 ? ['even', 'all'] : ['all'],
    },
    assets: { video: { id: 'v', source: '/nonexistent/never-read.mp4' }, audio: [] },
    timeline: [],
    output: { filename: `job-${n}` },
  };
}

let dev: DevServer;

const call = (method: string, path: string, key: string | null = KEY_A, body?: unknown) =>
  callApi(dev.url, method, path, { key, body });

/** Every page of GET /jobs with these parameters, in order. */
async function allPages(query: string, key = KEY_A): Promise<JsonObject[][]> {
  const pages: JsonObject[][] = [];
  let cursor: string | null = null;
  do {
    const next: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const { status, json } = await call('GET', `/jobs?${query}${next}`, key);
    expect(status).toBe(200);
    pages.push(json.jobs);
    cursor = json.nextCursor;
  } while (cursor !== null);
  return pages;
}

const submitted: string[] = [];

beforeAll(async () => {
  dev = await startDevServer({
    dataDir: mkdtempSync(join(tmpdir(), 'auto-vid-lifecycle-')),
    port: 0,
    apiKeys: [KEY_A, KEY_B],
    workers: false,
    rate: 10_000,
    burst: 10_000,
    quota: 1_000_000,
    log: () => {},
  });
  for (let n = 0; n < JOBS; n++) {
    const { status, json } = await call('POST', '/submit', KEY_A, spec(n));
    expect(status, JSON.stringify(json)).toBe(200);
    submitted.push(json.jobId);
  }
}, 120_000);

afterAll(async () => {
  await dev?.close();
});

describe('GET /jobs', () => {
  it('pages through 250 jobs newest first: none repeated, none missing', async () => {
    const pages = await allPages('limit=100');
    expect(pages.map((page) => page.length)).toEqual([100, 100, 50]);
    const jobs = pages.flat();
    const ids = jobs.map((job) => job.jobId);
    expect(new Set(ids).size).toBe(JOBS);
    expect([...ids].sort()).toEqual([...submitted].sort());
    const times = jobs.map((job) => job.submittedAt as string);
    expect(times).toEqual([...times].sort().reverse());
    // The last job submitted comes first; each view is the one GET /status gives.
    expect(ids[0]).toBe(submitted.at(-1));
    const status = await call('GET', `/status/${ids[0]}`);
    expect(jobs[0]).toEqual(status.json);
  });

  it('gives 20 jobs a page unless told otherwise', async () => {
    const { json } = await call('GET', '/jobs');
    expect(json.jobs).toHaveLength(20);
    expect(typeof json.nextCursor).toBe('string');
  });

  it.each([
    ['status=submitted', JOBS],
    ['status=completed', 0],
    ['projectId=Promo-Five', 50],
    ['tag=even', 125],
    ['q=spring%20sale', 5],
    ['q=PROMO', 50],
    ['projectId=Promo-Five&tag=even', 25],
  ])('filters by %s', async (query, expected) => {
    const jobs = (await allPages(`${query}&limit=30`)).flat();
    expect(jobs).toHaveLength(expected);
    expect(new Set(jobs.map((job) => job.jobId)).size).toBe(expected);
  });

  it('refuses a bad page size, status or cursor with 400 naming it', async () => {
    expect(await call('GET', '/jobs?limit=101')).toMatchObject({
      status: 400,
      json: { error: "Invalid query parameter 'limit': Too big: expected number to be <=100" },
    });
    expect((await call('GET', '/jobs?status=done')).json.error).toMatch(/^Invalid query parameter 'status'/);
    expect(await call('GET', '/jobs?cursor=not-a-cursor')).toMatchObject({
      status: 400,
      json: { error: 'Invalid cursor: pass nextCursor from a GET /jobs answer' },
    });
  });

  it("never shows another key's jobs, nor takes its cursor", async () => {
    const { json } = await call('GET', '/jobs?limit=1');
    expect((await call('GET', '/jobs', KEY_B)).json).toEqual({ jobs: [], nextCursor: null });
    expect((await call('GET', `/jobs?cursor=${json.nextCursor}`, KEY_B)).status).toBe(400);
  });
});

describe("another key's job", () => {
  it.each([
    ['GET', '/status/{id}'],
    ['GET', '/jobs/{id}'],
    ['GET', '/jobs/{id}/deliveries'],
    ['POST', '/jobs/{id}/cancel'],
    ['DELETE', '/jobs/{id}'],
    ['POST', '/jobs/{id}/webhook'],
  ])('is not found by %s %s', async (method, path) => {
    const jobId = submitted[3] as string;
    const { status, json } = await call(method, path.replace('{id}', jobId), KEY_B);
    expect(status).toBe(404);
    expect(json.error).toBe(`Job ${jobId} not found`);
    // Its owner still sees it.
    expect((await call('GET', `/jobs/${jobId}`, KEY_A)).json.status).toBe('submitted');
  });
});

describe('cancel and delete', () => {
  it('cancels a queued job at once, then answers 409; delete waits for a final job', async () => {
    const jobId = submitted[10] as string;
    expect(await call('DELETE', `/jobs/${jobId}`)).toMatchObject({
      status: 409,
      json: { error: `Job ${jobId} is submitted; only a final job can be deleted (cancel it first)` },
    });
    const cancelled = await call('POST', `/jobs/${jobId}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, json: { jobId, status: 'cancelled' } });
    expect((await call('GET', `/status/${jobId}`)).json.status).toBe('cancelled');
    expect(await call('POST', `/jobs/${jobId}/cancel`)).toMatchObject({
      status: 409,
      json: { error: `Job ${jobId} is already cancelled; only a job not yet final can be cancelled` },
    });
    expect(await call('DELETE', `/jobs/${jobId}`)).toMatchObject({
      status: 200,
      json: { jobId, deleted: true, objects: [] },
    });
    expect((await call('GET', `/jobs/${jobId}`)).status).toBe(404);
    expect((await call('DELETE', `/jobs/${jobId}`)).status).toBe(404);
  });

  it('answers 400 for a job id that is not a UUID, before any lookup', async () => {
    expect(await call('POST', '/jobs/not-a-uuid/cancel')).toMatchObject({
      status: 400,
      json: { error: 'Invalid jobId: expected a UUID' },
    });
  });
});

describe('dry run', () => {
  /** A spec made to trigger each warning: 4 s of video, 2 s of music without a loop, late clips. */
  function warningSpec() {
    const media = mkdtempSync(join(tmpdir(), 'auto-vid-dry-run-'));
    const video = makeVideo(media, 'four.mp4', 4, { size: '320x240' });
    const music = makeTone(media, 'two.wav', 440, 2);
    return {
      assets: { video: { id: 'v', source: video }, audio: [{ id: 'm', source: music }] },
      backgroundMusic: { playlist: ['m'], loop: false },
      timeline: [
        {
          start: 0.5,
          type: 'tts',
          data: { text: 'The first narration speaks for a while.', duckingLevel: 0.3 },
        },
        { start: 1, type: 'tts', data: { text: 'The second one overlaps it.' } },
        {
          start: 3.5,
          type: 'tts',
          data: { text: 'This last sentence cannot finish before the video ends.' },
        },
        { start: 6, type: 'audio', data: { assetId: 'm' } },
      ],
      output: { filename: 'dry-run' },
    };
  }

  it.each(['/submit?dryRun=true', '/plan'])(
    '%s answers the plan with every warning, and records nothing',
    async (path) => {
      const before = (await allPages('limit=100')).flat().length;
      const { status, json } = await call('POST', path, KEY_A, warningSpec());
      expect(status).toBe(200);
      expect(json.jobId).toBeUndefined();
      expect(json.video.duration).toBeCloseTo(4, 1);
      expect(json.music).toHaveLength(1);
      expect(json.music[0]).toMatchObject({ assetId: 'm', start: 0 });
      expect(json.music[0].end).toBeCloseTo(2, 1);
      expect(json.clips.map((clip: JsonObject) => [clip.index, clip.type, clip.cutAtEnd])).toEqual([
        [0, 'tts', false],
        [1, 'tts', false],
        [2, 'tts', true],
        // Starting after the end, it is cut whole.
        [3, 'audio', true],
      ]);
      expect(json.ducking).toHaveLength(1);
      expect(json.warnings.map((w: JsonObject) => [w.code, w.timelineIndex])).toEqual(
        expect.arrayContaining([
          ['narration-overlap', 1],
          ['music-ends-early', undefined],
          ['narration-cut-at-end', 2],
          ['clip-after-video-end', 3],
        ]),
      );
      expect(json.speech.synthesizer).toBe('espeak-ng');
      expect(json.estimate).toMatchObject({ videoPath: 'copy' });
      expect((await allPages('limit=100')).flat().length).toBe(before);
    },
  );
});

describe('GET /health', () => {
  it('answers without a key, with the version', async () => {
    const { status, json } = await call('GET', '/health', null);
    expect(status).toBe(200);
    expect(json).toMatchObject({ status: 'ok', version: VERSION });
  });

  it('is the only route open without a key', async () => {
    const { status, json } = await call('GET', '/jobs', null);
    expect({ status, json }).toEqual({ status: 403, json: { message: 'Forbidden' } });
    expect((await call('GET', '/openapi.json', null)).status).toBe(403);
  });
});

describe('GET /openapi.json', () => {
  it('serves docs/openapi.json with its server the URL it was asked at', async () => {
    const { status, json } = await call('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(json.servers).toEqual([{ url: dev.url }]);
    expect({ ...json, servers: openApiDocument.servers }).toEqual(openApiDocument);
  });
});

describe('the contract', () => {
  it('checked every answer of this file against docs/openapi.json', () => {
    // 250 submits, the pages, the filters, the job routes: each answer went through callApi.
    expect(answersChecked()).toBeGreaterThan(JOBS + 20);
  });
});
