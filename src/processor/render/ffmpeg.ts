import { interruptedError } from '../attempt.ts';
import { MediaProbeError, RenderError } from '../errors.ts';
import { runProcess } from '../run-process.ts';
import { buildProbeArgs, type MediaProbe, parseProbe } from './probe.ts';
import { createProgressParser } from './progress.ts';

/** Binaries, overridable for images that ship their own static builds (read at each run). */
export const ffmpegBinary = (): string => process.env.FFMPEG_PATH || 'ffmpeg';
export const ffprobeBinary = (): string => process.env.FFPROBE_PATH || 'ffprobe';

export async function probeMedia(path: string, label: string): Promise<MediaProbe> {
  const result = await runProcess(ffprobeBinary(), buildProbeArgs(path), { stderrLines: 5 });
  const probe = result.exitCode === 0 ? parseProbe(result.stdout) : undefined;
  if (!probe) {
    const detail = result.stderrTail.join(' ').trim() || 'no duration or streams found';
    throw new MediaProbeError(`${label} is not readable media: ${detail}`);
  }
  return probe;
}

export interface FfmpegRunOptions {
  /** Expected output duration in seconds, for the progress percentage. */
  readonly duration: number;
  readonly onProgress?: (percent: number) => void;
  readonly signal?: AbortSignal;
  readonly deadlineAt?: number;
}

/**
 * Runs ffmpeg with `-progress` on stdout. A non-zero exit raises RenderError with ffmpeg's last
 * stderr lines; an abort or the deadline raises RenderInterruptedError (worth retrying).
 */
export async function runFfmpeg(args: readonly string[], options: FfmpegRunOptions): Promise<void> {
  const onLine = createProgressParser(options.duration, options.onProgress ?? (() => {}));
  const result = await runProcess(
    ffmpegBinary(),
    ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-progress', 'pipe:1', ...args],
    {
      onStdoutLine: onLine,
      stderrLines: 12,
      signal: options.signal,
      deadlineAt: options.deadlineAt,
    },
  );
  if (result.killedBy === 'deadline') {
    throw interruptedError('Render', 'deadline');
  }
  if (result.killedBy === 'abort') throw interruptedError('Render', 'abort');
  if (result.exitCode !== 0) {
    const tail = result.stderrTail.join('\n').trim() || `exit code ${result.exitCode}`;
    throw new RenderError(`ffmpeg failed: ${tail}`);
  }
}

/** Arguments that decode audio files and join them end to end into one WAV, sample-exact. */
export function buildAudioJoinArgs(paths: readonly string[], outputPath: string): string[] {
  const labels = paths.map((_, i) => `[${i}:a]`).join('');
  return [
    ...paths.flatMap((path) => ['-i', path]),
    '-filter_complex',
    `${labels}concat=n=${paths.length}:v=0:a=1[joined]`,
    '-map',
    '[joined]',
    '-c:a',
    'pcm_s16le',
    '-f',
    'wav',
    '-y',
    outputPath,
  ];
}
