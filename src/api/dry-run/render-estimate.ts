import type { JobSpec, RenderEstimate, SpeechCharacters } from '@auto-vid/shared';
import { findCopyObstacle, type VideoStreamFacts } from '../../policy/video-copy.ts';
import type { MediaFacts } from './media-facts.ts';
import { roundSeconds, roundUsd } from './rounding.ts';

/**
 * Public prices, US East, as read on the day below (sources in docs/dry-run.md): Lambda on arm64
 * (the processor's architecture) per GB-second, first tier; Polly per million characters.
 */
export const PRICES = {
  asOf: '2026-11-21',
  lambdaGbSecondUsd: 0.0000133334,
  pollyPerMillionCharactersUsd: { standard: 4, neural: 16, 'long-form': 100, generative: 30 },
} as const;

/**
 * Measured renders of a 3-minute 1080p input on 2 cores: the copy ("fast") path took 2.70 s, a
 * libx264 re-encode 224 s (about 0.8× realtime). Seconds of render per second of video.
 */
export const COPY_SECONDS_PER_VIDEO_SECOND = 2.7 / 180;
export const ENCODE_SECONDS_PER_VIDEO_SECOND = 224 / 180;
/** The measured re-encode's frame: x264's work grows with the pixels it encodes. */
const MEASURED_PIXELS = 1920 * 1080;

export interface VideoPath {
  readonly path: 'copy' | 'encode';
  readonly reason: string;
  /** Set when the spec asks for a copy that the renderer would refuse: why. */
  readonly refusedCopy?: string;
}

/** H.264 as MP4 and MOV (`avc1`, `avc3`) and Matroska name it. */
const H264_CODECS: ReadonlySet<string> = new Set(['avc1', 'avc3', 'V_MPEG4/ISO/AVC']);

/** The headers' video stream as the copy decision reads it (pixel format unknown: not held against it). */
function headersStream(video: MediaFacts): VideoStreamFacts | undefined {
  if (!video.video) return undefined;
  const { codec, frameRate } = video.video;
  return {
    codec,
    isH264: H264_CODECS.has(codec),
    container: video.container,
    isMp4: video.container === 'mp4',
    ...(frameRate === undefined ? {} : { frameRate }),
  };
}

/**
 * Whether the renderer copies the video stream or re-encodes it, decided as
 * src/processor/render/plan/output-args.ts decides it, from what the headers tell.
 */
export function chooseVideoPath(spec: JobSpec, video: MediaFacts): VideoPath {
  const mode = spec.output.encoding?.video ?? 'auto';
  if (mode === 'encode') return { path: 'encode', reason: 'output.encoding.video is "encode"' };
  const obstacle = findCopyObstacle(spec, headersStream(video));
  if (mode === 'copy') {
    const refused = obstacle?.assumed ? undefined : obstacle?.why;
    return {
      path: 'copy',
      reason: 'output.encoding.video is "copy"',
      ...(refused ? { refusedCopy: refused } : {}),
    };
  }
  if (obstacle) return { path: 'encode', reason: `the video is re-encoded: ${obstacle.why}` };
  return { path: 'copy', reason: 'H.264 in MP4 and nothing asks for a change: the video stream is copied' };
}

/** Render seconds: the measured rate of the path, a re-encode scaled by the frame's pixels. */
export function estimateRenderSeconds(path: VideoPath['path'], video: MediaFacts): number {
  if (path === 'copy') return video.duration * COPY_SECONDS_PER_VIDEO_SECOND;
  const { width, height } = video.video ?? {};
  const scale = width && height ? (width * height) / MEASURED_PIXELS : 1;
  return video.duration * ENCODE_SECONDS_PER_VIDEO_SECOND * scale;
}

/** Polly's price of the characters, by engine; espeak-ng costs nothing. */
export function priceSpeech(characters: SpeechCharacters): number {
  const prices = PRICES.pollyPerMillionCharactersUsd;
  return (
    (characters.standard * prices.standard +
      characters.neural * prices.neural +
      characters['long-form'] * prices['long-form'] +
      characters.generative * prices.generative) /
    1_000_000
  );
}

/**
 * The render's time and cost: Lambda's GB-second price × the processor's memory in GB × the
 * render seconds, plus Polly's price of the characters.
 */
export function estimateRender(input: {
  readonly video: MediaFacts;
  readonly path: VideoPath;
  readonly characters: SpeechCharacters;
  readonly memoryMb: number;
}): RenderEstimate {
  const renderSeconds = roundSeconds(estimateRenderSeconds(input.path.path, input.video));
  const lambdaUsd = renderSeconds * (input.memoryMb / 1024) * PRICES.lambdaGbSecondUsd;
  const speechUsd = priceSpeech(input.characters);
  return {
    videoPath: input.path.path,
    videoPathReason: input.path.reason,
    renderSeconds,
    memoryMb: input.memoryMb,
    cost: {
      lambdaUsd: roundUsd(lambdaUsd),
      speechUsd: roundUsd(speechUsd),
      totalUsd: roundUsd(lambdaUsd + speechUsd),
    },
    prices: {
      lambdaGbSecondUsd: PRICES.lambdaGbSecondUsd,
      pollyPerMillionCharactersUsd: { ...PRICES.pollyPerMillionCharactersUsd },
      asOf: PRICES.asOf,
    },
  };
}
