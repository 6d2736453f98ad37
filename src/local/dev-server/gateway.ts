import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { buildProxyEvent } from './proxy-event.ts';
import type { createUsagePlan } from './usage-plan.ts';

/** One route of the REST API, as template.yaml's Api events declare it. */
export interface GatewayRoute {
  readonly method: string;
  /** The resource path, e.g. `/status/{jobId}`. */
  readonly resource: string;
  readonly handler: (event: unknown) => Promise<APIGatewayProxyResult>;
  /** False for a route open without a key (`Auth.ApiKeyRequired: false`, e.g. GET /health). */
  readonly apiKeyRequired?: boolean;
}

/** An API key of the usage plan: its value (the `X-API-Key` header) and its id (the jobs' owner). */
export interface ApiKey {
  readonly value: string;
  readonly id: string;
}

export interface GatewayOptions {
  readonly host?: string;
  readonly port: number;
  readonly routes: readonly GatewayRoute[];
  readonly apiKeys: readonly ApiKey[];
  /** Each key's own bucket and quota, as API Gateway counts a usage plan per key. */
  readonly usagePlan: (keyId: string) => ReturnType<typeof createUsagePlan>;
  /** API Gateway's payload limit. */
  readonly maxBodyBytes?: number;
  readonly log?: (fields: Record<string, unknown>) => void;
  /**
   * Static files beside the API (the console), which API Gateway does not serve: called for a GET
   * or HEAD whose path no route has, whatever its method (so it never hides an API answer), before
   * the gateway's 403 Missing Authentication Token. It writes the whole answer and returns its
   * status, or returns undefined without writing when it has no file there (then the 403).
   */
  readonly site?: (
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
  ) => Promise<number | undefined>;
}

export interface Gateway {
  readonly url: string;
  close(): Promise<void>;
}

export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * What API Gateway answers a CORS preflight with (template.yaml's JobsApi `Cors`, a mock
 * integration): any origin, the API's methods and request headers, reused for 10 minutes.
 */
export const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET,POST,DELETE,OPTIONS',
  'Access-Control-Allow-Headers': 'Content-Type,X-API-Key,Idempotency-Key',
  'Access-Control-Max-Age': '600',
} as const;

/** What the template's GatewayResponses add to every 4XX and 5XX answer of the gateway itself. */
const GATEWAY_ANSWER_HEADERS = { 'Access-Control-Allow-Origin': '*' } as const;

interface CompiledRoute extends GatewayRoute {
  readonly pattern: RegExp;
}

/** What the gateway serves with, its defaults filled in. */
interface GatewaySettings extends GatewayOptions {
  readonly host: string;
  readonly maxBodyBytes: number;
  readonly compiledRoutes: readonly CompiledRoute[];
}

/**
 * API Gateway (REST, stage Prod) on one machine, as `sam local start-api` serves it (no stage
 * prefix): the template's routes, `X-API-Key` on every route that requires one (403 Forbidden),
 * each key's usage plan (429 Too Many Requests / Limit Exceeded), the 10 MB payload limit, and a proxy event per request
 * for the real handler. CORS as the template sets it up: the preflight answered without a key,
 * Access-Control-Allow-Origin on the gateway's own answers.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const settings: GatewaySettings = {
    ...options,
    host: options.host ?? '127.0.0.1',
    maxBodyBytes: options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES,
    compiledRoutes: options.routes.map(compile),
  };
  const server: Server = createServer((request, response) => serveRequest(settings, request, response));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, settings.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${settings.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/** A route with its resource as a pattern: `{name}` stands for one path segment. */
function compile(route: GatewayRoute): CompiledRoute {
  const source = route.resource
    .split('/')
    .map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&')))
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`) };
}

/**
 * One request answered, then logged with its status and duration. Nothing a client sends may end
 * the process: whatever fails while a request is served is answered here (see answerFailure).
 */
async function serveRequest(
  settings: GatewaySettings,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const started = Date.now();
  const method = request.method ?? 'GET';
  const pathname = pathOf(request.url);
  let statusCode: number;
  try {
    statusCode =
      pathname === undefined
        ? gatewayAnswer(response, 400, 'Bad Request')
        : await respond(settings, request, response, method, pathname);
  } catch (error) {
    statusCode = answerFailure(error, request, response);
    settings.log?.({ message: 'Request could not be served', method, error: (error as Error).message });
  }
  settings.log?.({ message: 'Request', method, path: pathname, statusCode, ms: Date.now() - started });
}

/** The path of a request target (without its query), or undefined when it is not a URL. */
function pathOf(target: string | undefined): string | undefined {
  try {
    return new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}

/**
 * A request whose client hung up mid-body is dropped (status 0 in the log); a path whose
 * percent-escapes decode to nothing (URIError from decoding its parameters) is the client's 400;
 * anything else is the gateway's own 500, as API Gateway answers its internal faults.
 */
function answerFailure(error: unknown, request: IncomingMessage, response: ServerResponse): number {
  // Not `request.destroyed`: a request read to its end is destroyed too, and its client still waits.
  if (request.readableAborted || request.socket.destroyed || response.headersSent) {
    response.destroy();
    return 0;
  }
  if (error instanceof URIError) return gatewayAnswer(response, 400, 'Bad Request', true);
  return gatewayAnswer(response, 500, 'Internal server error', true);
}

/** API Gateway's order: route, key, usage plan, payload, then the integration. Returns the status sent. */
async function respond(
  settings: GatewaySettings,
  request: IncomingMessage,
  response: ServerResponse,
  method: string,
  pathname: string,
): Promise<number> {
  const route = settings.compiledRoutes.find((r) => r.method === method && r.pattern.test(pathname));
  if (!route) return answerUnrouted(settings, request, response, method, pathname);
  let key: ApiKey | undefined;
  if (route.apiKeyRequired !== false) {
    key = settings.apiKeys.find((k) => k.value === request.headers['x-api-key']);
    if (!key) return gatewayAnswer(response, 403, 'Forbidden');
    const verdict = settings.usagePlan(key.id).admit();
    if (verdict !== 'allowed')
      return gatewayAnswer(response, 429, verdict === 'throttled' ? 'Too Many Requests' : 'Limit Exceeded');
  }
  const body = await readBody(request, settings.maxBodyBytes);
  if (body === undefined) {
    // The rest of the body is not read: the connection cannot be used again.
    gatewayAnswer(response, 413, 'Request Too Long', true);
    request.resume();
    return 413;
  }
  return callIntegration(settings, route, request, body, response, key);
}

/**
 * A request no route takes: the preflight of a route's path (its mock integration, 200 with `{}`,
 * no key), a static file of the site, else what API Gateway answers unknown routes and missing keys
 * alike, 403.
 */
async function answerUnrouted(
  settings: GatewaySettings,
  request: IncomingMessage,
  response: ServerResponse,
  method: string,
  pathname: string,
): Promise<number> {
  const routedPath = settings.compiledRoutes.some((r) => r.pattern.test(pathname));
  if (routedPath && method === 'OPTIONS') {
    response.writeHead(200, { 'Content-Type': 'application/json', ...PREFLIGHT_HEADERS }).end('{}');
    return 200;
  }
  if (!routedPath && settings.site && (method === 'GET' || method === 'HEAD')) {
    const sent = await settings.site(request, response, pathname);
    if (sent !== undefined) return sent;
  }
  return gatewayAnswer(response, 403, 'Missing Authentication Token');
}

/** The request body, or undefined once it passes `limit` bytes. */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Calls the route's function with a proxy event and writes its answer; returns the status sent. */
async function callIntegration(
  settings: GatewaySettings,
  route: CompiledRoute,
  request: IncomingMessage,
  body: string,
  response: ServerResponse,
  key: ApiKey | undefined,
): Promise<number> {
  const event = buildProxyEvent(
    {
      method: request.method ?? 'GET',
      url: request.url ?? '/',
      rawHeaders: request.rawHeaders,
      httpVersion: request.httpVersion,
      body,
    },
    { resource: route.resource, apiKey: key, host: settings.host },
  );
  try {
    const result = await route.handler(event);
    response.writeHead(result.statusCode, {
      'Content-Type': 'application/json',
      ...(result.headers as Record<string, string>),
    });
    response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
    return result.statusCode;
  } catch (error) {
    // What API Gateway answers when the integration itself fails.
    settings.log?.({ message: 'Handler threw', error: (error as Error).message });
    return gatewayAnswer(response, 502, 'Internal server error');
  }
}

/** An answer of the gateway itself, `{"message": …}`, readable from any origin; returns its status. */
function gatewayAnswer(response: ServerResponse, status: number, message: string, close = false): number {
  // Connection: close only after a body left unread; the header is absent otherwise.
  response
    .writeHead(status, {
      'Content-Type': 'application/json',
      ...GATEWAY_ANSWER_HEADERS,
      ...(close ? { Connection: 'close' } : {}),
    })
    .end(JSON.stringify({ message }));
  return status;
}
