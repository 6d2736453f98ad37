/** What a dry run learns of one media file from its headers, and the port it learns it through. */

export type MediaKind = 'video' | 'audio';

/** The container families the renderer opens (src/processor/render/media-formats.ts), by kind. */
export type MediaContainer = 'mp4' | 'matroska' | 'mp3' | 'aac' | 'wav' | 'flac' | 'ogg';

export interface VideoFacts {
  /** The codec as the container names it: `avc1` for H.264 in MP4, `V_MPEG4/ISO/AVC` in Matroska. */
  readonly codec: string;
  readonly width?: number;
  readonly height?: number;
  /** Frames per second, when the headers state it (Matroska does; MP4 does not without its tables). */
  readonly frameRate?: number;
}

export interface MediaFacts {
  /** Seconds: the video stream's length for a video (as the renderer takes it), else the file's. */
  readonly duration: number;
  readonly container: MediaContainer;
  readonly video?: VideoFacts;
}

/**
 * Reads what a source holds from its headers, never the whole file. Throws MediaReadError; gives up
 * when `signal` fires (the dry run's own time is up).
 */
export interface MediaFactsReader {
  read(source: string, kind: MediaKind, signal?: AbortSignal): Promise<MediaFacts>;
}

/**
 * A source that could not be read, or not understood from its headers. The message says why; the
 * caller names the field. Retrying the dry run helps only when the message says so (a timeout).
 */
export class MediaReadError extends Error {
  override readonly name = 'MediaReadError';
}
