import type { JobSpec } from '@auto-vid/shared';
import type { Clock } from '../../clock.ts';
import type { ChunkMessage, ChunkQueue } from '../../jobs/chunk-queue.ts';
import type { JobStore } from '../../jobs/job-store.ts';
import type { ScratchFiles } from '../../jobs/scratch-files.ts';
import type { AttemptLimits } from '../attempt.ts';
import type { ClaimedJob } from '../job-settlement.ts';
import type { Log } from '../log.ts';
import type { ChunkKit } from './chunk-kit.ts';
import { attemptScratchPrefix, type ChunkManifest, captionKey, MANIFEST_NAME } from './manifest.ts';

/** How a processor deployment splits long re-encodes. */
export interface ChunkingDeps {
  /** Re-encodes of videos longer than this (seconds) are split. */
  readonly thresholdSeconds: number;
  /** Target length of one chunk, seconds. */
  readonly chunkSeconds: number;
  readonly queue: ChunkQueue;
  readonly scratch: ScratchFiles;
}

interface HandOffDeps {
  readonly jobs: JobStore;
  readonly clock: Clock;
  readonly log: Log;
  readonly config: { readonly leaseMs: number };
  readonly chunking: ChunkingDeps;
}

/**
 * The processor's part of a chunked re-encode: the source, the audio track and the caption files
 * put under the attempt's scratch prefix with the manifest, the chunk count recorded (only while
 * this attempt holds the job), then one message per chunk. A job lost meanwhile (a cancel) takes
 * back what was put.
 */
export async function handOffChunks(
  job: ClaimedJob,
  spec: JobSpec,
  kit: ChunkKit,
  deps: HandOffDeps,
  limits: AttemptLimits,
): Promise<void> {
  const { jobId } = job.message;
  const { scratch, queue } = deps.chunking;
  const prefix = attemptScratchPrefix(jobId, job.attempt);
  const manifest = describeKit(job, spec, kit, prefix);
  const captions = kit.captions;
  const files: [string, string][] = [
    [kit.sourcePath, manifest.sourceKey],
    [kit.audioPath, manifest.audioKey],
    ...(captions?.sidecars ?? []).map(({ path }): [string, string] => [path, captionKey(prefix, path)]),
    ...(captions?.trackPath
      ? [[captions.trackPath, captionKey(prefix, captions.trackPath)] as [string, string]]
      : []),
    ...(captions?.burnIn
      ? [[captions.burnIn.path, captionKey(prefix, captions.burnIn.path)] as [string, string]]
      : []),
  ];
  await Promise.all(files.map(([path, key]) => scratch.put(key, path, limits.signal)));
  await scratch.putText(`${prefix}${MANIFEST_NAME}`, JSON.stringify(manifest));
  const now = deps.clock();
  const started = await deps.jobs.startChunks(
    jobId,
    job.attempt,
    kit.chunks.length,
    now,
    new Date(now.getTime() + deps.config.leaseMs),
  );
  if (!started) {
    deps.log('info', 'The job changed hands before its chunks were queued; taking back its files', { jobId });
    await scratch.removePrefix(prefix);
    return;
  }
  const messages: ChunkMessage[] = kit.chunks.map((chunk) => ({
    jobId,
    submittedAt: job.message.submittedAt,
    attempt: job.attempt,
    index: chunk.index,
    total: kit.chunks.length,
  }));
  await queue.sendAll(messages);
  deps.log('info', 'Re-encode split into chunks', { jobId, attempt: job.attempt, chunks: messages.length });
}

function describeKit(job: ClaimedJob, spec: JobSpec, kit: ChunkKit, prefix: string): ChunkManifest {
  const captions = kit.captions;
  return {
    message: { jobId: job.message.jobId, jobSpec: job.message.jobSpec, submittedAt: job.message.submittedAt },
    spec,
    claimedAt: job.claimedAt.toISOString(),
    duration: kit.duration,
    demuxer: kit.demuxer,
    chunks: [...kit.chunks],
    sourceKey: `${prefix}source`,
    audioKey: `${prefix}audio.m4a`,
    ...(captions
      ? {
          captions: {
            language: captions.language,
            trackLanguage: captions.trackLanguage,
            cueCount: captions.cueCount,
            sidecars: captions.sidecars.map(({ format, path }) => ({
              format,
              key: captionKey(prefix, path),
            })),
            ...(captions.trackPath ? { trackKey: captionKey(prefix, captions.trackPath) } : {}),
            ...(captions.burnIn ? { burnInKey: captionKey(prefix, captions.burnIn.path) } : {}),
          },
        }
      : {}),
  };
}
