import type { ErrorBody, Problem } from './contract.js';

/**
 * What kind of failure: the API answered with an error (`answer`), no answer came in time or the
 * connection failed (`no-answer`), or `waitForJob` ran out of time while the job went on (`wait-timeout`).
 */
export type AutoVidErrorKind = 'answer' | 'no-answer' | 'wait-timeout';

/**
 * An answer other than the one asked for: the HTTP status, the API's own text (`error`, or API
 * Gateway's `message` for a missing key or a usage plan), and each field at fault for a 400.
 */
export class AutoVidError extends Error {
  override readonly name = 'AutoVidError';
  readonly kind: AutoVidErrorKind;
  /** The HTTP status; 0 when there was no answer to an HTTP request. */
  readonly status: number;
  /** Each problem of a 400, the field as a JSON path. */
  readonly details: readonly Problem[];
  /** The answer's body as parsed (or, for a wait-timeout, the job view last seen). */
  readonly body: unknown;

  constructor(
    kind: AutoVidErrorKind,
    status: number,
    message: string,
    body: unknown = undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.kind = kind;
    this.status = status;
    this.body = body;
    this.details = (body as Partial<ErrorBody> | undefined)?.details ?? [];
  }

  /**
   * Worth sending the same request again: no answer, the usage plan's rate (not its daily quota,
   * "Limit Exceeded", which lasts until the next day), or a fault of the service.
   */
  get retryable(): boolean {
    if (this.kind === 'no-answer') return true;
    if (this.kind !== 'answer') return false;
    if (this.status === 429) return this.message !== 'Limit Exceeded';
    return this.status >= 500;
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
  return new AutoVidError('answer', status, text, body);
}
