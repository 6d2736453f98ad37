import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ErrorBody } from './api-schemas.ts';

const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

/** What an error body may carry besides its text and time (api-schemas.ts's errorBodySchema). */
type ErrorExtras = Omit<ErrorBody, 'error' | 'timestamp' | 'details'> & {
  readonly details?: readonly NonNullable<ErrorBody['details']>[number][];
};

/** The old contract's error shape (docs/compatibility.md): `{"error": <text>, "timestamp": <ISO-8601>}` plus additive fields. */
export function errorResponse(
  statusCode: number,
  error: string,
  now: Date,
  extra: ErrorExtras = {},
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error, ...extra, timestamp: now.toISOString() });
}

/** The request body as text, or undefined when there is none. */
export function readBody(event: { body?: string | null; isBase64Encoded?: boolean }): string | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
