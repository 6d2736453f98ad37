import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { createServiceInfoHandler } from '../../../src/handlers/service-info.ts';
import { buildProxyEvent } from '../../../src/local/dev-server/proxy-event.ts';
import { openApiDocument } from '../../support/api-contract.ts';

const handler = createServiceInfoHandler(
  { jobs: { get: async () => undefined }, clock: () => new Date('2026-11-21T10:00:00Z') },
  new Logger({ logLevel: 'SILENT' }),
);

/** GET /openapi.json as API Gateway hands it over: the stage or base path in the context's path. */
function openApiEvent(domainName: string, calledPath: string) {
  const event = buildProxyEvent(
    {
      method: 'GET',
      url: '/openapi.json',
      rawHeaders: ['Host', domainName],
      httpVersion: '1.1',
      body: '',
    },
    { resource: '/openapi.json', host: domainName, apiKey: { value: 'k', id: 'k1' } },
  );
  // On a custom domain API Gateway puts the base path in `path` as well as in the context's path.
  return {
    ...event,
    path: calledPath.startsWith('/Prod/') ? '/openapi.json' : calledPath,
    headers: { ...event.headers, 'X-Forwarded-Proto': 'https' },
    requestContext: { ...event.requestContext, path: calledPath },
  };
}

describe('GET /openapi.json', () => {
  it('names the execute-api stage URL it was called at as the server', async () => {
    // Act
    const response = await handler(
      openApiEvent('abc123.execute-api.eu-west-1.amazonaws.com', '/Prod/openapi.json'),
    );
    // Assess
    expect(response.statusCode).toBe(200);
    const served = JSON.parse(response.body);
    expect(served.servers).toEqual([{ url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/Prod' }]);
    expect({ ...served, servers: openApiDocument.servers }).toEqual(openApiDocument);
  });

  it("keeps a custom domain's base path", async () => {
    // Act
    const response = await handler(openApiEvent('video.example.com', '/v1/openapi.json'));
    // Assess
    expect(JSON.parse(response.body).servers).toEqual([{ url: 'https://video.example.com/v1' }]);
  });
});
