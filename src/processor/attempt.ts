import { RenderInterruptedError } from './errors.ts';

/** What bounds one attempt at a job: the host stopping it, and the time it has left. */
export interface AttemptLimits {
  readonly signal?: AbortSignal;
  /** Epoch ms. */
  readonly deadlineAt?: number;
}

/** The retryable error of a step cut short by the host (`abort`) or by the deadline. */
export function interruptedError(
  step: 'Render' | 'Upload',
  by: 'abort' | 'deadline',
): RenderInterruptedError {
  return new RenderInterruptedError(
    by === 'deadline'
      ? `${step} stopped: the time left for this attempt ran out`
      : `${step} stopped: aborted`,
    by,
  );
}

/**
 * One signal that fires when the attempt must stop, with `stoppedBy()` saying why, so every step
 * (downloads, speech, ffmpeg, the upload) stops for the same reasons and says so the same way.
 */
export function watchAttempt(limits: AttemptLimits, ...more: AbortSignal[]) {
  const deadline =
    limits.deadlineAt === undefined
      ? undefined
      : AbortSignal.timeout(Math.max(0, limits.deadlineAt - Date.now()));
  const signals = [...more, ...(limits.signal ? [limits.signal] : []), ...(deadline ? [deadline] : [])];
  return {
    signal: signals.length === 0 ? undefined : AbortSignal.any(signals),
    stoppedBy(): 'abort' | 'deadline' | undefined {
      if (deadline?.aborted) return 'deadline';
      return limits.signal?.aborted ? 'abort' : undefined;
    },
  };
}
