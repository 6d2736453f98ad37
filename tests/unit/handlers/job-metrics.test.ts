import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import {
  createEmfMetricsSink,
  createMetricsSink,
  METRICS_NAMESPACE,
  NO_METRICS_SINK,
  publishingMetrics,
} from '../../../src/handlers/job-metrics.ts';
import type { Log } from '../../../src/processor/log.ts';
import { captureOutput, named } from '../../support/emf-capture.ts';

const SERVICE = 'auto-vid-processor';
const RENDER = { videoPath: 'copy', renderSeconds: 0.5, videoSeconds: 2 } as const;

function recordingLog() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const log: Log = (level, message, fields = {}) => lines.push({ level, message, fields });
  return { log, lines };
}

function awsSink(env: NodeJS.ProcessEnv = {}, log: Log = () => {}) {
  return createMetricsSink({ serviceName: SERVICE, localMode: false, env, log });
}

describe('createMetricsSink', () => {
  it('writes nothing in local mode, so the dev server and the demo print no metric lines', async () => {
    // Prepare
    const sink = createMetricsSink({ serviceName: SERVICE, localMode: true, env: {}, log: () => {} });

    // Act
    const captured = await captureOutput(() => {
      sink.completed(RENDER);
      sink.failed('asset');
      sink.retried('deadline');
      sink.speech('neural', 12);
      sink.publish();
    });

    // Assess
    expect(sink).toBe(NO_METRICS_SINK);
    expect(captured.stdout).toEqual([]);
    expect(captured.stderr).toEqual([]);
  });

  it('writes a completed job in the auto-vid namespace, under the service dimension', async () => {
    // Prepare
    const sink = awsSink();

    // Act
    const { metrics } = await captureOutput(() => {
      sink.completed(RENDER);
      sink.publish();
    });

    // Assess
    const service = { service: SERVICE };
    expect(METRICS_NAMESPACE).toBe('auto-vid');
    expect(metrics).toEqual(
      expect.arrayContaining([
        { namespace: 'auto-vid', name: 'JobsCompleted', unit: 'Count', value: 1, dimensions: service },
        { namespace: 'auto-vid', name: 'RenderSeconds', unit: 'Seconds', value: 0.5, dimensions: service },
        {
          namespace: 'auto-vid',
          name: 'VideoSecondsPerRenderSecond',
          unit: 'None',
          value: 4,
          dimensions: service,
        },
        {
          namespace: 'auto-vid',
          name: 'Renders',
          unit: 'Count',
          value: 1,
          dimensions: { ...service, VideoPath: 'copy' },
        },
      ]),
    );
    expect(metrics).toHaveLength(4);
  });

  it('takes the namespace from POWERTOOLS_METRICS_NAMESPACE when it is set', async () => {
    // Prepare
    const sink = awsSink({ POWERTOOLS_METRICS_NAMESPACE: 'auto-vid-staging' });

    // Act
    const { metrics } = await captureOutput(() => sink.failed('asset'));

    // Assess
    expect(metrics.map((metric) => metric.namespace)).toEqual(['auto-vid-staging']);
  });

  it('writes one line per dimension value: causes, engines and video paths are never mixed', async () => {
    // Prepare
    const sink = awsSink();

    // Act
    const { emfLines, metrics } = await captureOutput(() => {
      sink.failed('asset');
      sink.retried('deadline');
      sink.speech('neural', 120);
      sink.speech('standard', 30);
    });

    // Assess
    expect(emfLines).toHaveLength(4);
    expect(metrics.map(({ name, value, dimensions }) => [name, value, dimensions])).toEqual([
      ['JobsFailed', 1, { service: SERVICE, Cause: 'asset' }],
      ['JobsRetried', 1, { service: SERVICE, Cause: 'deadline' }],
      ['SpeechCharacters', 120, { service: SERVICE, Engine: 'neural' }],
      ['SpeechCharacters', 30, { service: SERVICE, Engine: 'standard' }],
    ]);
  });

  it('writes nothing, not even a warning, for an invocation that counted nothing', async () => {
    // Prepare
    const sink = awsSink();

    // Act
    const captured = await captureOutput(() => sink.publish());

    // Assess
    expect(captured.stdout).toEqual([]);
    expect(captured.stderr).toEqual([]);
  });
});

describe('createEmfMetricsSink', () => {
  it('logs a metric Powertools cannot write instead of throwing it at the job', async () => {
    // Prepare
    const metrics = new Metrics({ namespace: 'auto-vid', serviceName: SERVICE });
    vi.spyOn(metrics, 'singleMetric').mockImplementation(() => {
      throw new RangeError('The number of metric dimensions must be lower than 29');
    });
    const { log, lines } = recordingLog();
    const sink = createEmfMetricsSink(metrics, log);

    // Act
    const act = () => sink.failed('render');

    // Assess
    expect(act).not.toThrow();
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'A metric could not be recorded; the job goes on',
        fields: { metric: 'failed', error: 'The number of metric dimensions must be lower than 29' },
      },
    ]);
  });

  it('logs a publish that fails instead of failing the invocation', async () => {
    // Prepare
    const metrics = new Metrics({ namespace: 'auto-vid', serviceName: SERVICE });
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      throw new Error('EMF key collision');
    });
    const { log, lines } = recordingLog();
    const sink = createEmfMetricsSink(metrics, log);
    await captureOutput(() => sink.completed(RENDER));

    // Act
    const act = () => sink.publish();

    // Assess
    expect(act).not.toThrow();
    expect(lines.map((line) => [line.level, line.message, line.fields.error])).toEqual([
      ['warn', 'Metrics could not be published', 'EMF key collision'],
    ]);
  });
});

describe('publishingMetrics', () => {
  it('publishes what the invocation stored even when the invocation throws', async () => {
    // Prepare
    const sink = awsSink();
    const failing = publishingMetrics(async () => {
      sink.completed(RENDER);
      throw new Error('the table is gone');
    }, sink);

    // Act
    const { metrics } = await captureOutput(() =>
      failing({ Records: [] } as SQSEvent, {} as Context).catch(() => undefined),
    );

    // Assess
    expect(named(metrics, 'JobsCompleted').map((metric) => metric.value)).toEqual([1]);
    expect(named(metrics, 'RenderSeconds').map((metric) => metric.value)).toEqual([0.5]);
  });
});
