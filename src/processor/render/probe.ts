import { z } from 'zod';
import { type MediaKind, probeRestrictions } from './media-formats.ts';

/** What the planner needs to know of one input file. */
export interface MediaProbe {
  /** Container format names as ffprobe reports them, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  readonly formatName: string;
  /** The allowed demuxer that read it, forced when ffmpeg opens the file again. */
  readonly demuxer: string;
  /** Streams of every kind in the file. */
  readonly streamCount: number;
  /** Seconds: the video stream's duration when there is one, else the container's. */
  readonly duration: number;
  readonly video?: {
    readonly codec: string;
    readonly pixelFormat: string;
    readonly width: number;
    readonly height: number;
    readonly frameRate: number;
    /**
     * Seconds from the file's start (its earliest stream) to the video's first frame. A video
     * that starts after its own audio is shifted back by this, so the output starts on that frame.
     */
    readonly startOffset: number;
  };
  readonly hasAudio: boolean;
}

const ffprobeOutput = z.object({
  format: z.object({
    format_name: z.string(),
    duration: z.coerce.number().optional(),
    start_time: z.coerce.number().optional(),
  }),
  streams: z.array(
    z.object({
      codec_type: z.string(),
      codec_name: z.string().optional(),
      pix_fmt: z.string().optional(),
      width: z.number().optional(),
      height: z.number().optional(),
      avg_frame_rate: z.string().optional(),
      r_frame_rate: z.string().optional(),
      duration: z.coerce.number().optional(),
      start_time: z.coerce.number().optional(),
      disposition: z.object({ attached_pic: z.number().optional() }).optional(),
    }),
  ),
});

/** What ffprobe's output says of a file, before its format is checked against the allowlist. */
export type ProbeReport = Omit<MediaProbe, 'demuxer'>;

/** The arguments that make ffprobe print what parseProbe reads, opening only allowed formats. */
export function buildProbeArgs(path: string, kind: MediaKind): string[] {
  return [
    '-v',
    'error',
    ...probeRestrictions(kind),
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    '-i',
    path,
  ];
}

function parseRate(rate: string | undefined): number {
  const [num, den] = (rate ?? '').split('/').map(Number);
  return num !== undefined && den !== undefined && num > 0 && den > 0 ? num / den : 0;
}

/**
 * How long after the file's start the video's first frame comes, to the microsecond (ffmpeg's own
 * unit); 0 when either time is missing.
 */
function startOffset(videoStart: number | undefined, fileStart: number | undefined): number {
  if (videoStart === undefined || fileStart === undefined) return 0;
  const micros = Math.round((videoStart - fileStart) * 1e6);
  return Number.isFinite(micros) && micros > 0 ? micros / 1e6 : 0;
}

/** Parses ffprobe's JSON; returns undefined when it does not describe a usable media file. */
export function parseProbe(json: string): ProbeReport | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = ffprobeOutput.safeParse(raw);
  if (!parsed.success) return undefined;
  const { format, streams } = parsed.data;
  // Cover art in audio files shows up as a one-frame "video" stream; it is not a video.
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
  const hasAudio = streams.some((s) => s.codec_type === 'audio');
  const offset = video ? startOffset(video.start_time, format.start_time) : 0;
  // Matroska gives no stream durations: the file's then counts from its start, not the picture's.
  const fileDuration = format.duration === undefined ? undefined : format.duration - offset;
  const duration = video?.duration ?? fileDuration ?? streams.find((s) => s.duration)?.duration;
  if (duration === undefined || !Number.isFinite(duration) || duration <= 0) return undefined;
  return {
    formatName: format.format_name,
    streamCount: streams.length,
    duration,
    hasAudio,
    ...(video
      ? {
          video: {
            codec: video.codec_name ?? 'unknown',
            pixelFormat: video.pix_fmt ?? 'unknown',
            width: video.width ?? 0,
            height: video.height ?? 0,
            frameRate: parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate),
            startOffset: offset,
          },
        }
      : {}),
  };
}
