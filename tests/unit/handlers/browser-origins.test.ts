import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { type ApiLambda, apiHandler } from '../../../src/handlers/api-event.ts';
import { answerBrowserOrigins, originHeaders } from '../../../src/handlers/browser-origins.ts';
import { createPlaybackHandler } from '../../../src/handlers/playback.ts';
import { createServiceInfoHandler } from '../../../src/handlers/service-info.ts';
import { buildProxyEvent } from '../../../src/local/dev-server/proxy-event.ts';
import { resolveTemplate } from '../../../src/template/resolve-template.ts';
import { functionCode, functionEvents, loadTemplate } from '../../../src/template/template.ts';

const CONSOLE = 'https://console.example';
const LOCAL_CONSOLE = 'http://localhost:5173';
const LISTED = [CONSOLE, LOCAL_CONSOLE];
const silent = () => new Logger({ logLevel: 'SILENT' });
const now = () => new Date('2026-11-21T10:00:00Z');

/** A request as API Gateway hands it over, from a page of `origin` (none: not from a browser). */
function requestEvent(method: string, url: string, resource: string, origin?: string) {
  return buildProxyEvent(
    {
      method,
      url,
      rawHeaders: ['Host', 'api.example', ...(origin ? ['Origin', origin] : [])],
      httpVersion: '1.1',
      body: '',
    },
    { resource, host: 'api.example', apiKey: { value: 'k', id: 'k1' } },
  );
}

const serviceInfo = (allowed: readonly string[], reachable = true) =>
  answerBrowserOrigins(
    allowed,
    createServiceInfoHandler(
      {
        jobs: {
          get: async () => {
            if (!reachable) throw new Error('connect ECONNREFUSED');
            return undefined;
          },
        },
        clock: now,
      },
      silent(),
    ),
  );
const health = (origin?: string) => requestEvent('GET', '/health', '/health', origin);

describe('originHeaders', () => {
  it('names a listed origin, and that the answer varies with it', () => {
    expect(originHeaders(LISTED, LOCAL_CONSOLE)).toEqual({
      'Access-Control-Allow-Origin': LOCAL_CONSOLE,
      Vary: 'Origin',
    });
  });

  it('names nothing for an origin that differs in scheme, host or port, or for no origin', () => {
    for (const origin of [
      'http://console.example',
      'https://evil.example',
      'http://localhost:5174',
      undefined,
    ])
      expect(originHeaders(LISTED, origin), String(origin)).toEqual({});
  });

  it('allows any origin with *, the same answer for every page', () => {
    expect(originHeaders(['*'], 'https://anyone.example')).toEqual({ 'Access-Control-Allow-Origin': '*' });
    expect(originHeaders(['*'], undefined)).toEqual({ 'Access-Control-Allow-Origin': '*' });
  });
});

describe('answerBrowserOrigins', () => {
  it("echoes a listed page's origin on a function's answer", async () => {
    // Act
    const response = await serviceInfo(LISTED)(health(CONSOLE));
    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({
      'Content-Type': 'application/json',
      'Access-Control-Allow-Origin': CONSOLE,
      Vary: 'Origin',
    });
  });

  it('gives a page of another origin, or a request without one, no CORS header', async () => {
    // Act
    const unlisted = await serviceInfo(LISTED)(health('https://evil.example'));
    const direct = await serviceInfo(LISTED)(health());
    // Assess
    expect(unlisted.statusCode).toBe(200);
    expect(unlisted.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(direct.headers).toEqual({ 'Content-Type': 'application/json' });
  });

  it('answers * to every request when any origin is allowed', async () => {
    // Act
    const fromPage = await serviceInfo(['*'])(health(CONSOLE));
    const direct = await serviceInfo(['*'])(health());
    // Assess
    expect(fromPage.headers?.['Access-Control-Allow-Origin']).toBe('*');
    expect(fromPage.headers?.Vary).toBeUndefined();
    expect(direct.headers?.['Access-Control-Allow-Origin']).toBe('*');
  });

  it('leaves the answers as they are when no origin is configured', async () => {
    // Act
    const response = await serviceInfo([])(health(CONSOLE));
    // Assess
    expect(response.headers).toEqual({ 'Content-Type': 'application/json' });
  });

  it('lets the page read error answers: 503 of a health check, 404 of an unknown route', async () => {
    // Act
    const unavailable = await serviceInfo(LISTED, false)(health(CONSOLE));
    const noRoute = await serviceInfo(LISTED)(requestEvent('GET', '/nothing', '/nothing', CONSOLE));
    // Assess
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers?.['Access-Control-Allow-Origin']).toBe(CONSOLE);
    expect(noRoute.statusCode).toBe(404);
    expect(JSON.parse(noRoute.body).error).toBe('No route GET /nothing');
    expect(noRoute.headers).toMatchObject({ 'Access-Control-Allow-Origin': CONSOLE, Vary: 'Origin' });
  });

  it('lets the page read the 500 of a use-case that threw', async () => {
    // Prepare
    const failing = answerBrowserOrigins(
      LISTED,
      apiHandler(silent(), async () => {
        throw new Error('bug');
      }),
    );
    // Act
    const response = await failing(health(CONSOLE));
    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body).error).toBe('Internal server error');
    expect(response.headers).toMatchObject({ 'Access-Control-Allow-Origin': CONSOLE, Vary: 'Origin' });
  });

  it('keeps the HLS playlists readable from any origin, refusals included', async () => {
    // Prepare
    const playback = answerBrowserOrigins(
      LISTED,
      createPlaybackHandler(
        {
          jobs: { get: async () => undefined },
          outputs: {
            presignGet: async () => ({ url: 'unused', expiresAt: now() }),
            readText: async () => '',
          },
          presignSeconds: 60,
          clock: now,
        },
        silent(),
      ),
    );
    // Act
    const response = await playback(
      requestEvent(
        'GET',
        '/jobs/j/hls/master.m3u8',
        '/jobs/{jobId}/hls/{playlist}',
        'https://player.example',
      ),
    );
    // Assess: a player on an unlisted page still reads the 403.
    expect(response.statusCode).toBe(403);
    expect(response.headers?.['Access-Control-Allow-Origin']).toBe('*');
  });
});

describe('every API function of the template', () => {
  const template = loadTemplate();
  const deployed = resolveTemplate(template, {
    stackName: 'test',
    accountId: '000000000000',
    region: 'us-east-1',
    queueUrl: (queue) => `http://127.0.0.1:1/${queue}`,
    parameters: { CorsAllowedOrigin: LISTED.join(',') },
  });
  const apiFunctions = Object.entries(functionEvents(template))
    .filter(([, events]) => events.some((event) => event.Type === 'Api'))
    .map(([id]) => id);

  it.each(apiFunctions)('%s, wired from its template environment, names a listed origin', async (id) => {
    // Prepare
    const entry = new URL(`../../../${functionCode(template, id).entryPoint}`, import.meta.url).href;
    const module = (await import(/* @vite-ignore */ entry)) as {
      wire: (env: NodeJS.ProcessEnv) => ApiLambda;
    };
    const lambda = module.wire({ ...deployed.functionEnvironment(id), LOG_LEVEL: 'SILENT' });
    // Act: an event no proxy event schema takes, answered by the shared 500 before any AWS call.
    const response = await lambda({ headers: { origin: LOCAL_CONSOLE } });
    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.headers).toMatchObject({ 'Access-Control-Allow-Origin': LOCAL_CONSOLE, Vary: 'Origin' });
  });
});
