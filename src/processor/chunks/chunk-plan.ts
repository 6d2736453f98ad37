/**
 * How a re-encode is split into chunks: pure. A chunk starts on a keyframe of the source, so its
 * encoder decodes nothing before it, and holds every frame up to the next chunk's first: each
 * source frame is encoded once, by exactly one chunk.
 */

/** The source's video frames as the probe found them. */
export interface SourceFrames {
  /** Presentation times in seconds from the first frame (0 first), ascending. */
  readonly times: readonly number[];
  /** Indexes into `times` of the frames a decoder can start on, ascending; 0 among them. */
  readonly keyframes: readonly number[];
  /** Seconds from the file's start to the first frame: `-ss` counts from the file's start. */
  readonly fileOffset: number;
}

/** One chunk: which source frames it encodes, and how many frames it writes. */
export interface ChunkRange {
  readonly index: number;
  /** Index of its first source frame (a keyframe). */
  readonly firstFrame: number;
  /** Source frames it encodes. */
  readonly frameCount: number;
  /** Seconds from the first frame to its first frame: where its picture sits in the output. */
  readonly start: number;
  /** Where the next chunk starts (the output's duration for the last). */
  readonly end: number;
  /**
   * Frames it writes: `frameCount`, or with a new frame rate the output frames of [start, end),
   * counted so that the chunks' sum is round(duration × fps), what a single run writes.
   */
  readonly outputFrames: number;
}

/**
 * Chunks of about `targetSeconds`, each starting on the first keyframe at or after the previous
 * one's start plus the target. A last piece shorter than half the target joins the chunk before it.
 * `fps`: the output's new frame rate, when the job asks for one.
 */
export function planChunks(
  frames: SourceFrames,
  { targetSeconds, duration, fps }: { targetSeconds: number; duration: number; fps?: number },
): ChunkRange[] {
  const starts = chunkStarts(frames, targetSeconds, duration);
  return starts.map((firstFrame, index) => {
    const next = starts[index + 1];
    const lastFrame = next ?? frames.times.length;
    const start = frames.times[firstFrame] as number;
    const end = next === undefined ? duration : (frames.times[next] as number);
    const frameCount = lastFrame - firstFrame;
    const outputFrames = fps === undefined ? frameCount : Math.round(end * fps) - Math.round(start * fps);
    return { index, firstFrame, frameCount, start, end, outputFrames };
  });
}

function chunkStarts(frames: SourceFrames, targetSeconds: number, duration: number): number[] {
  const starts = [0];
  let from = 0;
  for (const keyframe of frames.keyframes) {
    const time = frames.times[keyframe] as number;
    if (keyframe === 0 || time < from + targetSeconds) continue;
    // A tail shorter than half a chunk is not worth its own encoder.
    if (duration - time < targetSeconds / 2) break;
    starts.push(keyframe);
    from = time;
  }
  return starts;
}

/**
 * Where a chunk's encoder seeks: half a frame before its first frame, so that frame is the first
 * one kept whatever the rounding of the seek, and the frame before it is dropped. The first chunk
 * reads from the file's start.
 */
export function seekTime(frames: SourceFrames, chunk: ChunkRange): number | undefined {
  if (chunk.firstFrame === 0) return undefined;
  const previous = frames.times[chunk.firstFrame - 1] as number;
  return frames.fileOffset + (previous + chunk.start) / 2;
}
