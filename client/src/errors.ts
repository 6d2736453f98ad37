import type { ErrorBody, Problem } from './contract.ts';

/**
 * An answer other than the one asked for: the HTTP status, the API's own text (`error`, or API
 * Gateway's `message` for a missing key or a usage plan), and each field at fault for a 400.
 */
export class AutoVidError extends Error {
  override readonly name = 'AutoVidError';
  /** The HTTP status; 0 when no answer came (the network, a timeout). */
  readonly status: number;
  /** Each problem of a 400, the field as a JSON path. */
  readonly details: readonly Problem[];
  /** The answer's body as parsed, for what the fields above do not carry. */
  readonly body: unknown;

  constructor(status: number, message: string, body: unknown = undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.body = body;
    this.details = (body as Partial<ErrorBody> | undefined)?.details ?? [];
  }

  /** Worth trying again: no answer, the usage plan's rate, or a fault of the service. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** The error an answer stands for, its text taken from the body when it has one. */
export function errorFromAnswer(status: number, body: unknown): AutoVidError {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as {
    error?: unknown;
    message?: unknown;
  };
  const text =
    typeof fields.error === 'string'
      ? fields.error
      : typeof fields.message === 'string'
        ? fields.message
        : `HTTP ${status}`;
  return new AutoVidError(status, text, body);
}
