import { vi } from 'vitest';

/** One metric as CloudWatch reads it from an embedded-metric-format line. */
export interface EmittedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly unit: string;
  readonly value: unknown;
  /** Dimension name → value, `service` included. */
  readonly dimensions: Record<string, unknown>;
}

interface EmfDirective {
  readonly Namespace: string;
  readonly Dimensions: readonly (readonly string[])[];
  readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[];
}

/** What the process wrote while `act` ran: stdout and stderr lines, and the metrics among stdout's. */
export interface Captured {
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** The stdout lines that are embedded-metric-format JSON, as written. */
  readonly emfLines: readonly string[];
  readonly metrics: readonly EmittedMetric[];
}

/** Runs `act` with stdout and stderr captured (Powertools writes both through its own Console). */
export async function captureOutput(act: () => unknown): Promise<Captured> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const grab = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  const out = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation(grab(stdout) as typeof process.stdout.write);
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation(grab(stderr) as typeof process.stderr.write);
  try {
    await act();
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const emfLines = stdout.filter((line) => line.startsWith('{') && '_aws' in JSON.parse(line));
  return { stdout, stderr, emfLines, metrics: emfLines.flatMap(readEmfLine) };
}

/** Each metric of one line, with the values of the dimensions its line declares. */
function readEmfLine(line: string): EmittedMetric[] {
  const blob = JSON.parse(line) as Record<string, unknown> & {
    _aws: { CloudWatchMetrics: readonly EmfDirective[] };
  };
  return blob._aws.CloudWatchMetrics.flatMap((directive) =>
    directive.Metrics.map((metric) => ({
      namespace: directive.Namespace,
      name: metric.Name,
      unit: metric.Unit,
      value: blob[metric.Name],
      dimensions: Object.fromEntries(directive.Dimensions.flat().map((name) => [name, blob[name]])),
    })),
  );
}

/** The metrics of one name. */
export function named(metrics: readonly EmittedMetric[], name: string): EmittedMetric[] {
  return metrics.filter((metric) => metric.name === name);
}
