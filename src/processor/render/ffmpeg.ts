import { dirname, isAbsolute } from 'node:path';
import type { AudioLoudness } from '@auto-vid/shared';
import { interruptedError } from '../attempt.ts';
import { MediaProbeError, RenderError } from '../errors.ts';
import { runProcess } from '../run-process.ts';
import { buildLoudnessArgs, parseLoudnessSummary } from './loudness.ts';
import {
  ALLOWED_FORMAT_NAMES,
  allowedDemuxer,
  forcedInputOptions,
  type MediaKind,
  refusedFormat,
} from './media-formats.ts';
import { buildProbeArgs, type MediaProbe, parseProbe } from './probe.ts';
import { createProgressParser } from './progress.ts';

/** Binaries, overridable for images that ship their own static builds (read at each run). */
export const ffmpegBinary = (): string => process.env.FFMPEG_PATH || 'ffmpeg';
export const ffprobeBinary = (): string => process.env.FFPROBE_PATH || 'ffprobe';

/**
 * Probes a file that must be of `kind`, in a format we open. `label` names it in errors, which
 * never show where the file is kept.
 */
export async function probeMedia(path: string, label: string, kind: MediaKind): Promise<MediaProbe> {
  const result = await runProcess(ffprobeBinary(), buildProbeArgs(path, kind), { stderrLines: 5 });
  const refused = refusedFormat(result.stderrTail);
  if (refused !== undefined) throw formatNotOpened(label, refused, kind);
  const report = result.exitCode === 0 ? parseProbe(result.stdout) : undefined;
  if (!report) {
    throw new MediaProbeError(
      `${label} is not readable media: ${probeFailureReason(result.stderrTail, path)}`,
    );
  }
  // ffprobe opened it with an allowed demuxer; which one is read back from its format name.
  const demuxer = allowedDemuxer(report.formatName, kind);
  if (demuxer === undefined) throw formatNotOpened(label, report.formatName, kind);
  return { ...report, demuxer };
}

function formatNotOpened(label: string, format: string, kind: MediaKind): MediaProbeError {
  const article = kind === 'audio' ? 'an audio file' : 'a video';
  return new MediaProbeError(
    `${label} is ${format} media, a format auto-vid does not open: ${article} must be ${ALLOWED_FORMAT_NAMES[kind]}`,
  );
}

/**
 * "[mov,mp4,… @ 0x55…] moov atom not found" and "/tmp/…/asset-0.mp4: Invalid data found …" become
 * "moov atom not found; Invalid data found …": the reason, not where the file is kept.
 */
function probeFailureReason(stderr: readonly string[], path: string): string {
  const reasons = stderr
    .map((line) =>
      line
        .replace(/^\[[^\]]* @ 0x[\da-f]+\] /, '')
        .replace(`${path}: `, '')
        .trim(),
    )
    .filter(Boolean);
  return withoutFolders(reasons.join('; '), [path]) || 'no duration or streams found';
}

/**
 * Error text from ffmpeg names files by their full path; only the file name is kept, so no error
 * shows a temp folder.
 */
function withoutFolders(text: string, paths: readonly string[]): string {
  const folders = [...new Set(paths.filter((path) => isAbsolute(path)).map((path) => `${dirname(path)}/`))];
  // Longest first, so a folder inside another is removed whole.
  folders.sort((a, b) => b.length - a.length);
  return folders.reduce((redacted, folder) => redacted.split(folder).join(''), text);
}

export interface FfmpegRunOptions {
  /** Expected output duration in seconds, for the progress percentage. */
  readonly duration: number;
  readonly onProgress?: (percent: number) => void;
  readonly signal?: AbortSignal;
  readonly deadlineAt?: number;
  /**
   * Keep this many of the last lines of ffmpeg's info log and return them: what filters report
   * when the run ends (ebur128's summary) is logged there. Errors are still told apart.
   */
  readonly infoLines?: number;
}

/** ffmpeg tags each message with its level when asked (`-loglevel level+info`). */
const ERROR_TAG = /\[(?:error|fatal|panic)\] /;

/**
 * Runs ffmpeg with `-progress` on stdout. A non-zero exit raises RenderError with ffmpeg's last
 * error lines; an abort or the deadline raises RenderInterruptedError (worth retrying). Returns
 * the last lines of the log (errors only, unless `infoLines` asks for more).
 */
export async function runFfmpeg(args: readonly string[], options: FfmpegRunOptions): Promise<string[]> {
  const onLine = createProgressParser(options.duration, options.onProgress ?? (() => {}));
  const info = options.infoLines !== undefined;
  const logLevel = info ? 'level+info' : 'error';
  const result = await runProcess(
    ffmpegBinary(),
    ['-hide_banner', '-nostdin', '-nostats', '-loglevel', logLevel, '-progress', 'pipe:1', ...args],
    {
      onStdoutLine: onLine,
      stderrLines: options.infoLines ?? 12,
      signal: options.signal,
      deadlineAt: options.deadlineAt,
    },
  );
  if (result.killedBy === 'deadline') {
    throw interruptedError('Render', 'deadline');
  }
  if (result.killedBy === 'abort') throw interruptedError('Render', 'abort');
  if (result.exitCode !== 0) {
    const errors = info
      ? result.stderrTail.filter((line) => ERROR_TAG.test(line)).map((line) => line.replace(ERROR_TAG, ''))
      : result.stderrTail;
    const tail = withoutFolders(errors.slice(-12).join('\n'), args).trim() || `exit code ${result.exitCode}`;
    throw new RenderError(`ffmpeg failed: ${tail}`);
  }
  return result.stderrTail;
}

/**
 * Arguments that decode MP3 files and join them end to end into one WAV, sample-exact. The parts
 * come from Polly as MP3; nothing else is opened.
 */
export function buildMp3JoinArgs(
  paths: readonly string[],
  outputPath: string,
  maxSeconds?: number,
): string[] {
  const labels = paths.map((_, i) => `[${i}:a]`).join('');
  return [
    ...paths.flatMap((path) => [...forcedInputOptions('mp3'), '-i', path]),
    '-filter_complex',
    `${labels}concat=n=${paths.length}:v=0:a=1[joined]`,
    '-map',
    '[joined]',
    ...(maxSeconds === undefined ? [] : ['-t', String(maxSeconds)]),
    '-c:a',
    'pcm_s16le',
    '-f',
    'wav',
    '-y',
    outputPath,
  ];
}

/** Measures the loudness of a rendered MP4's audio; a file it cannot measure is a render error. */
export async function measureLoudness(
  path: string,
  options: { readonly signal?: AbortSignal; readonly deadlineAt?: number } = {},
): Promise<AudioLoudness> {
  const result = await runProcess(ffmpegBinary(), buildLoudnessArgs(path), { stderrLines: 40, ...options });
  if (result.killedBy) throw interruptedError('Render', result.killedBy);
  const loudness = result.exitCode === 0 ? parseLoudnessSummary(result.stderrTail) : undefined;
  if (!loudness) {
    throw new RenderError(
      `The output's loudness could not be measured (ffmpeg exit code ${result.exitCode})`,
    );
  }
  return loudness;
}
