import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { guardMetrics, type JobMetrics, NO_JOB_METRICS } from '../processor/job-metrics.ts';
import type { Log } from '../processor/log.ts';
import type { SqsLambda } from './sqs-batch.ts';

/** The CloudWatch namespace of every auto-vid metric, unless POWERTOOLS_METRICS_NAMESPACE names another. */
export const METRICS_NAMESPACE = 'auto-vid';

/** The processor's metrics, and `publish`, which writes what is stored (once per invocation). */
export interface MetricsSink extends JobMetrics {
  publish(): void;
}

/** Nothing recorded, nothing written. */
export const NO_METRICS_SINK: MetricsSink = { ...NO_JOB_METRICS, publish() {} };

export interface MetricsSinkOptions {
  /** The function's `service` dimension: the same name its logger writes. */
  readonly serviceName: string;
  /** One machine (the CLI, `auto-vid dev`, the demo): no metric line among the terminal's output. */
  readonly localMode: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly log: Log;
}

/** The metrics a function records: CloudWatch's embedded metric format on AWS, none on one machine. */
export function createMetricsSink(options: MetricsSinkOptions): MetricsSink {
  if (options.localMode) return NO_METRICS_SINK;
  return createEmfMetricsSink(
    new Metrics({
      namespace: options.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE,
      serviceName: options.serviceName,
    }),
    options.log,
  );
}

/**
 * Powertools Metrics as the processor's sink: each metric is one JSON line of CloudWatch's embedded
 * metric format on stdout, which CloudWatch reads from the function's log stream (no API call, no
 * IAM permission). Every line carries the `service` dimension. Metrics with one more dimension
 * (`Cause`, `VideoPath`, `Engine`) are written at once, each on its own line, since all metrics of
 * one line share its dimensions; the others wait for `publish`. A fault is logged, never thrown.
 */
export function createEmfMetricsSink(metrics: Metrics, log: Log): MetricsSink {
  const countBy = (name: string, dimension: string, value: string, count: number) =>
    metrics.singleMetric().addDimension(dimension, value).addMetric(name, MetricUnit.Count, count);
  const recorded = guardMetrics(
    {
      completed(render) {
        metrics.addMetric('JobsCompleted', MetricUnit.Count, 1);
        metrics.addMetric('RenderSeconds', MetricUnit.Seconds, render.renderSeconds);
        if (render.renderSeconds > 0) {
          const speed = render.videoSeconds / render.renderSeconds;
          metrics.addMetric(
            'VideoSecondsPerRenderSecond',
            MetricUnit.NoUnit,
            Math.round(speed * 1000) / 1000,
          );
        }
        countBy('Renders', 'VideoPath', render.videoPath, 1);
      },
      failed: (cause) => countBy('JobsFailed', 'Cause', cause, 1),
      retried: (cause) => countBy('JobsRetried', 'Cause', cause, 1),
      speech: (engine, characters) => countBy('SpeechCharacters', 'Engine', engine, characters),
    },
    log,
  );
  return {
    ...recorded,
    publish() {
      try {
        // Powertools warns of an empty flush; an invocation that counted nothing writes nothing.
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      } catch (error) {
        log('warn', 'Metrics could not be published', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    },
  };
}

/** An SQS function whose stored metrics are published when each invocation ends, however it ends. */
export function publishingMetrics(lambda: SqsLambda, sink: Pick<MetricsSink, 'publish'>): SqsLambda {
  return async (event, context) => {
    try {
      return await lambda(event, context);
    } finally {
      sink.publish();
    }
  };
}
