import type { JobSpec } from '@auto-vid/shared';

/**
 * What is known of a source's video stream, from ffprobe (the renderer) or from the file's headers
 * (the dry run). A value the headers do not give is undefined and not held against a copy.
 */
export interface VideoStreamFacts {
  /** The codec as named where it was read (`h264` by ffprobe, `avc1` in MP4 headers). */
  readonly codec: string;
  readonly isH264: boolean;
  readonly pixelFormat?: string;
  /** The container as named where it was read (`mov,mp4,m4a,…` by ffprobe, `matroska` …). */
  readonly container: string;
  readonly isMp4: boolean;
  readonly frameRate?: number;
}

/** Why the video is not copied; `assumed` when the headers cannot tell and a re-encode is supposed. */
export interface CopyObstacle {
  readonly why: string;
  readonly assumed?: true;
}

/** Frame rates this close are the same rate (29.97 written for 30000/1001). */
const SAME_RATE = 0.01;
const COPYABLE_PIXEL_FORMATS: ReadonlySet<string> = new Set(['yuv420p', 'yuvj420p']);
const shown = (value: number): string => String(Math.round(value * 1000) / 1000);

/** Why MP4 cannot take the source's video stream as it is; undefined when it can. */
function uncopyable(video: VideoStreamFacts | undefined): string | undefined {
  if (!video) return 'the source has no video stream';
  if (!video.isH264) return `its codec is ${video.codec}, not H.264`;
  if (video.pixelFormat !== undefined && !COPYABLE_PIXEL_FORMATS.has(video.pixelFormat))
    return `its pixel format is ${video.pixelFormat}, not yuv420p`;
  if (!video.isMp4) return `its container is ${video.container}, not MP4`;
  return undefined;
}

/** What the spec asks of the picture that a stream copy cannot give; undefined when nothing. */
function askedChange(spec: JobSpec, video: VideoStreamFacts | undefined): CopyObstacle | undefined {
  const encoding = spec.output.encoding;
  if (encoding?.bitrate !== undefined) return { why: `a bitrate (${encoding.bitrate}) is set` };
  if (encoding?.crf !== undefined) return { why: 'a crf is set' };
  const rate = video?.frameRate;
  if (encoding?.fps !== undefined && rate === undefined)
    return {
      why: `fps ${shown(encoding.fps)} is set and the source's rate is not in its headers`,
      assumed: true,
    };
  if (encoding?.fps !== undefined && rate !== undefined && Math.abs(encoding.fps - rate) > SAME_RATE)
    return { why: `fps ${shown(encoding.fps)} differs from the source's ${shown(rate)}` };
  if (spec.output.captions?.burnIn) return { why: 'captions are burned in' };
  return undefined;
}

/**
 * Why the output cannot copy the source's video stream under `output.encoding.video: "auto"`, or
 * undefined when it can: MP4 cannot hold the stream as it is, or the spec asks for something a copy
 * cannot give (a bitrate, a crf, another frame rate, burned-in captions); a preset alone, or the
 * source's own fps, changes nothing. The renderer and the dry run both decide by it.
 */
export function findCopyObstacle(
  spec: JobSpec,
  video: VideoStreamFacts | undefined,
): CopyObstacle | undefined {
  const cannot = uncopyable(video);
  return cannot === undefined ? askedChange(spec, video) : { why: cannot };
}
