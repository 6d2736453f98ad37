import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeliverablesRequest } from '@auto-vid/shared';
import { probeMedia, runFfmpeg } from '../render/ffmpeg.ts';
import { forcedInputOptions } from '../render/media-formats.ts';
import {
  type DeliverableSource,
  type DeliverablesPlan,
  middleFramePosterArgs,
  type PlannedPoster,
  planDeliverables,
} from './deliverables-plan.ts';
import { type HlsPackage, packageHls } from './hls-package.ts';
import { formatThumbnailTrack } from './thumbnail-track.ts';

/** One file a job delivers besides its MP4, as made on this machine. */
export interface DeliveredFile {
  readonly localPath: string;
  readonly size: number;
  readonly width: number;
  readonly height: number;
}

export interface Deliverables {
  readonly poster?: DeliveredFile & { readonly format: string };
  readonly thumbnails?: {
    readonly sprite: DeliveredFile;
    readonly track: { readonly localPath: string; readonly size: number };
    readonly interval: number;
    readonly count: number;
  };
  /** In the spec's order; `source` is the main MP4 itself. */
  readonly renditions: readonly (DeliveredFile & { readonly source: boolean; readonly bitrate?: string })[];
  /** The HLS package's folder, variants and files, when asked. */
  readonly hls?: HlsPackage;
}

export interface DeliverablesRun {
  readonly signal?: AbortSignal;
  readonly deadlineAt?: number;
  readonly onProgress?: (percent: number) => void;
}

/**
 * The poster, thumbnails, renditions and HLS package `output` asks for, made from the rendered MP4
 * into `directory`: one ffmpeg run decodes it once and `split`s it to each image and encode, a
 * second one (stream copies only) segments the package. Undefined when it asks for none.
 */
export async function makeDeliverables(
  output: DeliverablesRequest,
  mp4Path: string,
  directory: string,
  baseName: string,
  run: DeliverablesRun = {},
): Promise<Deliverables | undefined> {
  const source = await describeSource(mp4Path);
  const plan = planDeliverables(output, source, directory, baseName);
  if (!plan) return undefined;
  if (plan.outputArgs.length > 0) {
    const scriptPath = join(directory, 'deliverables-filtergraph.txt');
    await writeFile(scriptPath, plan.filterGraph, 'utf8');
    await runFfmpeg(
      [...forcedInputOptions('mov'), '-i', mp4Path, '-filter_complex_script', scriptPath, ...plan.outputArgs],
      {
        duration: source.duration,
        signal: run.signal,
        deadlineAt: run.deadlineAt,
        onProgress: run.onProgress,
      },
    );
  }
  if (plan.poster) await ensurePoster(plan.poster, source, run);
  const delivered = await describeDeliverables(plan, source);
  if (!plan.hls) return delivered;
  const hls = await packageHls(plan.hls, {
    duration: source.duration,
    signal: run.signal,
    deadlineAt: run.deadlineAt,
  });
  return { ...delivered, hls };
}

async function describeSource(path: string): Promise<DeliverableSource> {
  const probe = await probeMedia(path, 'Rendered output', 'video');
  const video = probe.video ?? { width: 2, height: 2, frameRate: 25 };
  return {
    path,
    width: video.width,
    height: video.height,
    duration: probe.duration,
    frameRate: video.frameRate > 0 ? video.frameRate : 25,
    hasAudio: probe.hasAudio,
  };
}

/** The representative pick may find every candidate black or blurred: the middle frame then. */
async function ensurePoster(
  poster: PlannedPoster,
  source: DeliverableSource,
  run: DeliverablesRun,
): Promise<void> {
  const made = await stat(poster.path).catch(() => undefined);
  if (made && made.size > 0) return;
  await runFfmpeg(middleFramePosterArgs(poster, source), {
    duration: 1,
    signal: run.signal,
    deadlineAt: run.deadlineAt,
  });
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path)).size;
}

async function describeDeliverables(
  plan: DeliverablesPlan,
  source: DeliverableSource,
): Promise<Deliverables> {
  const { poster, thumbnails } = plan;
  let delivered: Deliverables = {
    renditions: await Promise.all(
      plan.renditions.map(async (r) => ({
        localPath: r.path,
        size: await sizeOf(r.path),
        width: r.width,
        height: r.height,
        source: r.source,
        ...(r.bitrate ? { bitrate: r.bitrate } : {}),
      })),
    ),
  };
  if (poster) {
    const file = {
      localPath: poster.path,
      size: await sizeOf(poster.path),
      width: poster.width,
      height: poster.height,
    };
    delivered = { ...delivered, poster: { ...file, format: poster.format } };
  }
  if (thumbnails) {
    await writeFile(thumbnails.trackPath, formatThumbnailTrack(thumbnails, source.duration), 'utf8');
    const sprite = {
      localPath: thumbnails.spritePath,
      size: await sizeOf(thumbnails.spritePath),
      width: thumbnails.columns * thumbnails.tileWidth,
      height: thumbnails.rows * thumbnails.tileHeight,
    };
    const track = { localPath: thumbnails.trackPath, size: await sizeOf(thumbnails.trackPath) };
    delivered = {
      ...delivered,
      thumbnails: { sprite, track, interval: thumbnails.interval, count: thumbnails.count },
    };
  }
  return delivered;
}
