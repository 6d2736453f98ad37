import { mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobSpec, measureProcessingTime, resolveOutputFilename, type TtsEvent } from '@auto-vid/shared';
import type { S3Client } from '@aws-sdk/client-s3';
import { fetchAssets } from './assets/fetch-assets.ts';
import type { RetryPolicy } from './assets/http-download.ts';
import { interruptedError, watchAttempt } from './attempt.ts';
import { MediaProbeError, PermanentError } from './errors.ts';
import { mapWithConcurrency } from './map-with-concurrency.ts';
import { probeMedia, runFfmpeg } from './render/ffmpeg.ts';
import { buildFfmpegArgs, buildRenderPlan, type PreparedAudio } from './render/plan.ts';
import { PlaylistTooShortError } from './render/playlist.ts';
import type { SpeechSynthesizer } from './speech/speech-synthesizer.ts';

export interface RenderPorts {
  readonly speech: SpeechSynthesizer;
  readonly s3?: S3Client;
  /** File-path asset sources are accepted only in local mode. */
  readonly localMode: boolean;
  /** Folder the MP4 is written to (created by the caller). */
  readonly outputDirectory: string;
  readonly onProgress?: (percent: number) => void;
  readonly signal?: AbortSignal;
  /** Epoch ms after which the render is stopped with a retryable error. */
  readonly deadlineAt?: number;
  readonly httpPolicy?: RetryPolicy;
  /** Largest http(s) asset, bytes. */
  readonly maxAssetBytes?: number;
  readonly tempRoot?: string;
}

export interface RenderResult {
  readonly localPath: string;
  /** Seconds. */
  readonly duration: number;
  /** Bytes. */
  readonly size: number;
  /** Seconds, rounded to 2 decimals. */
  readonly processingTime: number;
  readonly copiedVideo: boolean;
}

const SPEECH_CONCURRENCY = 4;
const PROBE_CONCURRENCY = 4;

/**
 * The render use-case shared by the CLI and the processor Lambda: fetch, synthesise, probe, plan,
 * one ffmpeg run. The per-job temp folder is removed whatever happens; the MP4 appears in the
 * output folder only once it is complete.
 */
export async function renderJob(spec: JobSpec, ports: RenderPorts): Promise<RenderResult> {
  const startedAt = new Date();
  const work = await mkdtemp(join(ports.tempRoot ?? tmpdir(), 'auto-vid-job-'));
  const finalPath = join(ports.outputDirectory, resolveOutputFilename(spec));
  const partialPath = join(ports.outputDirectory, `.${resolveOutputFilename(spec)}.${process.pid}.partial`);
  const report = (percent: number) => ports.onProgress?.(Math.round(percent));
  try {
    report(0);
    const usedAudioIds = new Set([
      ...(spec.backgroundMusic?.playlist ?? []),
      ...spec.timeline.flatMap((e) => (e.type === 'audio' ? [e.data.assetId] : [])),
    ]);
    const assets = [spec.assets.video, ...spec.assets.audio.filter((a) => usedAudioIds.has(a.id))];
    const ttsEvents = spec.timeline.flatMap((event, index) =>
      event.type === 'tts' ? [{ event, index }] : [],
    );

    // Downloads and speech run side by side; when one fails the other is stopped and awaited, so
    // nothing is still writing into the job folder when it is removed.
    const inner = new AbortController();
    // The attempt's deadline covers downloads and speech too: a stalled source must not outlive it.
    const attempt = watchAttempt(ports, inner.signal);
    const signal = attempt.signal as AbortSignal;
    let firstFailure: { error: unknown } | undefined;
    const stopOthersOnFailure = <T>(task: Promise<T>) =>
      task.catch((error: unknown) => {
        firstFailure ??= { error };
        inner.abort();
        throw error;
      });
    const [fetched, synthesised] = await Promise.allSettled([
      stopOthersOnFailure(
        fetchAssets(assets, {
          directory: work,
          localMode: ports.localMode,
          signal,
          ...(ports.s3 ? { s3: ports.s3 } : {}),
          ...(ports.httpPolicy ? { httpPolicy: ports.httpPolicy } : {}),
          ...(ports.maxAssetBytes !== undefined ? { maxBytes: ports.maxAssetBytes } : {}),
        }),
      ),
      stopOthersOnFailure(
        mapWithConcurrency(ttsEvents, SPEECH_CONCURRENCY, ({ event }: { event: TtsEvent }) =>
          ports.speech.synthesize(event.data, work, signal),
        ),
      ),
    ]);
    if (firstFailure) {
      const stoppedBy = attempt.stoppedBy();
      throw stoppedBy ? interruptedError('Render', stoppedBy) : firstFailure.error;
    }
    const paths = (fetched as PromiseFulfilledResult<Map<string, string>>).value;
    const speechPaths = (synthesised as PromiseFulfilledResult<string[]>).value;
    report(5);

    const videoPath = paths.get(spec.assets.video.id) as string;
    const audioIds = [...usedAudioIds];
    // Every input is probed once, all at the same time.
    const [videoProbe, audioProbes, speechProbes] = await Promise.all([
      probeMedia(videoPath, `Video asset '${spec.assets.video.id}'`),
      mapWithConcurrency(audioIds, PROBE_CONCURRENCY, (id) =>
        probeMedia(paths.get(id) as string, `Audio asset '${id}'`),
      ),
      mapWithConcurrency(speechPaths, PROBE_CONCURRENCY, (path, i) =>
        probeMedia(path, `Speech for timeline event ${ttsEvents[i]?.index}`),
      ),
    ]);
    if (!videoProbe.video)
      throw new MediaProbeError(`Video asset '${spec.assets.video.id}' has no video stream`);
    const audioAssets = new Map<string, PreparedAudio>(
      audioIds.map((id, i) => [
        id,
        {
          path: paths.get(id) as string,
          duration: audioProbes[i]?.duration ?? 0,
          formatName: audioProbes[i]?.formatName ?? '',
        },
      ]),
    );
    const speech = new Map<number, PreparedAudio>(
      ttsEvents.map(({ index }, i) => [
        index,
        {
          path: speechPaths[i] as string,
          duration: speechProbes[i]?.duration ?? 0,
          formatName: speechProbes[i]?.formatName ?? '',
        },
      ]),
    );
    report(10);

    const plan = planOrFail(() =>
      buildRenderPlan({
        spec,
        video: { path: videoPath, probe: videoProbe },
        audioAssets,
        speech,
        outputPath: partialPath,
      }),
    );
    const scriptPath = join(work, 'filtergraph.txt');
    await writeFile(scriptPath, plan.filterGraph, 'utf8');
    await runFfmpeg(buildFfmpegArgs(plan, scriptPath), {
      duration: plan.duration,
      onProgress: (percent) => report(10 + percent * 0.89),
      ...(ports.signal ? { signal: ports.signal } : {}),
      ...(ports.deadlineAt !== undefined ? { deadlineAt: ports.deadlineAt } : {}),
    });
    await rename(partialPath, finalPath);
    const size = (await stat(finalPath)).size;
    const output = await probeMedia(finalPath, 'Rendered output');
    report(100);
    return {
      localPath: finalPath,
      duration: Math.round(output.duration * 1000) / 1000,
      size,
      processingTime: measureProcessingTime(startedAt, new Date()),
      copiedVideo: plan.copiesVideo,
    };
  } finally {
    // Cleanup never hides the outcome: a leftover temp folder is not worth a failed job.
    await rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
    await rm(partialPath, { force: true }).catch(() => undefined);
  }
}

function planOrFail<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof PlaylistTooShortError) throw new PermanentError(error.message);
    throw error;
  }
}
