import type { APIGatewayProxyResult } from 'aws-lambda';
import { errorResponse } from './responses.ts';

export type ParsedBody =
  | { readonly ok: true; readonly json: unknown }
  | { readonly ok: false; readonly response: APIGatewayProxyResult };

/**
 * A route's JSON body, or its error answer: the old contract's 400s for no body and for text that
 * is not JSON, and a 413 past the route's size limit. Every route that takes a body reads it here,
 * so the answers agree.
 */
export function parseJsonBody(
  body: string | undefined,
  now: Date,
  options: { readonly maxBytes?: number } = {},
): ParsedBody {
  if (body === undefined || body.trim() === '') {
    return { ok: false, response: errorResponse(400, 'Missing request body', now) };
  }
  const size = Buffer.byteLength(body, 'utf8');
  if (options.maxBytes !== undefined && size > options.maxBytes) {
    const text = `Request body too large: ${size} bytes (the limit is ${options.maxBytes} bytes)`;
    return { ok: false, response: errorResponse(413, text, now) };
  }
  try {
    return { ok: true, json: JSON.parse(body) };
  } catch {
    return { ok: false, response: errorResponse(400, 'Invalid JSON in request body', now) };
  }
}
