import { existsSync, readFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Headless Chromium (Debian's, not a downloaded one) driven by playwright-core, and pages for it. */

/**
 * Off the network: Chromium's background services (updates, sync, QUIC probes) call Google's hosts at
 * every start, which a closed CI network refuses. Stable as root in a container: no sandbox, no GPU.
 */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A test page plays media without a click.
  '--autoplay-policy=no-user-gesture-required',
];

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
} as const;

const PLAYER_PATH = '/player.html';

/**
 * The page `playHlsToEnd` drives: hls.js from npm, and one function that plays a master playlist in a
 * muted <video> and settles with what happened. Plain JavaScript in a string: the project's
 * TypeScript has no DOM types, and a function handed to `page.evaluate` would be sent as the
 * transpiled text of whatever the test runner made of it.
 */
const PLAYER_PAGE = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>hls.js player</title><script src="/hls.min.js"></script></head>
<body>
<script>
window.playHlsToEnd = (masterUrl, { timeoutMs, playbackRate }) =>
  new Promise((resolve) => {
    const video = document.createElement('video');
    video.muted = true;
    document.body.append(video);
    const hls = new Hls();
    const errors = [];
    let fragmentsLoaded = 0;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve({
        ended: video.ended,
        currentTime: video.currentTime,
        duration: video.duration,
        levels: hls.levels.map(({ width, height, bitrate }) => ({ width, height, bitrate })),
        audioTracks: hls.audioTracks.length,
        fragmentsLoaded,
        errors,
      });
      hls.destroy();
    };
    const timer = setTimeout(finish, timeoutMs);
    hls.on(Hls.Events.FRAG_LOADED, () => {
      fragmentsLoaded += 1;
    });
    hls.on(Hls.Events.ERROR, (_event, data) => {
      errors.push({
        type: data.type,
        details: data.details,
        fatal: data.fatal,
        url: data.context?.url ?? data.frag?.url ?? null,
        message: data.error?.message ?? null,
      });
      if (data.fatal) finish();
    });
    hls.on(Hls.Events.MANIFEST_PARSED, () => {
      video.playbackRate = playbackRate;
      video.play().catch((error) => {
        errors.push({ type: 'play', details: error.name, fatal: true, url: null, message: error.message });
        finish();
      });
    });
    hls.on(Hls.Events.MEDIA_ATTACHED, () => hls.loadSource(masterUrl));
    video.addEventListener('ended', finish);
    hls.attachMedia(video);
  });
</script>
</body>
</html>
`;

/** A local HTTP server on 127.0.0.1; `url` is its origin, without a trailing slash. */
export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Chromium with one page on the player page's origin, ready for `playHlsToEnd`. */
export interface HlsPlayer {
  readonly browser: Browser;
  readonly page: Page;
  /** The origin the player page is served from. */
  readonly pageOrigin: string;
  /** Closes the browser and the page's server. */
  close(): Promise<void>;
}

/** What a test asserts after `playHlsToEnd`: the <video> as it stopped, and hls.js's view of the package. */
export interface HlsPlayback {
  readonly ended: boolean;
  readonly currentTime: number;
  readonly duration: number;
  readonly levels: { width: number; height: number; bitrate: number }[];
  readonly audioTracks: number;
  readonly fragmentsLoaded: number;
  readonly errors: {
    type: string;
    details: string;
    fatal: boolean;
    url: string | null;
    message: string | null;
  }[];
}

interface PlayerWindow {
  playHlsToEnd(masterUrl: string, options: { timeoutMs: number; playbackRate: number }): Promise<HlsPlayback>;
}

async function listen(handler: RequestListener): Promise<StaticServer> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Headless Chromium from `CHROMIUM_PATH` or /usr/bin/chromium. Playwright starts it on a fresh,
 * temporary user data dir and removes that dir when the browser closes.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: \`npm run setup\` installs it, or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** Serves the player page at /player.html and hls.js's minified build at /hls.min.js. */
export function servePlayerPage(): Promise<StaticServer> {
  const hlsJs = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));
  const files: Record<string, { body: string | Buffer; type: string }> = {
    [PLAYER_PATH]: { body: PLAYER_PAGE, type: CONTENT_TYPES['.html'] },
    '/hls.min.js': { body: hlsJs, type: CONTENT_TYPES['.js'] },
  };
  return listen((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://page').pathname];
    if (file) response.writeHead(200, { 'Content-Type': file.type }).end(file.body);
    else response.writeHead(404).end();
  });
}

/**
 * Chromium, the player page's server, and a page whose relative URLs resolve on that server (so
 * `playHlsToEnd(player.page, …)` finds the player page). Close it in `afterAll`.
 */
export async function openHlsPlayer(): Promise<HlsPlayer> {
  const server = await servePlayerPage();
  const browser = await launchChromium().catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  const context = await browser.newContext({ baseURL: server.url });
  const page = await context.newPage();
  return {
    browser,
    page,
    pageOrigin: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Loads the player page afresh in `page` (one from `openHlsPlayer`), plays `masterUrl` with hls.js in a
 * muted <video> at `playbackRate` (4 by default), and resolves when the video ends, when hls.js
 * reports a fatal error (at once, with the error in `errors`), or after `timeoutMs` with
 * `ended: false`.
 */
export async function playHlsToEnd(
  page: Page,
  masterUrl: string,
  { timeoutMs, playbackRate = 4 }: { timeoutMs: number; playbackRate?: number },
): Promise<HlsPlayback> {
  await page.goto(PLAYER_PATH);
  return page.evaluate(
    ([url, options]) => (globalThis as unknown as PlayerWindow).playHlsToEnd(url, options),
    [masterUrl, { timeoutMs, playbackRate }] as const,
  );
}
