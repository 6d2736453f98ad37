import type { AudioLoudness } from '@auto-vid/shared';
import { forcedInputOptions } from './media-formats.ts';

/**
 * ffmpeg's ebur128 filter measures the first audio stream of an MP4 we wrote (ITU-R BS.1770, EBU
 * R128, true peak by 4x oversampling) and prints a summary at the end; nothing is written.
 */
export function buildLoudnessArgs(path: string): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-nostats',
    // The summary is logged at "info"; framelog=verbose keeps the ten-a-second lines out of it.
    '-loglevel',
    'info',
    ...forcedInputOptions('mov'),
    '-i',
    path,
    '-map',
    '0:a:0',
    '-af',
    'ebur128=peak=true:framelog=verbose',
    '-f',
    'null',
    '-',
  ];
}

/** The gate below which BS.1770 measures nothing: a silent track has no loudness. */
const ABSOLUTE_GATE_LUFS = -70;

/** What an ebur128 summary says: null where silence has no value. */
export interface LoudnessSummary {
  /** LUFS. */
  readonly integrated: number | null;
  /** LU. */
  readonly range: number | null;
  /** dBFS: the true peak, or the sample peak, whichever the filter was asked for. */
  readonly peak: number | null;
}

/**
 * Reads the summary ebur128 prints last ("I: -16.0 LUFS", "LRA: 5.2 LU", "Peak: -1.3 dBFS");
 * undefined when there is none.
 */
export function parseEbur128Summary(lines: readonly string[]): LoudnessSummary | undefined {
  const start = lines.findLastIndex((line) => line.includes('Summary:'));
  if (start === -1) return undefined;
  const summary = lines.slice(start + 1);
  const read = (pattern: RegExp) => {
    for (const line of summary) {
      const match = pattern.exec(line);
      if (match) return Number(match[1]);
    }
    return undefined;
  };
  const integrated = read(/^\s*I:\s+(-?\d+(?:\.\d+)?) LUFS/);
  const range = read(/^\s*LRA:\s+(\d+(?:\.\d+)?) LU/);
  // "-inf" (a track of digital silence) does not match: no peak.
  const peak = read(/^\s*Peak:\s+(-?\d+(?:\.\d+)?) dBFS/) ?? null;
  if (integrated === undefined || range === undefined) return undefined;
  const audible = integrated > ABSOLUTE_GATE_LUFS;
  return { integrated: audible ? integrated : null, range: audible ? range : null, peak };
}

/** The job view's loudness from a summary measured with `peak=true`; undefined when there is none. */
export function parseLoudnessSummary(lines: readonly string[]): AudioLoudness | undefined {
  const summary = parseEbur128Summary(lines);
  return (
    summary && {
      integratedLufs: summary.integrated,
      truePeakDbtp: summary.peak,
      loudnessRange: summary.range,
    }
  );
}
