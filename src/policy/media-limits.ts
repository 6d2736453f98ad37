/**
 * What one render may be asked to read, checked after probing and before anything is decoded. A
 * file's header is cheap to forge: a few kilobytes can declare 8192×8192 frames or 100 hours, and
 * ffmpeg would try to honour it with the Lambda's memory and the whole attempt.
 */
export interface MediaLimits {
  /** Pixels per video frame (width × height). */
  readonly maxVideoPixels: number;
  /** Seconds of source video. */
  readonly maxVideoSeconds: number;
  /** Frames per second of the source video. */
  readonly maxVideoFps: number;
  /** Streams of any kind in one file. */
  readonly maxStreamsPerFile: number;
  /** Seconds of one audio asset. */
  readonly maxAudioSeconds: number;
}

/** Largest asset fetched over HTTP by default: the processor has 10 GB of /tmp for all of a job. */
export const DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024 ** 3;

/** Largest file a POST /uploads URL admits by default (S3 takes at most 5 GB in one PUT). */
export const DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

export const DEFAULT_MEDIA_LIMITS: MediaLimits = {
  maxVideoPixels: 4096 * 2304,
  maxVideoSeconds: 3 * 60 * 60,
  maxVideoFps: 120,
  maxStreamsPerFile: 16,
  maxAudioSeconds: 3 * 60 * 60,
};

/** The environment variable that raises or lowers each limit, named in every refusal. */
export const MEDIA_LIMIT_SETTINGS: Readonly<Record<keyof MediaLimits, string>> = {
  maxVideoPixels: 'MAX_VIDEO_PIXELS',
  maxVideoSeconds: 'MAX_VIDEO_SECONDS',
  maxVideoFps: 'MAX_VIDEO_FPS',
  maxStreamsPerFile: 'MAX_STREAMS_PER_FILE',
  maxAudioSeconds: 'MAX_AUDIO_SECONDS',
};

/** What a file's probe or headers tell of it; a value not known is not checked. */
export interface MediaMeasures {
  /** Seconds. */
  readonly duration: number;
  readonly streamCount?: number;
  readonly video?: { readonly width?: number; readonly height?: number; readonly frameRate?: number };
}

const roundTo100th = (value: number): number => Math.round(value * 100) / 100;

/**
 * Each limit a file goes beyond, as the tail of a sentence whose subject is the file: `lasts 12 s,
 * above the limit of 10 s (MAX_VIDEO_SECONDS)`. In the order the renderer refuses them: streams,
 * then a video's frame size, length and rate, or an audio file's length.
 */
export function findLimitBreaches(
  measures: MediaMeasures,
  kind: 'video' | 'audio',
  limits: MediaLimits,
): string[] {
  const breaches: string[] = [];
  const beyond = (what: string, limit: keyof MediaLimits, allowed: string) =>
    breaches.push(`${what}, above the limit of ${allowed} (${MEDIA_LIMIT_SETTINGS[limit]})`);
  const streams = measures.streamCount ?? 0;
  if (streams > limits.maxStreamsPerFile)
    beyond(`has ${streams} streams`, 'maxStreamsPerFile', `${limits.maxStreamsPerFile}`);
  const seconds = (value: number) => `${roundTo100th(value)} s`;
  if (kind === 'audio') {
    if (measures.duration > limits.maxAudioSeconds)
      beyond(`lasts ${seconds(measures.duration)}`, 'maxAudioSeconds', seconds(limits.maxAudioSeconds));
    return breaches;
  }
  const { width = 0, height = 0, frameRate = 0 } = measures.video ?? {};
  if (width * height > limits.maxVideoPixels)
    beyond(
      `has ${width}×${height} frames (${width * height} pixels)`,
      'maxVideoPixels',
      `${limits.maxVideoPixels} pixels per frame`,
    );
  if (measures.duration > limits.maxVideoSeconds)
    beyond(`lasts ${seconds(measures.duration)}`, 'maxVideoSeconds', seconds(limits.maxVideoSeconds));
  if (frameRate > limits.maxVideoFps)
    beyond(`runs at ${roundTo100th(frameRate)} fps`, 'maxVideoFps', `${limits.maxVideoFps} fps`);
  return breaches;
}
