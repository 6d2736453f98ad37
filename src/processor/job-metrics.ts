import type { Log } from './log.ts';

/**
 * Why an attempt ended without an output, one word per kind of fault the processor tells apart
 * (see `classifyFailure`); `dead-letter` is a job failed by the dead-letter queue's consumer.
 */
export type FailureCause =
  | 'validation'
  | 'asset'
  | 'media'
  | 'speech'
  | 'render'
  | 'upload'
  | 'deadline'
  | 'stopped'
  | 'internal'
  | 'dead-letter';

/** How the ffmpeg run of a completed job went. */
export interface RenderMeasures {
  /** `copy`: the source's video stream copied untouched; `encode`: re-encoded with x264. */
  readonly videoPath: 'copy' | 'encode';
  /** Wall time of the ffmpeg run alone (no downloads, speech or upload). */
  readonly renderSeconds: number;
  /** Duration of the MP4 made. */
  readonly videoSeconds: number;
}

/**
 * The processor's metrics port: one call per event an operator counts. Implementations write
 * them somewhere (CloudWatch through the log stream on AWS, nowhere on one machine); the job
 * use-cases call them through `guardMetrics`, so a metric never decides a job's outcome.
 */
export interface JobMetrics {
  /** An attempt completed its job. */
  completed(render: RenderMeasures): void;
  /** An attempt ended its job `failed`. */
  failed(cause: FailureCause): void;
  /** An attempt ended its job `retrying`: the message comes back. */
  retried(cause: FailureCause): void;
  /** Characters a speech service was paid to synthesise, by its engine (a cache hit costs none). */
  speech(engine: string, characters: number): void;
}

/** Nothing recorded: the CLI, the local stack, and callers that do not count. */
export const NO_JOB_METRICS: JobMetrics = {
  completed() {},
  failed() {},
  retried() {},
  speech() {},
};

/** The same metrics, except that a fault in recording one is logged and never reaches the job. */
export function guardMetrics(metrics: JobMetrics, log: Log): JobMetrics {
  const guard =
    <A extends unknown[]>(name: keyof JobMetrics, record: (...args: A) => void) =>
    (...args: A): void => {
      try {
        record(...args);
      } catch (error) {
        log('warn', 'A metric could not be recorded; the job goes on', {
          metric: name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    };
  return {
    completed: guard('completed', (render: RenderMeasures) => metrics.completed(render)),
    failed: guard('failed', (cause: FailureCause) => metrics.failed(cause)),
    retried: guard('retried', (cause: FailureCause) => metrics.retried(cause)),
    speech: guard('speech', (engine: string, characters: number) => metrics.speech(engine, characters)),
  };
}
