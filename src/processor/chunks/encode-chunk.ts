import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRecord, JobSpec } from '@auto-vid/shared';
import type { ChunkMessage } from '../../jobs/chunk-queue.ts';
import type { AttemptLimits } from '../attempt.ts';
import { watchForCancel } from '../cancel-watch.ts';
import { DEFAULT_FONTS_DIRECTORY } from '../captions/write-captions.ts';
import { isPermanent } from '../errors.ts';
import { guardMetrics, NO_JOB_METRICS } from '../job-metrics.ts';
import { type ClaimedJob, failJob, type ProcessOutcome } from '../job-settlement.ts';
import { DEFAULT_CANCEL_CHECK_MS } from '../process-job.ts';
import { runFfmpeg } from '../render/ffmpeg.ts';
import { makeTempFolder } from '../temp-folders.ts';
import { chunkEncodeArgs } from './chunk-args.ts';
import type { ChunkDeps } from './chunk-deps.ts';
import { joinChunks } from './join-chunks.ts';
import {
  attemptScratchPrefix,
  type ChunkManifest,
  chunkManifestSchema,
  jobScratchPrefix,
  MANIFEST_NAME,
  partName,
} from './manifest.ts';

/**
 * One chunk of a chunked re-encode: encoded from the job's copied source with the job's encoder
 * settings, put beside the others and counted once; the encoder that counts the last chunk joins
 * them and finishes the job. A job no longer held by the attempt that split it (cancelled, failed,
 * deleted, taken again) has its chunks dropped and its scratch removed. A permanent fault fails the
 * job (once, with its webhook); any other fault comes back with the message.
 */
export async function encodeChunk(
  message: ChunkMessage,
  deps: ChunkDeps,
  limits: AttemptLimits = {},
): Promise<ProcessOutcome> {
  const { jobId, attempt, index } = message;
  const record = await deps.jobs.get(jobId);
  if (!heldBy(record, attempt)) return dropStale(message, record, deps);
  const manifest = chunkManifestSchema.parse(
    JSON.parse(await deps.scratch.getText(`${attemptScratchPrefix(jobId, attempt)}${MANIFEST_NAME}`)),
  );
  const job: ClaimedJob = { message: manifest.message, attempt, claimedAt: new Date(manifest.claimedAt) };
  const watch = watchForCancel(job, deps, deps.config.cancelCheckMs ?? DEFAULT_CANCEL_CHECK_MS);
  const watched: AttemptLimits = {
    ...limits,
    signal: AbortSignal.any([watch.signal, ...(limits.signal ? [limits.signal] : [])]),
  };
  try {
    if (!record.chunksDone?.[`c${index}`]) await encodeAndPut(manifest, message, deps, watched);
    const counted = await countOnce(message, deps);
    if (counted === 'lost') return dropStale(message, await deps.jobs.get(jobId), deps);
    if (counted === 'all') return await joinIfFirst(job, manifest, deps, watched);
    return { action: 'done', status: 'chunk-encoded' };
  } catch (error) {
    if (watch.lostTo !== undefined) return dropStale(message, await deps.jobs.get(jobId), deps);
    return settleChunkFault(job, message, error, deps);
  } finally {
    watch.stop();
  }
}

function heldBy(record: JobRecord | undefined, attempt: number): record is JobRecord {
  return record?.status === 'processing' && record.attempts === attempt && record.chunks !== undefined;
}

async function encodeAndPut(
  manifest: ChunkManifest,
  message: ChunkMessage,
  deps: ChunkDeps,
  limits: AttemptLimits,
): Promise<void> {
  const chunk = manifest.chunks.find((task) => task.index === message.index);
  if (!chunk) throw new Error(`Chunk ${message.index} is not in the job's manifest`);
  const prefix = attemptScratchPrefix(message.jobId, message.attempt);
  const folder = await makeTempFolder('job', deps.config.tempRoot);
  try {
    const sourcePath = join(folder, 'source');
    const outputPath = join(folder, partName(chunk.index));
    const scriptPath = join(folder, 'captions.ass');
    const burnInKey = manifest.captions?.burnInKey;
    await Promise.all([
      deps.scratch.get(manifest.sourceKey, sourcePath, limits.signal),
      ...(burnInKey ? [deps.scratch.get(burnInKey, scriptPath, limits.signal)] : []),
    ]);
    const spec = manifest.spec as JobSpec;
    const args = chunkEncodeArgs({
      sourcePath,
      demuxer: manifest.demuxer,
      chunk,
      seekTo: chunk.seekTo,
      encoding: spec.output.encoding,
      ...(burnInKey
        ? { burnIn: { path: scriptPath, fontsDirectory: deps.fontsDirectory ?? DEFAULT_FONTS_DIRECTORY } }
        : {}),
      outputPath,
    });
    const started = performance.now();
    await runFfmpeg(args, { duration: 1, signal: limits.signal, deadlineAt: limits.deadlineAt });
    deps.log('info', 'Chunk encoded', {
      jobId: message.jobId,
      chunk: chunk.index,
      frames: chunk.outputFrames,
      encodeSeconds: Math.round(performance.now() - started) / 1000,
    });
    await deps.scratch.put(`${prefix}${partName(chunk.index)}`, outputPath, limits.signal);
  } finally {
    await rm(folder, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}

/**
 * Counts the chunk (a duplicate or a retry finds it counted); `all` once every chunk is. The view's
 * progress follows the count (`toJobView`), so nothing else is written.
 */
async function countOnce(message: ChunkMessage, deps: ChunkDeps): Promise<'lost' | 'some' | 'all'> {
  const now = deps.clock();
  const lease = new Date(now.getTime() + deps.config.leaseMs);
  const counted = await deps.jobs.countChunk(message.jobId, message.attempt, message.index, now, lease);
  if (counted.outcome === 'lost') return 'lost';
  const chunks = counted.record.chunks;
  if (!chunks) return 'lost';
  return chunks.done >= chunks.total ? 'all' : 'some';
}

/** Every chunk is in: whoever takes the join joins; a join another encoder holds is left to it. */
async function joinIfFirst(
  job: ClaimedJob,
  manifest: ChunkManifest,
  deps: ChunkDeps,
  limits: AttemptLimits,
): Promise<ProcessOutcome> {
  const { jobId } = job.message;
  const now = deps.clock();
  const taken = await deps.jobs.claimJoin(
    jobId,
    job.attempt,
    now,
    new Date(now.getTime() + deps.config.leaseMs),
  );
  if (!taken) return { action: 'done', status: 'chunk-encoded' };
  try {
    const outcome = await joinChunks(job, manifest, deps, limits);
    await removeScratch(jobId, deps);
    return outcome;
  } catch (error) {
    // The retry of this message takes the join again at once; a dead encoder's lease runs out.
    if (!isPermanent(error)) await deps.jobs.releaseJoin(jobId, job.attempt).catch(() => undefined);
    throw error;
  }
}

/** A permanent fault fails the job once (its webhook with it); anything else comes back. */
async function settleChunkFault(
  job: ClaimedJob,
  message: ChunkMessage,
  error: unknown,
  deps: ChunkDeps,
): Promise<ProcessOutcome> {
  const reason = (error instanceof Error ? error.message : String(error)).split('\n').join(' | ');
  if (!isPermanent(error)) {
    deps.log('warn', 'Chunk hit a fault that may pass; the message will be redelivered', {
      jobId: message.jobId,
      chunk: message.index,
      error: reason,
    });
    return { action: 'retry', reason };
  }
  const outcome = await failJob(job, `Chunk ${message.index + 1} of ${message.total}: ${reason}`, deps);
  guardMetrics(deps.metrics ?? NO_JOB_METRICS, deps.log).failed('render');
  await removeScratch(message.jobId, deps);
  return outcome;
}

/** A chunk of a job this attempt no longer holds: nothing to encode; a finished job's scratch goes. */
async function dropStale(
  message: ChunkMessage,
  record: JobRecord | undefined,
  deps: ChunkDeps,
): Promise<ProcessOutcome> {
  const status = record?.status ?? 'gone';
  deps.log('info', 'Chunk dropped: its job is no longer the attempt’s that split it', {
    jobId: message.jobId,
    chunk: message.index,
    status,
  });
  const over = !record || status === 'completed' || status === 'failed' || status === 'cancelled';
  if (over) await removeScratch(message.jobId, deps);
  else await deps.scratch.removePrefix(attemptScratchPrefix(message.jobId, message.attempt)).catch(() => 0);
  return { action: 'done', status };
}

async function removeScratch(jobId: string, deps: ChunkDeps): Promise<void> {
  await deps.scratch.removePrefix(jobScratchPrefix(jobId)).catch((error: unknown) =>
    deps.log('warn', 'Could not remove a chunked job’s scratch objects', {
      jobId,
      error: (error as Error).message,
    }),
  );
}
