import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { createUsagePlan } from './usage-plan.ts';

/** One route of the REST API, as template.yaml's Api events declare it. */
export interface GatewayRoute {
  readonly method: string;
  /** The resource path, e.g. `/status/{jobId}`. */
  readonly resource: string;
  readonly handler: (event: unknown) => Promise<APIGatewayProxyResult>;
}

export interface GatewayOptions {
  readonly host?: string;
  readonly port: number;
  readonly routes: readonly GatewayRoute[];
  readonly apiKey: string;
  readonly usagePlan: ReturnType<typeof createUsagePlan>;
  /** API Gateway's payload limit. */
  readonly maxBodyBytes?: number;
  readonly log?: (fields: Record<string, unknown>) => void;
}

export interface Gateway {
  readonly url: string;
  close(): Promise<void>;
}

export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

interface CompiledRoute extends GatewayRoute {
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
}

function compile(route: GatewayRoute): CompiledRoute {
  const parameterNames: string[] = [];
  const source = route.resource
    .split('/')
    .map((segment) => {
      const parameter = /^\{(.+)\}$/.exec(segment)?.[1];
      if (parameter === undefined) return segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
      parameterNames.push(parameter);
      return '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), parameterNames };
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function gatewayAnswer(response: ServerResponse, status: number, message: string, close = false): void {
  response
    .writeHead(status, { 'Content-Type': 'application/json', ...(close ? { Connection: 'close' } : {}) })
    .end(JSON.stringify({ message }));
}

/**
 * API Gateway (REST, stage Prod) on one machine, as `sam local start-api` serves it (no stage
 * prefix): the template's routes, `X-API-Key` on every route (403 Forbidden), the usage plan
 * (429 Too Many Requests / Limit Exceeded), the 10 MB payload limit, and a proxy event per request
 * for the real handler.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const routes = options.routes.map(compile);
  const limit = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;

  const server: Server = createServer(async (request, response) => {
    const started = Date.now();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const finish = (status: number) =>
      options.log?.({
        message: 'Request',
        method,
        path: url.pathname,
        statusCode: status,
        ms: Date.now() - started,
      });

    const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    // API Gateway answers unknown routes like missing keys: 403, before anything else.
    if (!route) {
      gatewayAnswer(response, 403, 'Missing Authentication Token');
      return finish(403);
    }
    const key = request.headers['x-api-key'];
    if (key !== options.apiKey) {
      gatewayAnswer(response, 403, 'Forbidden');
      return finish(403);
    }
    const verdict = options.usagePlan.admit();
    if (verdict !== 'allowed') {
      gatewayAnswer(response, 429, verdict === 'throttled' ? 'Too Many Requests' : 'Limit Exceeded');
      return finish(429);
    }
    let body: string;
    try {
      body = await readBody(request, limit);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      // The rest of the body is not read: the connection cannot be used again.
      gatewayAnswer(response, 413, 'Request Too Long', true);
      request.resume();
      return finish(413);
    }

    const match = route.pattern.exec(url.pathname) as RegExpExecArray;
    const pathParameters = Object.fromEntries(
      route.parameterNames.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]),
    );
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < request.rawHeaders.length; i += 2) {
      const name = request.rawHeaders[i] as string;
      const value = request.rawHeaders[i + 1] as string;
      headers[name] = value;
      multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
    }
    const query = [...url.searchParams.keys()];
    const now = new Date();
    const event = {
      resource: route.resource,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters: query.length ? Object.fromEntries(url.searchParams) : null,
      multiValueQueryStringParameters: query.length
        ? Object.fromEntries(query.map((k) => [k, url.searchParams.getAll(k)]))
        : null,
      pathParameters: route.parameterNames.length ? pathParameters : null,
      stageVariables: null,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        resourceId: 'local',
        resourcePath: route.resource,
        httpMethod: method,
        path: `/Prod${url.pathname}`,
        protocol: `HTTP/${request.httpVersion}`,
        stage: 'Prod',
        requestId: randomUUID(),
        requestTime: now.toUTCString(),
        requestTimeEpoch: now.getTime(),
        identity: {
          sourceIp: '127.0.0.1',
          userAgent: request.headers['user-agent'] ?? null,
          apiKey: options.apiKey,
          apiKeyId: 'local',
        },
        domainName: request.headers.host ?? host,
      },
      body: body.length > 0 ? body : null,
      isBase64Encoded: false,
    };
    try {
      const result = await route.handler(event);
      response.writeHead(result.statusCode, {
        'Content-Type': 'application/json',
        ...(result.headers as Record<string, string>),
      });
      response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
      finish(result.statusCode);
    } catch (error) {
      // What API Gateway answers when the integration itself fails.
      options.log?.({ message: 'Handler threw', error: (error as Error).message });
      gatewayAnswer(response, 502, 'Internal server error');
      finish(502);
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
