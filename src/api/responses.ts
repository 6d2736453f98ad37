import type { APIGatewayProxyResult } from 'aws-lambda';

const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

/** The old contract's error shape (docs/compatibility.md): `{"error": <text>, "timestamp": <ISO-8601>}` plus additive fields. */
export function errorResponse(
  statusCode: number,
  error: string,
  now: Date,
  extra: Record<string, unknown> = {},
): APIGatewayProxyResult {
  return jsonResponse(statusCode, { error, ...extra, timestamp: now.toISOString() });
}

/** The request body as text, or undefined when there is none. */
export function readBody(event: { body?: string | null; isBase64Encoded?: boolean }): string | undefined {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}
