/**
 * The two kinds of failure the processor distinguishes. A TransientError may succeed when retried
 * (throttling, timeouts, 5xx, connection errors, a render cut short by the deadline); a
 * PermanentError will fail the same way again (missing asset, corrupt media, bad spec).
 */
export abstract class ProcessorError extends Error {
  abstract readonly retryable: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class TransientError extends ProcessorError {
  readonly retryable = true;
}

export class PermanentError extends ProcessorError {
  readonly retryable = false;
}

/** An asset could not be fetched. `retryable` says whether another attempt can help. */
export class AssetFetchError extends ProcessorError {
  readonly retryable: boolean;
  readonly assetId: string;
  readonly source: string;

  constructor(assetId: string, source: string, reason: string, retryable: boolean, options?: ErrorOptions) {
    super(`Asset '${assetId}' (${source}) could not be fetched: ${reason}`, options);
    this.assetId = assetId;
    this.source = source;
    this.retryable = retryable;
  }
}

/** A media file ffprobe cannot read, or that lacks the stream it should have. */
export class MediaProbeError extends PermanentError {}

/** A media file beyond what a render may read (frame size, duration, frame rate, streams). */
export class MediaLimitError extends PermanentError {}

/** ffmpeg failed; the message carries the last lines it printed. */
export class RenderError extends PermanentError {}

/** The render was stopped by the deadline or an abort; running it again may succeed. */
export class RenderInterruptedError extends TransientError {
  /** What stopped it, when known: the attempt's deadline or the host stopping (`abort`). */
  readonly stoppedBy: 'abort' | 'deadline' | undefined;

  constructor(message: string, stoppedBy?: 'abort' | 'deadline', options?: ErrorOptions) {
    super(message, options);
    this.stoppedBy = stoppedBy;
  }
}

/** Text-to-speech failed. */
export class SpeechSynthesisError extends ProcessorError {
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean, options?: ErrorOptions) {
    super(message, options);
    this.retryable = retryable;
  }
}

/**
 * Only a fault known to be permanent ends a job at once. Everything else (our transient errors,
 * AWS SDK faults, network errors, bugs) is left to a retry: a redelivery costs one more attempt,
 * a wrong `failed` costs the user the job.
 */
export function isPermanent(error: unknown): boolean {
  return error instanceof ProcessorError && !error.retryable;
}
