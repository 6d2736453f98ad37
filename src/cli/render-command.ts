import { randomUUID } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type AudioLoudness,
  type CaptionFile,
  createJobRecord,
  type JobSpec,
  parseAssetSource,
  toJobView,
  validateJobSpec,
} from '@auto-vid/shared';
import { createS3Client } from '../aws/clients.ts';
import type { Deliverables } from '../processor/deliverables/make-deliverables.ts';
import { describeDeliverables } from '../processor/deliverables-output.ts';
import { measureLoudness } from '../processor/render/ffmpeg.ts';
import { type RenderResult, renderJob } from '../processor/render-job.ts';
import { createSpeechSynthesizer } from '../processor/speech/create-speech-synthesizer.ts';
import { sweepDeadRuns } from '../processor/temp-folders.ts';
import { readSettings } from '../settings.ts';
import { formatProgressBar } from './progress-bar.ts';

export interface RenderCommandOptions {
  readonly out?: string;
  readonly tts: 'espeak' | 'polly';
  readonly json: boolean;
}

interface Io {
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  readonly err: NodeJS.WritableStream & { isTTY?: boolean };
}

/** output.destination when it is a folder, else --out, else the working directory. */
async function chooseOutputDirectory(
  destination: string | undefined,
  out: string | undefined,
): Promise<string> {
  if (destination) {
    const parsed = parseAssetSource(destination);
    if (parsed.ok && parsed.source.kind === 'file') return resolve(parsed.source.path);
  }
  return resolve(out ?? '.');
}

function drawProgress(err: Io['err'], percent: number): void {
  err.write(`\rRendering ${formatProgressBar(percent)}`);
}

type MeasuredRender = RenderResult & { readonly audio: AudioLoudness };

/** The job view of a local render, as the API would show it, with the file's path. */
async function jsonLine(spec: JobSpec, result: MeasuredRender, submittedAt: Date): Promise<string> {
  const now = new Date().toISOString();
  const jobId = randomUUID();
  const { duration, size, audio } = result;
  const made = result.deliverables;
  // Files in a folder: measures and no URLs, so nothing is ever signed.
  const deliverables = await describeDeliverables(
    made ? { made, renditions: made.renditions.map(() => undefined) } : undefined,
    { url: null, s3Uri: null },
    {
      outputs: { presignGet: () => Promise.reject(new Error('A local render has no bucket')) },
      presign: { seconds: 0, now: new Date(now) },
      jobId,
    },
  );
  const view = toJobView({
    ...createJobRecord({ jobId, jobInfo: spec.jobInfo, now: submittedAt, ttlSeconds: 0 }),
    status: 'completed',
    updatedAt: now,
    completedAt: now,
    processingTime: result.processingTime,
    output: {
      url: null,
      urlExpiresAt: null,
      s3Uri: null,
      duration,
      size,
      audio,
      captions: localCaptions(result),
      ...deliverables,
    },
  });
  return JSON.stringify({
    ...view,
    localPath: result.localPath,
    ...(result.captions ? { captionPaths: result.captions.files.map((file) => file.localPath) } : {}),
    ...(made ? { deliverablePaths: deliverablePaths(made) } : {}),
  });
}

/** Where each deliverable of a local render is: the files, and the HLS package's folder. */
function deliverablePaths(made: Deliverables): string[] {
  return [
    ...(made.poster ? [made.poster.localPath] : []),
    ...(made.thumbnails ? [made.thumbnails.sprite.localPath, made.thumbnails.track.localPath] : []),
    ...made.renditions.filter((r) => !r.source).map((r) => r.localPath),
    ...(made.hls ? [made.hls.directory] : []),
  ];
}

/** The view's `output.captions` of a local render: the sidecars, which have no URL. */
function localCaptions(result: RenderResult): CaptionFile[] | null {
  const captions = result.captions;
  if (!captions) return null;
  return captions.files.map(({ format }) => ({
    format,
    url: null,
    s3Uri: null,
    language: captions.language,
  }));
}

function summaryLine(result: MeasuredRender): string {
  const loudness = result.audio.integratedLufs === null ? 'silent' : `${result.audio.integratedLufs} LUFS`;
  const line = `${result.localPath} (${result.duration.toFixed(2)} s, ${result.size} bytes, ${loudness}, ${result.processingTime} s to render)`;
  const sidecars = result.captions?.files.map((file) => file.localPath) ?? [];
  return sidecars.length > 0 ? `${line}\ncaptions: ${sidecars.join(', ')}` : line;
}

/** `auto-vid render <spec.json>`: renders locally; exit 0 on success, 1 with a one-line reason. */
export async function runRenderCommand(
  specPath: string,
  options: RenderCommandOptions,
  io: Io,
): Promise<number> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(specPath, 'utf8'));
  } catch (error) {
    const reason =
      error instanceof SyntaxError ? `Invalid JSON: ${error.message}` : `Cannot read ${specPath}`;
    io.err.write(`${reason}\n`);
    return 1;
  }
  const validation = validateJobSpec(json);
  if (!validation.ok) {
    io.err.write(`${validation.error.message}\n`);
    return 1;
  }
  const spec = validation.spec;
  const submittedAt = new Date();
  const showBar = io.err.isTTY === true && !options.json;
  try {
    const outputDirectory = await chooseOutputDirectory(spec.output.destination, options.out);
    await mkdir(outputDirectory, { recursive: true });
    await Promise.all([sweepDeadRuns(), sweepDeadRuns(outputDirectory)]);
    if (!(await stat(outputDirectory)).isDirectory()) throw new Error(`${outputDirectory} is not a folder`);
    const usesS3 = [spec.assets.video, ...spec.assets.audio].some((a) => {
      const parsed = parseAssetSource(a.source);
      return parsed.ok && parsed.source.kind === 's3';
    });
    const settings = readSettings();
    // Polly's audio is cached in S3_BUCKET_NAME under cache/tts/ when that is set.
    const bucket = options.tts === 'polly' ? settings.bucket : undefined;
    const s3 = usesS3 || bucket ? createS3Client() : undefined;
    const result = await renderJob(spec, {
      speech: createSpeechSynthesizer({
        engine: options.tts,
        cache: s3 && bucket ? { s3, bucket } : undefined,
        onCacheError: (operation, key, error) =>
          io.err.write(`Speech cache ${operation} of ${key} failed: ${(error as Error).message}\n`),
      }),
      s3,
      localMode: true,
      mediaLimits: settings.mediaLimits,
      ...(settings.fontsDirectory ? { fontsDirectory: settings.fontsDirectory } : {}),
      outputDirectory,
      onProgress: showBar ? (percent: number) => drawProgress(io.err, percent) : undefined,
    });
    const audio = await measureLoudness(result.localPath);
    if (showBar) io.err.write('\n');
    const measured = { ...result, audio };
    io.out.write(`${options.json ? await jsonLine(spec, measured, submittedAt) : summaryLine(measured)}\n`);
    return 0;
  } catch (error) {
    io.err.write(
      `${showBar ? '\n' : ''}Render failed: ${(error as Error).message.split('\n').join(' | ')}\n`,
    );
    return 1;
  }
}
