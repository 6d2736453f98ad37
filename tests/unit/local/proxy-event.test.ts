import { parse } from '@aws-lambda-powertools/parser';
import { APIGatewayProxyEventSchema } from '@aws-lambda-powertools/parser/schemas/api-gateway';
import { describe, expect, it } from 'vitest';
import {
  buildProxyEvent,
  type GatewayRequest,
  type ProxyEventOptions,
} from '../../../src/local/dev-server/proxy-event.ts';

const NOW = new Date('2026-01-02T03:04:05.000Z');

/** A request as Node reads it: GET /status/… with a Host header and no body. */
function request(overrides: Partial<GatewayRequest> = {}): GatewayRequest {
  return {
    method: 'GET',
    url: '/status/job-1',
    rawHeaders: ['Host', '127.0.0.1:3000', 'X-API-Key', 'key-1'],
    httpVersion: '1.1',
    body: '',
    ...overrides,
  };
}

function options(overrides: Partial<ProxyEventOptions> = {}): ProxyEventOptions {
  return {
    resource: '/status/{jobId}',
    apiKey: { value: 'key-1', id: 'id-1' },
    host: '127.0.0.1',
    clock: () => NOW,
    requestId: 'request-1',
    ...overrides,
  };
}

describe('buildProxyEvent', () => {
  it('names the matched resource and the path requested', () => {
    // Act
    const event = buildProxyEvent(request({ url: '/status/job-1?verbose=1' }), options());
    // Assess
    expect([event.resource, event.path, event.httpMethod]).toEqual([
      '/status/{jobId}',
      '/status/job-1',
      'GET',
    ]);
  });

  it('decodes path parameters from the URL', () => {
    // Act
    const event = buildProxyEvent(request({ url: '/status/job%201%2Fb' }), options());
    // Assess
    expect(event.pathParameters).toEqual({ jobId: 'job 1/b' });
  });

  it('gives null path parameters to a resource without any', () => {
    // Act
    const event = buildProxyEvent(
      request({ method: 'POST', url: '/submit' }),
      options({ resource: '/submit' }),
    );
    // Assess
    expect(event.pathParameters).toBeNull();
  });

  it('gives null query parameters, single and multi-valued, when there is no query string', () => {
    // Act
    const event = buildProxyEvent(request(), options());
    // Assess
    expect([event.queryStringParameters, event.multiValueQueryStringParameters]).toEqual([null, null]);
  });

  it('keeps the last value of a repeated query key single-valued and every value multi-valued', () => {
    // Act
    const event = buildProxyEvent(request({ url: '/status/job-1?tag=a&tag=b%20c&page=2' }), options());
    // Assess
    expect(event.queryStringParameters).toEqual({ tag: 'b c', page: '2' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['a', 'b c'], page: ['2'] });
  });

  it('keeps every value of a repeated header in multiValueHeaders, names as written', () => {
    // Prepare
    const rawHeaders = ['Host', 'h', 'X-Trace', 'one', 'X-Trace', 'two'];
    // Act
    const event = buildProxyEvent(request({ rawHeaders }), options());
    // Assess
    expect(event.headers).toEqual({ Host: 'h', 'X-Trace': 'two', 'X-Forwarded-Proto': 'http' });
    expect(event.multiValueHeaders).toEqual({
      Host: ['h'],
      'X-Trace': ['one', 'two'],
      'X-Forwarded-Proto': ['http'],
    });
  });

  it("sets X-Forwarded-Proto as API Gateway does, over the client's own", () => {
    // Prepare
    const rawHeaders = ['Host', 'h', 'x-forwarded-proto', 'https'];
    // Act
    const event = buildProxyEvent(request({ rawHeaders }), options());
    // Assess
    expect(event.headers).toEqual({ Host: 'h', 'X-Forwarded-Proto': 'http' });
  });

  it('passes the body as received', () => {
    // Act
    const event = buildProxyEvent(request({ method: 'POST', body: '{"a":1}' }), options());
    // Assess
    expect([event.body, event.isBase64Encoded]).toEqual(['{"a":1}', false]);
  });

  it('gives a null body when the request has none', () => {
    // Act
    const event = buildProxyEvent(request({ body: '' }), options());
    // Assess
    expect(event.body).toBeNull();
  });

  it('sets the request context of stage Prod, its path the one the client called', () => {
    // Act
    const { requestContext } = buildProxyEvent(request(), options());
    // Assess
    expect(requestContext).toMatchObject({
      stage: 'Prod',
      path: '/status/job-1',
      resourcePath: '/status/{jobId}',
      httpMethod: 'GET',
      protocol: 'HTTP/1.1',
      requestId: 'request-1',
      requestTimeEpoch: NOW.getTime(),
      requestTime: 'Fri, 02 Jan 2026 03:04:05 GMT',
    });
  });

  it('carries the API key the request was admitted with in the identity', () => {
    // Act
    const event = buildProxyEvent(request(), options({ apiKey: { value: 'the-key', id: 'k7' } }));
    // Assess
    expect(event.requestContext.identity.apiKey).toBe('the-key');
    expect(event.requestContext.identity.apiKeyId).toBe('k7');
  });

  it('takes the domain name and user agent from the headers, whatever their case', () => {
    // Prepare
    const rawHeaders = ['host', 'example.test:8080', 'user-agent', 'curl/8.0'];
    // Act
    const { requestContext } = buildProxyEvent(request({ rawHeaders }), options());
    // Assess
    expect([requestContext.domainName, requestContext.identity.userAgent]).toEqual([
      'example.test:8080',
      'curl/8.0',
    ]);
  });

  it('falls back to the gateway host and a null user agent when the headers name neither', () => {
    // Act
    const { requestContext } = buildProxyEvent(request({ rawHeaders: [] }), options({ host: '0.0.0.0' }));
    // Assess
    expect([requestContext.domainName, requestContext.identity.userAgent]).toEqual(['0.0.0.0', null]);
  });

  it('is an event the handlers’ Powertools parser accepts, values kept', () => {
    // Prepare
    const event = buildProxyEvent(
      request({ method: 'POST', url: '/status/job-1?x=1', body: '{"a":1}' }),
      options(),
    );
    // Act
    const parsed = parse(event, undefined, APIGatewayProxyEventSchema);
    // Assess
    expect(parsed).toMatchObject({
      pathParameters: { jobId: 'job-1' },
      queryStringParameters: { x: '1' },
      body: '{"a":1}',
      requestContext: { stage: 'Prod', identity: { apiKey: 'key-1' } },
    });
  });
});
