import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { renderClientTypes } from '../../../scripts/client-types.ts';
import { renderOpenApiDocument } from '../../../src/api/openapi.ts';
import { functionEvents, loadTemplate } from '../../../src/template/template.ts';
import { assertDocumentedAnswer, openApiDocument } from '../../support/api-contract.ts';
import { OUTPUT_NOT_YET_MADE } from '../../support/job-views.ts';

const committed = readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8');

/** `METHOD /path` of every Api event in template.yaml, with whether it needs a key. */
function templateRoutes(): Map<string, boolean> {
  const routes = new Map<string, boolean>();
  for (const events of Object.values(functionEvents(loadTemplate()))) {
    for (const event of events) {
      if (event.Type === 'Api')
        routes.set(`${event.method?.toUpperCase()} ${event.path}`, event.apiKeyRequired !== false);
    }
  }
  return routes;
}

/** `METHOD /path` of every operation of the document, with whether it asks for a key. */
function documentedRoutes(): Map<string, boolean> {
  const globalSecurity = openApiDocument.security as unknown[];
  const routes = new Map<string, boolean>();
  for (const [path, item] of Object.entries(openApiDocument.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const security = (operation.security ?? globalSecurity) as unknown[];
      routes.set(`${method.toUpperCase()} ${path}`, security.length > 0);
    }
  }
  return routes;
}

describe('docs/openapi.json', () => {
  it('is the document the zod schemas give (run npm run schema after changing the API)', () => {
    expect(committed).toBe(renderOpenApiDocument());
  });

  it('gives @auto-vid/client its types (client/src/contract.ts, written by npm run schema)', async () => {
    const types = readFileSync(new URL('../../../client/src/contract.ts', import.meta.url), 'utf8');
    expect(types).toBe(await renderClientTypes(JSON.parse(committed)));
    expect(types).toMatch(/^export interface JobView \{$/m);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(committed));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it("documents exactly the template's routes, a key on each but health and the HLS playlists", () => {
    const documented = documentedRoutes();
    expect([...documented.keys()].sort()).toEqual([...templateRoutes().keys()].sort());
    expect(documented).toEqual(templateRoutes());
    const open = [...documented].filter(([, keyed]) => !keyed).map(([route]) => route);
    expect(open.sort()).toEqual(['GET /health', 'GET /jobs/{jobId}/hls/{playlist}']);
  });

  it('documents the gateway refusals and a fault on every keyed route', () => {
    for (const [path, item] of Object.entries(openApiDocument.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (path === '/health' || path === '/jobs/{jobId}/hls/{playlist}') continue;
        expect(Object.keys(operation.responses as object), `${method} ${path}`).toEqual(
          expect.arrayContaining(['403', '429', '500']),
        );
      }
    }
  });

  it('describes the webhook receivers get, with its signature headers', () => {
    const webhook = (openApiDocument.webhooks as Record<string, { post: { parameters: { name: string }[] } }>)
      .jobFinished;
    expect(webhook?.post.parameters.map((p) => p.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
  });
});

describe('the answer check of the e2e tests', () => {
  const view = {
    jobId: '0b6b4bd5-8f6b-4d0e-9a53-0c4f1c1b8a11',
    status: 'submitted',
    submittedAt: '2026-01-02T03:04:05.000Z',
    updatedAt: '2026-01-02T03:04:05.000Z',
    completedAt: null,
    processingTime: null,
    output: OUTPUT_NOT_YET_MADE,
    error: null,
    jobInfo: {},
  };

  it('accepts a documented answer', () => {
    expect(() => assertDocumentedAnswer('GET', `/jobs/${view.jobId}`, 200, view)).not.toThrow();
    expect(() =>
      assertDocumentedAnswer('GET', '/jobs?limit=2', 200, { jobs: [view], nextCursor: null }),
    ).not.toThrow();
  });

  it('refuses an undocumented status, a missing field, an unknown field and an unknown route', () => {
    expect(() => assertDocumentedAnswer('GET', `/jobs/${view.jobId}`, 418, view)).toThrow(
      'GET /jobs/{jobId} answered 418, not among its documented 200, 400, 403, 404, 429, 500',
    );
    const { error: _, ...withoutError } = view;
    expect(() => assertDocumentedAnswer('GET', `/status/${view.jobId}`, 200, withoutError)).toThrow(
      "must have required property 'error'",
    );
    expect(() =>
      assertDocumentedAnswer('POST', `/jobs/${view.jobId}/cancel`, 200, { ...view, owner: 'k' }),
    ).toThrow('must NOT have additional properties');
    expect(() => assertDocumentedAnswer('GET', '/videos', 200, {})).toThrow(
      'GET /videos is not a route of docs/openapi.json',
    );
  });
});
