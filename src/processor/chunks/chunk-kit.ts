import type { JobSpec } from '@auto-vid/shared';
import type { CaptionFiles } from '../captions/write-captions.ts';

/** One chunk as its encoder is told: the frames it writes and where it seeks. */
export interface ChunkTask {
  readonly index: number;
  /** Seconds into the source file; none for the first chunk, which reads from the start. */
  readonly seekTo?: number;
  /** Seconds from the output's start to the chunk's first frame (where burned-in captions are). */
  readonly start: number;
  readonly outputFrames: number;
}

/**
 * What a render hands to the chunk encoders once it has split a re-encode: files in the job
 * folder (there for as long as `handOff` runs) and the chunks.
 */
export interface ChunkKit {
  readonly sourcePath: string;
  /** The allowed demuxer the probe found; the encoders open the source with it forced. */
  readonly demuxer: string;
  /** The output's duration in seconds. */
  readonly duration: number;
  readonly encoding: JobSpec['output']['encoding'];
  readonly chunks: readonly ChunkTask[];
  /** The finished audio track (AAC in M4A). */
  readonly audioPath: string;
  readonly captions?: CaptionFiles;
}

/** How a render splits long re-encodes, and to whom it hands them. */
export interface RenderChunking {
  /** Re-encodes longer than this (seconds) are split. */
  readonly thresholdSeconds: number;
  /** Target length of one chunk, seconds. */
  readonly chunkSeconds: number;
  handOff(kit: ChunkKit): Promise<void>;
}

/** A render that handed its re-encode to the chunk encoders: the job goes on without it. */
export interface HandedOff {
  readonly handedOff: true;
  readonly chunks: number;
}
