import { type ApiLambda, headerValue } from './api-event.ts';

const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';

/**
 * The CORS headers of an answer to a request whose Origin header is `origin`: `*` when any origin
 * is allowed; the request's own origin when it is listed (exactly: scheme, host and port), with
 * `Vary: Origin` as the answer then depends on it; none otherwise, so a browser keeps the answer
 * from the page that asked.
 */
export function originHeaders(
  allowed: readonly string[],
  origin: string | undefined,
): Record<string, string> {
  if (allowed.includes('*')) return { [ALLOW_ORIGIN]: '*' };
  if (origin !== undefined && allowed.includes(origin)) return { [ALLOW_ORIGIN]: origin, Vary: 'Origin' };
  return {};
}

/**
 * An API function whose every answer, the 500 of a failure included, says which browser origins
 * may read it (CORS_ALLOWED_ORIGINS); none listed, the function as it is. An answer that names its
 * own origin (the HLS playlists, readable from any) keeps it.
 */
export function answerBrowserOrigins(allowed: readonly string[], lambda: ApiLambda): ApiLambda {
  if (allowed.length === 0) return lambda;
  return async (event) => {
    const response = await lambda(event);
    const headers = response.headers ?? {};
    const own = Object.keys(headers).some((name) => name.toLowerCase() === ALLOW_ORIGIN.toLowerCase());
    if (own) return response;
    return { ...response, headers: { ...headers, ...originHeaders(allowed, originOf(event)) } };
  };
}

/** The Origin header of whatever event Lambda handed over (the 500 answers one it could not parse). */
function originOf(event: unknown): string | undefined {
  const headers = (event as { headers?: unknown } | null | undefined)?.headers;
  if (headers === null || typeof headers !== 'object') return undefined;
  return headerValue({ headers: headers as Record<string, string> }, 'Origin');
}
