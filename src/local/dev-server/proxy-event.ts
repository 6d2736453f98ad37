import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../clock.ts';

/** What the gateway read of one HTTP request. */
export interface GatewayRequest {
  readonly method: string;
  /** The request target as received: path and query string (`/status/abc?verbose=1`). */
  readonly url: string;
  /** Header names and values in the order received, names as written (Node's `rawHeaders`). */
  readonly rawHeaders: readonly string[];
  /** `1.1`, as Node reports it. */
  readonly httpVersion: string;
  readonly body: string;
}

export interface ProxyEventOptions {
  /** The matched route's resource, e.g. `/status/{jobId}`. */
  readonly resource: string;
  /** The key the request was admitted with; none on a route open without one. */
  readonly apiKey: { readonly value: string; readonly id: string } | undefined;
  /** The domain name when the request has no Host header. */
  readonly host: string;
  readonly clock?: Clock;
  readonly requestId?: string;
}

/**
 * The event API Gateway's REST proxy integration (stage Prod) hands a function for one request:
 * headers single- and multi-valued, query string likewise (null when there is none), path
 * parameters decoded from the URL, and the API key and its id in the request context's identity.
 */
export function buildProxyEvent(request: GatewayRequest, options: ProxyEventOptions) {
  const url = new URL(request.url, 'http://localhost');
  const now = (options.clock ?? systemClock)();
  return {
    resource: options.resource,
    path: url.pathname,
    httpMethod: request.method,
    ...headersOf(withForwardedProto(request.rawHeaders)),
    ...queryOf(url.searchParams),
    pathParameters: pathParametersOf(options.resource, url.pathname),
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      resourceId: 'local',
      resourcePath: options.resource,
      httpMethod: request.method,
      // The path the client called: API Gateway's carries the stage, which the local API has not.
      path: url.pathname,
      protocol: `HTTP/${request.httpVersion}`,
      stage: 'Prod',
      requestId: options.requestId ?? randomUUID(),
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      identity: {
        sourceIp: '127.0.0.1',
        userAgent: firstHeader(request.rawHeaders, 'user-agent') ?? null,
        apiKey: options.apiKey?.value ?? null,
        apiKeyId: options.apiKey?.id ?? null,
      },
      domainName: firstHeader(request.rawHeaders, 'host') ?? options.host,
    },
    body: request.body.length > 0 ? request.body : null,
    isBase64Encoded: false,
  };
}

/** API Gateway sets X-Forwarded-Proto on every request, over any the client sent; locally it is http. */
function withForwardedProto(rawHeaders: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() !== 'x-forwarded-proto')
      kept.push(rawHeaders[i] as string, rawHeaders[i + 1] as string);
  }
  return [...kept, 'X-Forwarded-Proto', 'http'];
}

/** Headers by name as written: the last value in `headers`, every value in `multiValueHeaders`. */
function headersOf(rawHeaders: readonly string[]) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const value = rawHeaders[i + 1] as string;
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  return { headers, multiValueHeaders };
}

/** A header's first value whatever the case it was written in (as Node keeps Host and User-Agent). */
function firstHeader(rawHeaders: readonly string[], name: string): string | undefined {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) return rawHeaders[i + 1];
  }
  return undefined;
}

function queryOf(searchParams: URLSearchParams) {
  const keys = [...new Set(searchParams.keys())];
  if (keys.length === 0) return { queryStringParameters: null, multiValueQueryStringParameters: null };
  return {
    queryStringParameters: Object.fromEntries(searchParams),
    multiValueQueryStringParameters: Object.fromEntries(keys.map((key) => [key, searchParams.getAll(key)])),
  };
}

/** The values of the resource's `{name}` segments in the path, decoded; null when it has none. */
function pathParametersOf(resource: string, path: string): Record<string, string> | null {
  const pathSegments = path.split('/');
  const parameters = resource.split('/').flatMap((segment, i) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    return name === undefined ? [] : [[name, decodeURIComponent(pathSegments[i] ?? '')] as const];
  });
  return parameters.length > 0 ? Object.fromEntries(parameters) : null;
}
