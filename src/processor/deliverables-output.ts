import { basename, join } from 'node:path';
import { NO_DELIVERABLES, type StoredOutput } from '@auto-vid/shared';
import type { OutputStore, S3Location } from '../jobs/output-store.ts';
import { createPlaybackKey, signedPlaybackUrl } from '../jobs/playback-token.ts';
import { CONSOLE_PREFIX, OUTPUT_PREFIX } from '../policy/deployment-rules.ts';
import type { AttemptLimits } from './attempt.ts';
import { MASTER_PLAYLIST } from './deliverables/hls-package.ts';
import type { Deliverables } from './deliverables/make-deliverables.ts';
import type { Destination } from './job-output.ts';
import { storeOutput } from './job-output.ts';
import { mapWithConcurrency } from './map-with-concurrency.ts';

/** Uploads of an HLS package's files at once: segments are small, so the round trips dominate. */
const HLS_UPLOADS_AT_ONCE = 8;

/** What each delivered file is served as, by its extension. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.vtt': 'text/vtt; charset=utf-8',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
  '.m3u8': 'application/vnd.apple.mpegurl',
};

function contentTypeOf(path: string): string {
  const extension = path.slice(path.lastIndexOf('.'));
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/** Where each deliverable was stored: beside the MP4 in S3; nothing for a folder output. */
export interface StoredDeliverables {
  readonly made: Deliverables;
  readonly poster?: S3Location;
  readonly sprite?: S3Location;
  readonly track?: S3Location;
  /** In the order of `made.renditions`; undefined for the source (the MP4's own location). */
  readonly renditions: readonly (S3Location | undefined)[];
  /** The master playlist, in a folder of its own that only this job writes. */
  readonly hlsMaster?: S3Location;
}

/** The folder of a job's HLS package: beside the MP4, named after it and the job, so no other job writes there. */
export function hlsPrefix(mp4Key: string, jobId: string): string {
  const name = mp4Key.slice(mp4Key.lastIndexOf('/') + 1).replace(/\.mp4$/, '');
  return `${mp4Key.slice(0, mp4Key.lastIndexOf('/') + 1)}${name}.hls/${jobId}/`;
}

/**
 * Uploads the poster, the thumbnails, the renditions (beside the MP4, as `storeOutput` stores it)
 * and the HLS package (its own folder), within the attempt's limits.
 */
export async function storeDeliverables(
  outputs: OutputStore,
  made: Deliverables | undefined,
  destination: Destination,
  jobId: string,
  limits: AttemptLimits,
): Promise<StoredDeliverables | undefined> {
  if (!made) return undefined;
  if (destination.kind === 'folder') return { made, renditions: made.renditions.map(() => undefined) };
  const { bucket, key } = destination.location;
  const beside = (path: string) =>
    storeOutput(
      outputs,
      path,
      { bucket, key: `${key.slice(0, key.lastIndexOf('/') + 1)}${basename(path)}` },
      limits,
      contentTypeOf(path),
    );
  const [poster, sprite, track, renditions, hlsMaster] = await Promise.all([
    made.poster ? beside(made.poster.localPath) : undefined,
    made.thumbnails ? beside(made.thumbnails.sprite.localPath) : undefined,
    made.thumbnails ? beside(made.thumbnails.track.localPath) : undefined,
    Promise.all(made.renditions.map((r) => (r.source ? undefined : beside(r.localPath)))),
    made.hls ? storeHls(outputs, made.hls, { bucket, prefix: hlsPrefix(key, jobId) }, limits) : undefined,
  ]);
  return {
    made,
    renditions,
    ...(poster ? { poster } : {}),
    ...(sprite ? { sprite } : {}),
    ...(track ? { track } : {}),
    ...(hlsMaster ? { hlsMaster } : {}),
  };
}

/** Every file of the package; the master playlist last, so a package that has one is complete. */
async function storeHls(
  outputs: OutputStore,
  hls: NonNullable<Deliverables['hls']>,
  folder: { readonly bucket: string; readonly prefix: string },
  limits: AttemptLimits,
): Promise<S3Location> {
  const at = (name: string): S3Location => ({ bucket: folder.bucket, key: `${folder.prefix}${name}` });
  const parts = hls.files.filter((name) => name !== MASTER_PLAYLIST);
  await mapWithConcurrency(parts, HLS_UPLOADS_AT_ONCE, (name) =>
    storeOutput(outputs, join(hls.directory, name), at(name), limits, contentTypeOf(name)),
  );
  const master = at(MASTER_PLAYLIST);
  await storeOutput(
    outputs,
    join(hls.directory, MASTER_PLAYLIST),
    master,
    limits,
    contentTypeOf(MASTER_PLAYLIST),
  );
  return master;
}

/** How the record's deliverable URLs are made. */
export interface DeliverableLinks {
  readonly outputs: Pick<OutputStore, 'presignGet'>;
  readonly presign: { readonly seconds: number; readonly now: Date };
  readonly jobId: string;
  /** The API's base URL, for the HLS playback URL; none known, no URL. */
  readonly apiBaseUrl?: string;
  /** The public distribution in front of the stack bucket's outputs/, when the stack has one. */
  readonly cdn?: { readonly baseUrl: string; readonly bucket: string };
}

const s3UriOf = (location: S3Location | undefined) =>
  location ? `s3://${location.bucket}/${location.key}` : null;

/**
 * The record's `poster`, `thumbnails`, `renditions` and `hls`: each file with its measures and a
 * presigned URL (pinned to the version the job wrote), the package with a playback URL whose token
 * is signed with a new key of the job's own.
 */
export async function describeDeliverables(
  stored: StoredDeliverables | undefined,
  mp4: { readonly url: string | null; readonly s3Uri: string | null; readonly versionId?: string },
  links: DeliverableLinks,
): Promise<Pick<StoredOutput, 'poster' | 'thumbnails' | 'renditions' | 'hls'>> {
  if (!stored) return { ...NO_DELIVERABLES };
  const { made } = stored;
  const link = async (location: S3Location | undefined) => {
    if (!location) return { url: null, s3Uri: null };
    const signed = await links.outputs.presignGet(location, links.presign);
    return {
      url: signed.url,
      s3Uri: s3UriOf(location),
      ...(location.versionId ? { versionId: location.versionId } : {}),
    };
  };
  const measures = (file: { width: number; height: number; size: number }) => ({
    width: file.width,
    height: file.height,
    size: file.size,
  });
  return {
    poster: made.poster
      ? {
          ...(await link(stored.poster)),
          ...measures(made.poster),
          format: made.poster.format as 'jpg' | 'webp',
        }
      : null,
    thumbnails: made.thumbnails
      ? {
          sprite: { ...(await link(stored.sprite)), ...measures(made.thumbnails.sprite) },
          track: { ...(await link(stored.track)), size: made.thumbnails.track.size },
          interval: made.thumbnails.interval,
          count: made.thumbnails.count,
        }
      : null,
    renditions:
      made.renditions.length > 0
        ? await Promise.all(
            made.renditions.map(async (rendition, index) => ({
              source: rendition.source,
              ...(rendition.source
                ? { url: mp4.url, s3Uri: mp4.s3Uri, ...(mp4.versionId ? { versionId: mp4.versionId } : {}) }
                : await link(stored.renditions[index])),
              ...measures(rendition),
              bitrate: rendition.bitrate ?? null,
            })),
          )
        : null,
    hls: made.hls ? describeHls(made.hls, stored.hlsMaster, links) : null,
  };
}

function describeHls(
  hls: NonNullable<Deliverables['hls']>,
  master: S3Location | undefined,
  links: DeliverableLinks,
): NonNullable<StoredOutput['hls']> {
  const variants = hls.variants.map(
    ({ name, source, width, height, frameRate, codecs, bandwidth, averageBandwidth }) => ({
      name,
      source,
      width,
      height,
      frameRate: Math.round(frameRate * 1000) / 1000,
      codecs,
      bandwidth,
      averageBandwidth,
    }),
  );
  const described = { s3Uri: s3UriOf(master), segmentSeconds: hls.segmentSeconds, variants };
  if (!master) return { url: null, urlExpiresAt: null, cdnUrl: null, ...described };
  const tokenKey = createPlaybackKey();
  const playback = signedPlaybackUrl(tokenKey, links);
  return { ...playback, cdnUrl: cdnUrlOf(master, links.cdn), ...described, tokenKey };
}

/**
 * The master playlist's public URL: the distribution serves the stack bucket's outputs/ at its root,
 * all but console/, which is the console's.
 */
function cdnUrlOf(master: S3Location, cdn: DeliverableLinks['cdn']): string | null {
  if (!cdn || master.bucket !== cdn.bucket || !master.key.startsWith(OUTPUT_PREFIX)) return null;
  const key = master.key.slice(OUTPUT_PREFIX.length);
  if (key.startsWith(CONSOLE_PREFIX)) return null;
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `${cdn.baseUrl.replace(/\/+$/, '')}/${path}`;
}
