import {
  AssetFetchError,
  MediaLimitError,
  MediaProbeError,
  RenderError,
  RenderInterruptedError,
  SpeechSynthesisError,
} from './errors.ts';
import type { FailureCause } from './job-metrics.ts';

/**
 * The step of an attempt a fault came from: making the MP4, storing and presigning it, or
 * recording the completion. Storing throws the plain Transient/PermanentError, so the step names it.
 */
export type AttemptStep = 'render' | 'upload' | 'record';

/** The metric's word for a fault: its class first, the step where the class says nothing more. */
export function classifyFailure(error: unknown, step: AttemptStep): FailureCause {
  if (error instanceof RenderInterruptedError) return error.stoppedBy === 'abort' ? 'stopped' : 'deadline';
  if (step === 'upload') return 'upload';
  if (error instanceof AssetFetchError) return 'asset';
  if (error instanceof SpeechSynthesisError) return 'speech';
  if (error instanceof MediaProbeError || error instanceof MediaLimitError) return 'media';
  if (error instanceof RenderError) return 'render';
  return 'internal';
}
