import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type JobSpec, measureProcessingTime, resolveOutputFilename } from '@auto-vid/shared';
import type { AttemptLimits } from '../attempt.ts';
import { makeDeliverables } from '../deliverables/make-deliverables.ts';
import type { AttemptStep } from '../failure-cause.ts';
import { guardMetrics, NO_JOB_METRICS } from '../job-metrics.ts';
import { chooseDestination } from '../job-output.ts';
import type { ClaimedJob, ProcessOutcome } from '../job-settlement.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import { completeStored, storeRendered } from '../process-job.ts';
import { probeMedia, runFfmpeg } from '../render/ffmpeg.ts';
import { hasDeliverables, publishDeliverables, type RenderResult } from '../render-job.ts';
import { makeTempFolder, partialName } from '../temp-folders.ts';
import { concatList, joinArgs } from './chunk-args.ts';
import type { ChunkDeps } from './chunk-deps.ts';
import { attemptScratchPrefix, type ChunkManifest, partName } from './manifest.ts';

/** Chunks downloaded at once for the join. */
const JOIN_DOWNLOADS = 4;

/**
 * The last step of a chunked re-encode, run by the encoder that counted the last chunk: the
 * chunks joined by a stream copy with the audio track and the captions' text track, the caption
 * sidecars and the deliverables beside the MP4, then stored and recorded as the processor does.
 */
export async function joinChunks(
  job: ClaimedJob,
  manifest: ChunkManifest,
  deps: ChunkDeps,
  limits: AttemptLimits,
): Promise<ProcessOutcome> {
  const spec = manifest.spec as JobSpec;
  const destination = chooseDestination(spec, deps.config);
  const work = await makeTempFolder('job', deps.config.tempRoot);
  const out = await makeTempFolder('out', deps.config.tempRoot);
  const step: { current: AttemptStep } = { current: 'render' };
  try {
    const outputDirectory = destination.kind === 'folder' ? destination.path : out;
    const result = await joinInto(job, manifest, { work, outputDirectory }, deps, limits);
    const stored = await storeRendered(job, spec, result, deps, { ...limits, step });
    return await completeStored(job, stored, deps, guardMetrics(deps.metrics ?? NO_JOB_METRICS, deps.log));
  } finally {
    await rm(work, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
    await rm(out, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}

async function joinInto(
  job: ClaimedJob,
  manifest: ChunkManifest,
  folders: { work: string; outputDirectory: string },
  deps: ChunkDeps,
  limits: AttemptLimits,
): Promise<RenderResult> {
  const spec = manifest.spec as JobSpec;
  const { work, outputDirectory } = folders;
  const prefix = attemptScratchPrefix(job.message.jobId, job.attempt);
  const names = manifest.chunks.map((chunk) => partName(chunk.index));
  const captions = manifest.captions;
  const audioPath = join(work, 'audio.m4a');
  const trackPath = join(work, 'track.srt');
  const sidecars = (captions?.sidecars ?? []).map((sidecar) => ({
    ...sidecar,
    localPath: join(outputDirectory, basename(sidecar.key)),
  }));
  await Promise.all([
    mapWithConcurrency(names, JOIN_DOWNLOADS, (name) =>
      deps.scratch.get(`${prefix}${name}`, join(work, name), limits.signal),
    ),
    deps.scratch.get(manifest.audioKey, audioPath, limits.signal),
    ...(captions?.trackKey ? [deps.scratch.get(captions.trackKey, trackPath, limits.signal)] : []),
    ...sidecars.map(({ key, localPath }) => deps.scratch.get(key, localPath, limits.signal)),
  ]);
  const listPath = join(work, 'chunks.txt');
  await writeFile(listPath, concatList(names), 'utf8');
  const filename = resolveOutputFilename(spec);
  const partialPath = join(outputDirectory, partialName(filename));
  const finalPath = join(outputDirectory, filename);
  const started = performance.now();
  await runFfmpeg(
    joinArgs({
      listPath,
      audioPath,
      duration: manifest.duration,
      outputPath: partialPath,
      ...(captions?.trackKey ? { subtitles: { path: trackPath, language: captions.trackLanguage } } : {}),
    }),
    { duration: manifest.duration, signal: limits.signal, deadlineAt: limits.deadlineAt },
  );
  const renderSeconds = Math.round(performance.now() - started) / 1000;
  const made = hasDeliverables(spec)
    ? await makeDeliverables(spec.output, partialPath, work, filename.slice(0, -'.mp4'.length), limits)
    : undefined;
  await rename(partialPath, finalPath);
  const probe = await probeMedia(finalPath, 'Rendered output', 'video');
  return {
    localPath: finalPath,
    duration: Math.round(probe.duration * 1000) / 1000,
    size: (await stat(finalPath)).size,
    processingTime: measureProcessingTime(job.claimedAt, deps.clock()),
    copiedVideo: false,
    renderSeconds,
    ...(captions
      ? {
          captions: {
            language: captions.language,
            cueCount: captions.cueCount,
            files: sidecars.map(({ format, localPath }) => ({ format, localPath })),
          },
        }
      : {}),
    ...(made ? { deliverables: await publishDeliverables(made, finalPath, outputDirectory) } : {}),
  };
}
