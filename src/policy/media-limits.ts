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
