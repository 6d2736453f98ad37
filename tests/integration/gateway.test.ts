import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, PREFLIGHT_HEADERS, startGateway } from '../../src/local/dev-server/gateway.ts';
import { createUsagePlan } from '../../src/local/dev-server/usage-plan.ts';

const KEY = { value: 'the-key', id: 'key-1' };
const ORIGIN = 'http://console.example';

describe('the local gateway, for a browser on another origin', () => {
  let gateway: Gateway;
  const siteCalls: string[] = [];
  // Two routes that answer plainly, and a site that has one file.
  beforeAll(async () => {
    const answer = async () => ({ statusCode: 200, body: '{"ok":true}' });
    gateway = await startGateway({
      port: 0,
      routes: [
        { method: 'POST', resource: '/submit', handler: answer },
        { method: 'GET', resource: '/jobs/{jobId}', handler: answer },
      ],
      apiKeys: [KEY],
      usagePlan: () => createUsagePlan({ rate: 1_000, burst: 1_000, quota: 100_000 }),
      site: async (request, response, pathname) => {
        siteCalls.push(`${request.method} ${pathname}`);
        if (pathname !== '/console/index.html') return undefined;
        response
          .writeHead(200, { 'Content-Type': 'text/html' })
          .end(request.method === 'HEAD' ? '' : '<p>hi');
        return 200;
      },
    });
  });
  afterAll(() => gateway?.close());

  it("answers the preflight of a route's path as API Gateway's mock does: 200, the CORS headers, no key", async () => {
    // Act
    const preflight = await fetch(`${gateway.url}/jobs/abc`, {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'DELETE',
        'Access-Control-Request-Headers': 'x-api-key',
      },
    });
    // Assess
    expect(preflight.status).toBe(200);
    expect(await preflight.text()).toBe('{}');
    for (const [name, value] of Object.entries(PREFLIGHT_HEADERS))
      expect(preflight.headers.get(name), name).toBe(value);
  });

  it('refuses the preflight of a path no route has, like any unknown route', async () => {
    // Act
    const preflight = await fetch(`${gateway.url}/jobs`, { method: 'OPTIONS', headers: { Origin: ORIGIN } });
    // Assess
    expect(preflight.status).toBe(403);
    expect(await preflight.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it("lets a page read the gateway's own refusals: Access-Control-Allow-Origin *", async () => {
    // Act
    const forbidden = await fetch(`${gateway.url}/jobs/abc`, {
      headers: { Origin: ORIGIN, 'X-API-Key': 'wrong' },
    });
    // Assess
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ message: 'Forbidden' });
    expect(forbidden.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('hands GET and HEAD of a path no route has to the site, before the 403', async () => {
    // Act
    const page = await fetch(`${gateway.url}/console/index.html`);
    const head = await fetch(`${gateway.url}/console/index.html`, { method: 'HEAD' });
    const missing = await fetch(`${gateway.url}/console/nothing.js`);
    // Assess
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<p>hi');
    expect(head.status).toBe(200);
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
  });

  it("never asks the site for a route's path or another method: the API's answers stay the API's", async () => {
    // Prepare
    siteCalls.length = 0;
    // Act
    const wrongMethod = await fetch(`${gateway.url}/submit`);
    const post = await fetch(`${gateway.url}/console/index.html`, { method: 'POST', body: '{}' });
    // Assess
    expect(wrongMethod.status).toBe(403);
    expect(post.status).toBe(403);
    expect(siteCalls).toEqual([]);
  });
});
