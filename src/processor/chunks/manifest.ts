import { basename } from 'node:path';
import { CAPTION_FORMATS } from '@auto-vid/shared';
import { z } from 'zod';
import { CHUNK_PREFIX } from '../../policy/deployment-rules.ts';

/** Everything of a job's chunked re-encode, under `chunks/<jobId>/`. */
export function jobScratchPrefix(jobId: string): string {
  return `${CHUNK_PREFIX}${jobId}/`;
}

/** One attempt's objects: a later attempt that splits the job again writes beside them. */
export function attemptScratchPrefix(jobId: string, attempt: number): string {
  return `${jobScratchPrefix(jobId)}${attempt}/`;
}

/** A chunk's encoded file, by index: `part-0000.mp4`, … (the join's list names them). */
export function partName(index: number): string {
  return `part-${String(index).padStart(4, '0')}.mp4`;
}

/** A caption file's key, by its own name in the job folder (the output's name, our extension). */
export function captionKey(prefix: string, path: string): string {
  return `${prefix}captions/${basename(path)}`;
}

/**
 * What the processor leaves for the chunk encoders beside the files: the job as it was claimed, the
 * chunks, and where each file is. Read by every chunk encoder and by the join.
 */
export const chunkManifestSchema = z.object({
  message: z.object({ jobId: z.string(), jobSpec: z.unknown(), submittedAt: z.string() }),
  /** The spec as the processor validated it (defaults applied). */
  spec: z.unknown(),
  claimedAt: z.string(),
  duration: z.number().positive(),
  demuxer: z.string(),
  chunks: z.array(
    z.object({
      index: z.number().int().min(0),
      seekTo: z.number().min(0).optional(),
      start: z.number().min(0),
      outputFrames: z.number().int().min(1),
    }),
  ),
  sourceKey: z.string(),
  audioKey: z.string(),
  captions: z
    .object({
      language: z.string(),
      trackLanguage: z.string(),
      cueCount: z.number().int().min(0),
      sidecars: z.array(z.object({ format: z.enum(CAPTION_FORMATS), key: z.string() })),
      trackKey: z.string().optional(),
      burnInKey: z.string().optional(),
    })
    .optional(),
});
export type ChunkManifest = z.infer<typeof chunkManifestSchema>;

export const MANIFEST_NAME = 'manifest.json';
