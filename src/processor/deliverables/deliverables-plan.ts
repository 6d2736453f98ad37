import { join } from 'node:path';
import {
  DEFAULT_POSTER_MAX_WIDTH,
  type DeliverablesRequest,
  type HlsRequest,
  type PosterFormat,
  type RenditionRequest,
} from '@auto-vid/shared';
import { forcedInputOptions } from '../render/media-formats.ts';
import { formatNumber } from '../render/plan/filter-number.ts';

/** The rendered MP4 the deliverables are made from. */
export interface DeliverableSource {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  /** Seconds. */
  readonly duration: number;
  readonly frameRate: number;
  readonly hasAudio: boolean;
}

/** Video bitrate of a rendition by height when the spec gives none: the row at or below its height. */
export const DEFAULT_RENDITION_BITRATES: readonly (readonly [height: number, bitsPerSecond: number])[] = [
  [2160, 14_000_000],
  [1440, 8_000_000],
  [1080, 5_000_000],
  [720, 2_800_000],
  [540, 1_800_000],
  [480, 1_200_000],
  [360, 800_000],
  [240, 400_000],
  [144, 200_000],
];

/**
 * Seconds between keyframes of every encoded rendition, the same in each so they align. With HLS,
 * the largest interval up to this that divides the segment length, so every segment starts on one.
 */
export const RENDITION_KEYFRAME_SECONDS = 2;

/** The keyframe interval of the encodes: RENDITION_KEYFRAME_SECONDS, or a divisor of HLS's segment. */
export function keyframeSeconds(hls: HlsRequest | undefined): number {
  const { seconds, divisions } = keyframeInterval(hls);
  return seconds / divisions;
}

/** The interval as a segment length and how many parts it is cut in, so ffmpeg gets it exactly. */
function keyframeInterval(hls: HlsRequest | undefined): { seconds: number; divisions: number } {
  if (!hls) return { seconds: RENDITION_KEYFRAME_SECONDS, divisions: 1 };
  const divisions = Math.ceil(hls.segmentSeconds / RENDITION_KEYFRAME_SECONDS - 1e-9);
  return { seconds: hls.segmentSeconds, divisions };
}

/**
 * ffmpeg's `-force_key_frames` expression for the interval: a fraction, not a rounded decimal
 * (5/3 written as 1.666667 would key the frame after 5 s).
 */
export function keyframeExpression(hls: HlsRequest | undefined): string {
  const { seconds, divisions } = keyframeInterval(hls);
  const decimal = formatNumber(seconds / divisions);
  const exact = Number(decimal) * divisions === seconds;
  return `expr:gte(t,n_forced*${exact ? decimal : `${formatNumber(seconds)}/${divisions}`})`;
}

/**
 * Candidate frames a representative poster is chosen among: at most this many, spread over the
 * video, each scaled to the poster's width first (memory stays a few dozen frames of that size).
 */
export const POSTER_CANDIDATES = 60;
/** A candidate with at least this share of its pixels black (luma under 32) is skipped. */
const POSTER_MAX_BLACK_PERCENT = 50;
/** A candidate blurrier than this (ffmpeg's blurdetect; a sharp test pattern scores about 6) is skipped. */
const POSTER_MAX_BLUR = 8;

export interface PlannedPoster {
  readonly path: string;
  readonly format: PosterFormat;
  readonly width: number;
  readonly height: number;
  /** Seconds; undefined when ffmpeg picks the representative frame. */
  readonly time?: number;
}

export interface PlannedThumbnails {
  readonly spritePath: string;
  readonly trackPath: string;
  readonly interval: number;
  readonly count: number;
  readonly columns: number;
  readonly rows: number;
  readonly tileWidth: number;
  readonly tileHeight: number;
}

export interface PlannedRendition {
  /** The main MP4 itself, or an encode at a lower height. */
  readonly source: boolean;
  readonly path: string;
  readonly width: number;
  readonly height: number;
  /** Asked video bits per second of an encode; undefined for the source. */
  readonly bitsPerSecond?: number;
  readonly bitrate?: string;
}

/** One variant of the HLS package: the video of an MP4 (the main one or an encode), segmented. */
export interface PlannedHlsVariant {
  /** `source`, or the height such as `720p`: the name of its playlist and segments. */
  readonly name: string;
  readonly source: boolean;
  /** The MP4 its video is copied from. */
  readonly from: string;
  readonly width: number;
  readonly height: number;
}

export interface PlannedHls {
  /** The folder the package is written to: the playlists, init segments and media segments. */
  readonly directory: string;
  readonly segmentSeconds: number;
  /** In the spec's order, each height once. */
  readonly variants: readonly PlannedHlsVariant[];
  /** The MP4 the one shared audio rendition is copied from; undefined for a video without sound. */
  readonly audioFrom?: string;
}

export interface DeliverablesPlan {
  readonly filterGraph: string;
  /** Everything after the input and the filter script: each output's maps, codecs and file. */
  readonly outputArgs: readonly string[];
  readonly poster?: PlannedPoster;
  readonly thumbnails?: PlannedThumbnails;
  /** The MP4 renditions delivered, in the spec's order. */
  readonly renditions: readonly PlannedRendition[];
  readonly hls?: PlannedHls;
}

/** "1200k", "3M", "800000" as bits per second. */
export function bitsPerSecond(bitrate: string): number {
  const unit = bitrate.at(-1)?.toLowerCase();
  const scale = unit === 'k' ? 1_000 : unit === 'm' ? 1_000_000 : 1;
  return Math.round(Number.parseFloat(bitrate) * scale);
}

/** An even pixel count for `height` at the source's shape (libx264 needs even sizes). */
function evenWidthFor(height: number, source: DeliverableSource): number {
  return Math.max(2, Math.round((height * source.width) / source.height / 2) * 2);
}

function evenHeightFor(width: number, source: DeliverableSource): number {
  return Math.max(2, Math.round((width * source.height) / source.width / 2) * 2);
}

function defaultBitsPerSecond(height: number): number {
  const row = DEFAULT_RENDITION_BITRATES.find(([rowHeight]) => rowHeight <= height);
  return (row ?? DEFAULT_RENDITION_BITRATES.at(-1) ?? [0, 200_000])[1];
}

/**
 * What one ffmpeg run over the rendered MP4 makes for `output`'s poster, thumbnails and renditions,
 * or undefined when the spec asks for none. One decode feeds them all through `split`; encoded
 * renditions share keyframe times. Numbers only enter the filtergraph, never a user string.
 */
export function planDeliverables(
  output: DeliverablesRequest,
  source: DeliverableSource,
  directory: string,
  baseName: string,
): DeliverablesPlan | undefined {
  const poster = planPoster(output.poster, source, directory, baseName);
  const thumbnails = planThumbnails(output.thumbnails, source, directory, baseName);
  const renditions = planRenditions(output.renditions ?? [], source, directory, `${baseName}.`);
  const hls = planHls(output.hls, source, directory, baseName, renditions);
  if (!poster && !thumbnails && renditions.length === 0 && !hls) return undefined;
  // Each encode once: an HLS variant the same as an MP4 rendition is that rendition's file.
  const encoded = [...renditions, ...(hls?.encodes ?? [])].filter((rendition) => !rendition.source);
  const keyframes = { seconds: keyframeSeconds(output.hls), expression: keyframeExpression(output.hls) };
  const branches = [poster, thumbnails, ...encoded].filter((branch) => branch !== undefined).length;
  const chains: string[] = [];
  const outputArgs: string[] = [];
  if (branches > 0) {
    const labels = Array.from({ length: branches }, (_, i) => `[d${i}]`);
    chains.push(`[0:v]split=${branches}${labels.join('')}`);
  }
  let next = 0;
  if (poster) {
    chains.push(`[d${next++}]${posterChain(poster, source)}[poster]`);
    outputArgs.push('-map', '[poster]', '-frames:v', '1', ...posterCodec(poster.format), '-y', poster.path);
  }
  if (thumbnails) {
    chains.push(`[d${next++}]${spriteChain(thumbnails)}[sprite]`);
    outputArgs.push(
      '-map',
      '[sprite]',
      '-frames:v',
      '1',
      '-c:v',
      'mjpeg',
      '-q:v',
      '4',
      '-y',
      thumbnails.spritePath,
    );
  }
  for (const [index, rendition] of encoded.entries()) {
    const label = `[r${index}]`;
    chains.push(`[d${next++}]scale=${rendition.width}:${rendition.height}:flags=bicubic,setsar=1${label}`);
    outputArgs.push(
      '-map',
      label,
      ...(source.hasAudio ? ['-map', '0:a:0'] : []),
      ...renditionCodec(rendition, source, keyframes),
    );
  }
  return {
    filterGraph: chains.join(';\n'),
    outputArgs,
    ...(poster ? { poster } : {}),
    ...(thumbnails ? { thumbnails } : {}),
    renditions,
    ...(hls ? { hls: hls.package } : {}),
  };
}

/**
 * The HLS variants, each from the main MP4 (`source`, copied), an MP4 rendition of the same height
 * and bitrate, or an encode of its own; and the encodes only the package needs.
 */
function planHls(
  request: HlsRequest | undefined,
  source: DeliverableSource,
  directory: string,
  baseName: string,
  renditions: readonly PlannedRendition[],
): { readonly package: PlannedHls; readonly encodes: readonly PlannedRendition[] } | undefined {
  if (!request) return undefined;
  const wanted = planRenditions(request.renditions, source, directory, `${baseName}.hls.`);
  const encodes: PlannedRendition[] = [];
  const variants = wanted.map((rendition): PlannedHlsVariant => {
    const { width, height } = rendition;
    if (rendition.source) return { name: 'source', source: true, from: source.path, width, height };
    const same = renditions.find(
      (r) => !r.source && r.height === height && r.bitsPerSecond === rendition.bitsPerSecond,
    );
    if (!same) encodes.push(rendition);
    return { name: `${height}p`, source: false, from: (same ?? rendition).path, width, height };
  });
  return {
    package: {
      directory: join(directory, `${baseName}.hls`),
      segmentSeconds: request.segmentSeconds,
      variants,
      ...(source.hasAudio ? { audioFrom: source.path } : {}),
    },
    encodes,
  };
}

function planPoster(
  request: DeliverablesRequest['poster'],
  source: DeliverableSource,
  directory: string,
  baseName: string,
): PlannedPoster | undefined {
  if (request === undefined) return undefined;
  const options = request === true ? { format: 'jpg' as const } : request;
  const width = Math.min(options.width ?? Math.min(source.width, DEFAULT_POSTER_MAX_WIDTH), 3840);
  const evenWidth = Math.max(2, Math.round(width / 2) * 2);
  const lastFrame = Math.max(0, source.duration - 1 / source.frameRate);
  return {
    path: join(directory, `${baseName}.poster.${options.format}`),
    format: options.format,
    width: evenWidth,
    height: evenHeightFor(evenWidth, source),
    ...('time' in options && options.time !== undefined ? { time: Math.min(options.time, lastFrame) } : {}),
  };
}

/**
 * A frame at a time: the first at or after it. A representative frame: candidates spread over the
 * video, the black and the blurred ones dropped, then the thumbnail filter's pick among the rest.
 */
function posterChain(poster: PlannedPoster, source: DeliverableSource): string {
  const scale = `scale=${poster.width}:${poster.height}:flags=bicubic,setsar=1`;
  if (poster.time !== undefined) return `select='gte(t,${formatNumber(poster.time)})',${scale}`;
  const rate = Math.min(source.frameRate, POSTER_CANDIDATES / Math.max(source.duration, 1));
  return [
    `fps=${formatNumber(rate)}`,
    scale,
    'blackframe=amount=0:threshold=32',
    `metadata=mode=select:key=lavfi.blackframe.pblack:value=${POSTER_MAX_BLACK_PERCENT}:function=less`,
    'blurdetect',
    `metadata=mode=select:key=lavfi.blur:value=${POSTER_MAX_BLUR}:function=less`,
    `thumbnail=n=${POSTER_CANDIDATES}`,
  ].join(',');
}

/**
 * The middle frame as the poster: for a video whose every candidate frame is black or blurred,
 * which leaves the representative pick with none.
 */
export function middleFramePosterArgs(poster: PlannedPoster, source: DeliverableSource): string[] {
  return [
    '-ss',
    formatNumber(source.duration / 2),
    ...forcedInputOptions('mov'),
    '-i',
    source.path,
    '-map',
    '0:v:0',
    '-frames:v',
    '1',
    '-vf',
    `scale=${poster.width}:${poster.height}:flags=bicubic,setsar=1`,
    ...posterCodec(poster.format),
    '-y',
    poster.path,
  ];
}

function posterCodec(format: PosterFormat): string[] {
  return format === 'webp' ? ['-c:v', 'libwebp', '-quality', '85'] : ['-c:v', 'mjpeg', '-q:v', '3'];
}

function planThumbnails(
  request: DeliverablesRequest['thumbnails'],
  source: DeliverableSource,
  directory: string,
  baseName: string,
): PlannedThumbnails | undefined {
  if (request === undefined) return undefined;
  const count = Math.max(1, Math.ceil(source.duration / request.interval - 1e-9));
  const columns = Math.min(10, count);
  const tileWidth = Math.max(2, Math.round(request.width / 2) * 2);
  return {
    spritePath: join(directory, `${baseName}.thumbnails.jpg`),
    trackPath: join(directory, `${baseName}.thumbnails.vtt`),
    interval: request.interval,
    count,
    columns,
    rows: Math.ceil(count / columns),
    tileWidth,
    tileHeight: evenHeightFor(tileWidth, source),
  };
}

/** One frame at the start of each interval, scaled, laid out row by row on one sheet. */
function spriteChain(thumbnails: PlannedThumbnails): string {
  return [
    `fps=1/${formatNumber(thumbnails.interval)}:round=down`,
    `scale=${thumbnails.tileWidth}:${thumbnails.tileHeight}:flags=bicubic,setsar=1`,
    `tile=${thumbnails.columns}x${thumbnails.rows}`,
  ].join(',');
}

/** The renditions asked for, each encode's file named `<prefix><height>p.mp4`. */
function planRenditions(
  requests: readonly RenditionRequest[],
  source: DeliverableSource,
  directory: string,
  filePrefix: string,
): PlannedRendition[] {
  const planned: PlannedRendition[] = [];
  for (const request of requests) {
    // Never upscaled: a rendition as tall as the video or taller is the main MP4.
    if (request === 'source' || request.height >= source.height) {
      if (!planned.some((r) => r.source)) {
        planned.push({ source: true, path: source.path, width: source.width, height: source.height });
      }
      continue;
    }
    const height = request.height % 2 === 0 ? request.height : request.height - 1;
    // 481 and 480 are one even height: planned once, as the first asked.
    if (planned.some((r) => !r.source && r.height === height)) continue;
    const bits = request.bitrate ? bitsPerSecond(request.bitrate) : defaultBitsPerSecond(height);
    planned.push({
      source: false,
      path: join(directory, `${filePrefix}${height}p.mp4`),
      width: evenWidthFor(height, source),
      height,
      bitsPerSecond: bits,
      bitrate: `${Math.round(bits / 1000)}k`,
    });
  }
  return planned;
}

/**
 * H.264 at the asked average bitrate, capped at 1.5 times it, a keyframe at every multiple of
 * `keyframes.seconds` and none elsewhere (so renditions switch cleanly and HLS segments start on
 * one); the audio copied.
 */
function renditionCodec(
  rendition: PlannedRendition,
  source: DeliverableSource,
  keyframes: { readonly seconds: number; readonly expression: string },
): string[] {
  const bits = rendition.bitsPerSecond ?? 0;
  // Forced keyframes are placed by time; the GOP limit only stops x264 adding its own between them.
  const gopLimit = Math.max(2, Math.ceil(source.frameRate * keyframes.seconds) * 2);
  return [
    '-c:v',
    'libx264',
    '-preset',
    'fast',
    '-profile:v',
    'high',
    '-pix_fmt',
    'yuv420p',
    '-b:v',
    String(bits),
    '-maxrate',
    String(Math.round(bits * 1.5)),
    '-bufsize',
    String(bits * 2),
    '-force_key_frames',
    keyframes.expression,
    '-g',
    String(gopLimit),
    '-sc_threshold',
    '0',
    ...(source.hasAudio ? ['-c:a', 'copy'] : []),
    '-movflags',
    '+faststart',
    '-y',
    rendition.path,
  ];
}
