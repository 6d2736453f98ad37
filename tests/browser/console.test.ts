import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevServer } from '../../src/local/dev-server/dev-server.ts';
import { callApi } from '../support/api-contract.ts';
import { launchChromium } from '../support/browser.ts';
import { startQuietDevServer } from '../support/dev-jobs.ts';
import { makeTone, makeVideo } from '../support/media.ts';

// The web console as its users meet it: Debian's Chromium, driven by playwright-core, against a
// real auto-vid dev serving the console at /. Each step is what a person does (sign in, drop files,
// load a sample, break and fix it, read the timeline, submit, watch, play, cancel, delete), and each
// screen is photographed at desktop and phone width for the README (docs/console/), then checked
// with axe-core for serious accessibility violations.

const KEY = 'console-key';
const VIDEO_SECONDS = 20;
const MUSIC_SECONDS = 6;
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const SHOTS = new URL('../../docs/console/', import.meta.url).pathname;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let dev: DevServer;
let browser: Browser;
let page: Page;
let receiver: { url: string; calls: number; close(): Promise<void> };
let media: { video: string; music: string };
const jobs: { rendered?: string; cancelled?: string } = {};

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auto-vid-console-media-'));
  media = {
    video: makeVideo(dir, 'clip.mp4', VIDEO_SECONDS, { size: '960x540', fps: 30 }),
    music: makeTone(dir, 'music.wav', 220, MUSIC_SECONDS),
  };
  mkdirSync(SHOTS, { recursive: true });
  [dev, browser, receiver] = await Promise.all([
    startQuietDevServer(KEY, 'console'),
    launchChromium(),
    startReceiver(),
  ]);
  page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await dev?.close();
  await receiver?.close();
});

/** A webhook receiver that answers 204 and counts the calls. */
async function startReceiver() {
  let calls = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      calls += 1;
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    get calls() {
      return calls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The screen at both widths into docs/console/, and no serious or critical axe-core violation on it. */
async function photographAndAudit(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  // Evaluated over the DevTools protocol: the page's Content-Security-Policy refuses inline scripts.
  await page.evaluate(AXE);
  const violations = (await page.evaluate(`axe
    .run(document, { resultTypes: ['violations'] })
    .then((r) => r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.help + ' at ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`)) as string[];
  expect(violations, name).toEqual([]);
}

/** The editor's text as the page holds it. */
const editorText = () => page.locator('#spec-text').inputValue();

describe('the web console in Chromium', { timeout: 180_000 }, () => {
  it('signs in with the API URL and key, and refuses a wrong key', async () => {
    await page.goto(`${dev.url}/`);
    await expect.poll(() => page.locator('#api-url').inputValue()).toBe(dev.url);
    await photographAndAudit('sign-in');
    await page.fill('#api-key', 'not-the-key');
    await page.click('button[type=submit]');
    await expect
      .poll(() => page.locator('[role=alert]').textContent())
      .toBe('The API refused this key (403 Forbidden).');
    await page.fill('#api-key', KEY);
    await page.click('button[type=submit]');
    await page.waitForSelector('nav[aria-label=Console]');
    const kept = (await page.evaluate('localStorage.getItem("auto-vid.console.session")')) as string | null;
    expect(JSON.parse(kept ?? '{}')).toEqual({ apiUrl: dev.url, apiKey: KEY });
  });

  it('uploads two files dropped on the page, each with its progress bar', async () => {
    await page.goto(`${dev.url}/#/uploads`);
    const files = [
      { name: 'clip.mp4', type: 'video/mp4', base64: readFileSync(media.video).toString('base64') },
      { name: 'music.wav', type: 'audio/wav', base64: readFileSync(media.music).toString('base64') },
    ];
    // The page's own DataTransfer with the two files, dropped on the drop zone as a drag would.
    const dataTransfer = await page.evaluateHandle(`(() => {
      const transfer = new DataTransfer();
      for (const file of ${JSON.stringify(files)}) {
        const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], file.name, { type: file.type }));
      }
      return transfer;
    })()`);
    await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer });
    await page.locator('.transfers li[data-state=done]').nth(1).waitFor();
    const bars = await page.locator('.transfers progress').all();
    expect(await Promise.all(bars.map((bar) => bar.getAttribute('value')))).toEqual(['1', '1']);
    const rows = page.locator('.uploaded tbody tr');
    const sources: [string | null, string | null][] = [];
    for (const row of await rows.all()) {
      sources.push([await row.locator('td').first().textContent(), await row.locator('code').textContent()]);
    }
    expect(sources.map(([name]) => name).sort()).toEqual(['clip.mp4', 'music.wav']);
    for (const [, source] of sources) expect(source).toMatch(/^s3:\/\/[^/]+\/assets\/[0-9a-f-]{36}\//);
    await photographAndAudit('uploads');
  });

  it('loads a sample, shows a broken field at its line with the API text, and takes the fix', async () => {
    await page.goto(`${dev.url}/#/new`);
    await page.selectOption('#sample', 'demo');
    const loaded = await editorText();
    expect(JSON.parse(loaded).assets.video.source).toMatch(/^s3:\/\/.*\/clip\.mp4$/);
    const broken = loaded.replace('"volume": 0.35', '"volume": 3.5');
    const line = broken.slice(0, broken.indexOf('"volume": 3.5')).split('\n').length;
    // What the API answers for the same spec: one line per field at fault.
    const api = await callApi(dev.url, 'POST', '/submit', { key: KEY, body: JSON.parse(broken) });
    expect(api.status).toBe(400);
    const apiLine = (api.json.error as string)
      .split('\n')
      .find((text) => text.includes('volume'))
      ?.replace(/^\s+- /, '');
    expect(apiLine).toMatch(/^Field 'backgroundMusic -> volume': /);
    await page.fill('#spec-text', broken);
    const problem = page.locator('.diagnostics li');
    await expect.poll(() => problem.textContent()).toBe(`Line ${line}: ${apiLine}`);
    expect(await page.locator('.gutter .error').getAttribute('data-line')).toBe(String(line));
    expect(await page.locator('button', { hasText: 'Submit job' }).isDisabled()).toBe(true);
    await page.fill('#spec-text', loaded);
    await expect.poll(() => page.locator('.diagnostics li').count()).toBe(0);
  });

  it('draws the timeline of the dry run: music plays, clips on lanes, the ducking dip', async () => {
    await page.waitForSelector('[data-testid=ducking-envelope]');
    // A 6 s track played in a loop with 2 s crossfades starts every 4 s: at 0, 4, 8, 12 and 16 s.
    const plays = await page.$$eval('[data-testid=music-play]', (all) =>
      all.map((g) => Number(g.getAttribute('data-start'))),
    );
    expect(plays).toEqual([0, 4, 8, 12, 16]);
    const lanes = await page.$$eval('[data-testid=clip]', (all) =>
      all.map((g) => g.getAttribute('data-lane')),
    );
    expect(lanes.filter((lane) => lane === 'narration')).toHaveLength(2);
    expect(lanes.filter((lane) => lane === 'effects')).toHaveLength(1);
    const corners = ((await page.getAttribute('[data-testid=ducking-envelope]', 'data-envelope')) ?? '')
      .split(' ')
      .map((pair) => pair.split(':').map(Number) as [number, number]);
    const gainAt = (t: number) => {
      const after = corners.findIndex(([time]) => time >= t);
      const [t1, g1] = corners[after] as [number, number];
      const [t0, g0] = corners[Math.max(0, after - 1)] as [number, number];
      return t1 === t0 ? g1 : g0 + ((g1 - g0) * (t - t0)) / (t1 - t0);
    };
    // The first line starts at 1 s and ducks the music to 0.25 after a 0.5 s ramp; before it, full.
    expect(gainAt(0.2)).toBe(1);
    expect(gainAt(0.75)).toBeCloseTo(0.625, 6);
    for (const t of [1, 2, 3, 4]) expect(gainAt(t)).toBe(0.25);
    await photographAndAudit('new-job');
  });

  it('submits, follows the progress bar up to completed, and cancels a second job', async () => {
    const spec = JSON.parse(await editorText());
    // A re-encode, so the render lasts long enough to watch; a webhook, for the delivery log.
    spec.output.encoding = { crf: 30 };
    spec.notifications = { webhook: { url: receiver.url } };
    await page.fill('#spec-text', JSON.stringify(spec, null, 2));
    await page.waitForSelector('[data-testid=ducking-envelope]');
    for (const name of ['rendered', 'cancelled'] as const) {
      await page.click('button:has-text("Submit job")');
      const link = page.locator('[role=status] a');
      await link.waitFor();
      jobs[name] = ((await link.getAttribute('href')) ?? '').replace('#/jobs/', '');
    }
    await page.goto(`${dev.url}/#/jobs`);
    const rendered = page.locator(`tr[data-job-id="${jobs.rendered}"]`);
    const cancelled = page.locator(`tr[data-job-id="${jobs.cancelled}"]`);
    await cancelled.locator('button', { hasText: 'Cancel' }).click();
    await expect.poll(() => cancelled.getAttribute('data-status')).toBe('cancelled');
    const seen: number[] = [];
    let photographed = false;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
      const status = await rendered.getAttribute('data-status');
      const value = Number(await rendered.locator('progress').getAttribute('value'));
      if (status === 'processing' && seen.at(-1) !== value) seen.push(value);
      if (status === 'processing' && value > 0 && !photographed) {
        photographed = true;
        await photographAndAudit('jobs');
      }
      if (status === 'completed') break;
      await page.waitForTimeout(100);
    }
    expect(await rendered.getAttribute('data-status')).toBe('completed');
    expect(Number(await rendered.locator('progress').getAttribute('value'))).toBe(100);
    expect(seen.filter((value) => value > 0 && value < 100).length, `progress seen: ${seen}`).toBeGreaterThan(
      0,
    );
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('plays the finished video to its end, with its loudness and webhook log, and redelivers', async () => {
    await page.goto(`${dev.url}/#/jobs/${jobs.rendered}`);
    await page.waitForSelector('.job-detail[data-status=completed] video');
    const played = (await page.evaluate(`new Promise((resolve) => {
      const video = document.querySelector('video');
      video.muted = true;
      video.playbackRate = 4;
      video.addEventListener('ended', () => resolve({ ended: video.ended, at: video.currentTime, duration: video.duration }));
      video.addEventListener('error', () => resolve({ error: video.error && video.error.message }));
      video.play().catch((error) => resolve({ error: error.message }));
    })`)) as { ended?: boolean; at?: number; duration?: number; error?: string };
    expect(played.error).toBeUndefined();
    expect(played.ended).toBe(true);
    expect(played.at).toBeCloseTo(VIDEO_SECONDS, 1);
    expect(await page.locator('[data-testid=loudness] dd').first().textContent()).toMatch(/^-\d+\.\d LUFS$/);
    await page.waitForSelector('table.deliveries tbody tr');
    expect(await page.locator('table.deliveries tbody tr td').nth(2).textContent()).toBe('204');
    await photographAndAudit('job');
    const before = receiver.calls;
    await page.click('button:has-text("Redeliver the webhook")');
    await expect.poll(() => receiver.calls, { timeout: 20_000 }).toBe(before + 1);
  });

  it('deletes the cancelled job from the list', async () => {
    await page.goto(`${dev.url}/#/jobs`);
    await expect.poll(() => page.locator('table.jobs tbody tr').count()).toBe(2);
    // The status filter asks the API for the cancelled jobs only.
    await page.selectOption('#status-filter', 'cancelled');
    const listed = async () => {
      const rows = await page.locator('table.jobs tbody tr').all();
      return Promise.all(rows.map((row) => row.getAttribute('data-job-id')));
    };
    await expect.poll(listed).toEqual([jobs.cancelled]);
    const row = page.locator(`tr[data-job-id="${jobs.cancelled}"]`);
    await row.locator('button', { hasText: 'Delete' }).click();
    await row.locator('button', { hasText: 'Delete for good' }).click();
    await expect.poll(() => row.count()).toBe(0);
    await page.getByText('No jobs match.').waitFor();
    const gone = await callApi(dev.url, 'GET', `/jobs/${jobs.cancelled}`, { key: KEY });
    expect(gone.status).toBe(404);
  });

  it('completes asset ids in the editor from the keyboard', async () => {
    await page.goto(`${dev.url}/#/new`);
    await page.selectOption('#sample', 'demo');
    // The playlist's first entry emptied down to "t", the caret after the t.
    const loaded = await editorText();
    const entry = loaded.indexOf('"track-a"', loaded.indexOf('"playlist"'));
    const text = `${loaded.slice(0, entry)}"t"${loaded.slice(entry + '"track-a"'.length)}`;
    await page.fill('#spec-text', text);
    const caret = entry + 2;
    await page.evaluate(`document.querySelector('#spec-text').setSelectionRange(${caret}, ${caret})`);
    await page.keyboard.type('r');
    const options = page.locator('#spec-completion [role=option]');
    await expect.poll(() => options.allTextContents()).toEqual(['track-a', 'track-b']);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => JSON.parse(await editorText()).backgroundMusic.playlist)
      .toEqual(['track-b', 'track-b']);
  });

  it('edits the common job in the form and writes the same JSON', async () => {
    await page.check('input[name=mode] >> nth=1');
    await expect
      .poll(() => page.locator('.new-job [role=status]').first().textContent())
      .toBe('This spec stays in JSON: the form has no place for jobInfo.projectId.');
    await page.check('input[name=mode] >> nth=0');
    await page.selectOption('#sample', 'music-only');
    await page.check('input[name=mode] >> nth=1');
    const video = page.getByLabel('Source', { exact: true }).first();
    expect(await video.inputValue()).toMatch(/^s3:\/\/.*\/clip\.mp4$/);
    await page.click('button:has-text("Add a narration line")');
    await page.getByLabel('Text', { exact: true }).fill('Written in the form.');
    await page.getByLabel('Start (s)').first().fill('2.5');
    await page.check('input[name=mode] >> nth=0');
    const spec = JSON.parse(await editorText());
    expect(spec.timeline).toEqual([
      {
        start: 2.5,
        type: 'tts',
        data: {
          text: 'Written in the form.',
          providerConfig: { voiceId: 'Joanna', engine: 'neural' },
          duckingLevel: 0.3,
        },
      },
    ]);
    expect(spec.assets.video.source).toMatch(/\/clip\.mp4$/);
    await page.waitForSelector('[data-testid=clip][data-lane=narration][data-start="2.5"]');
  });

  it('signs out: the key leaves the browser', async () => {
    await page.click('button:has-text("Sign out")');
    await page.waitForSelector('#api-key');
    expect(await page.evaluate('localStorage.getItem("auto-vid.console.session")')).toBeNull();
  });
});
