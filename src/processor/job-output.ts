import { basename } from 'node:path';
import {
  type AudioLoudness,
  type CaptionFormat,
  type JobSpec,
  NO_DELIVERABLES,
  parseAssetSource,
  parseS3Destination,
  resolveOutputFilename,
  type StoredOutput,
} from '@auto-vid/shared';
import type { OutputStore, S3Location } from '../jobs/output-store.ts';
import { type AttemptLimits, interruptedError, watchAttempt } from './attempt.ts';
import { PermanentError, TransientError } from './errors.ts';
import type { RenderResult } from './render-job.ts';

/** The record's `output.captions`: each sidecar signed as the MP4 is; null when none were asked. */
async function describeCaptions(
  result: Pick<RenderResult, 'captions'> & { readonly storedCaptions?: readonly StoredCaption[] },
  outputs: OutputStore,
  presign: { readonly seconds: number; readonly now: Date },
): Promise<StoredOutput['captions']> {
  if (!result.captions) return null;
  const language = result.captions.language;
  return Promise.all(
    (result.storedCaptions ?? []).map(async ({ format, location }) => {
      if (!location) return { format, url: null, s3Uri: null, language };
      const signed = await outputs.presignGet(location, presign);
      return {
        format,
        url: signed.url,
        s3Uri: `s3://${location.bucket}/${location.key}`,
        language,
        ...(location.versionId ? { versionId: location.versionId } : {}),
      };
    }),
  );
}

/** Where a job's MP4 goes: a key in a bucket, or (local mode only) a folder on this machine. */
export type Destination =
  | { readonly kind: 's3'; readonly location: S3Location }
  | { readonly kind: 'folder'; readonly path: string };

/** `output.destination` + `output.filename`; the stack's bucket under `outputs/` when none is given. */
export function chooseDestination(
  spec: JobSpec,
  config: { readonly bucket: string; readonly localMode: boolean },
): Destination {
  const filename = resolveOutputFilename(spec);
  const destination = spec.output.destination;
  if (destination) {
    const s3 = parseS3Destination(destination);
    if (s3) return { kind: 's3', location: { bucket: s3.bucket, key: `${s3.prefix}${filename}` } };
    const parsed = parseAssetSource(destination);
    if (config.localMode && parsed.ok && parsed.source.kind === 'file') {
      return { kind: 'folder', path: parsed.source.path };
    }
  }
  return { kind: 's3', location: { bucket: config.bucket, key: `outputs/${filename}` } };
}

const FINAL_S3_ERRORS = new Set(['NoSuchBucket', 'AccessDenied', 'InvalidBucketName', 'AllAccessDisabled']);

/**
 * Uploads the MP4 within the attempt's limits and returns where it is: in a versioned bucket, the
 * very version this job wrote, so a later job with the same file name cannot change what this
 * job's URL serves. A destination that cannot exist or be written fails the job at once, other
 * faults are left to a retry.
 */
export async function storeOutput(
  outputs: OutputStore,
  path: string,
  location: S3Location,
  limits: AttemptLimits,
  contentType = 'video/mp4',
): Promise<S3Location> {
  const attempt = watchAttempt(limits);
  try {
    const { versionId } = await outputs.upload(path, location, attempt.signal, contentType);
    return versionId ? { ...location, versionId } : location;
  } catch (error) {
    const stoppedBy = attempt.stoppedBy();
    if (stoppedBy) throw interruptedError('Upload', stoppedBy);
    const name = (error as { name?: string }).name ?? 'Error';
    const where = `s3://${location.bucket}/${location.key}`;
    if (FINAL_S3_ERRORS.has(name))
      throw new PermanentError(`The output could not be stored at ${where}: ${name}`);
    throw new TransientError(
      `The output could not be stored at ${where}: ${name}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** What each sidecar format is served as. */
const CAPTION_TYPES: Record<CaptionFormat, string> = {
  vtt: 'text/vtt; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
};

/** A caption sidecar where it was stored: beside the MP4 in S3, or only in the destination folder. */
export interface StoredCaption {
  readonly format: CaptionFormat;
  readonly location?: S3Location;
}

/**
 * Uploads the caption sidecars beside the MP4 (same prefix, the MP4's name with `.vtt` or `.srt`),
 * each as `storeOutput` stores the MP4; in a folder they are already where they belong.
 */
export async function storeCaptions(
  outputs: OutputStore,
  files: NonNullable<RenderResult['captions']>['files'],
  destination: Destination,
  limits: AttemptLimits,
): Promise<StoredCaption[]> {
  if (destination.kind === 'folder') return files.map(({ format }) => ({ format }));
  const { bucket, key } = destination.location;
  const prefix = key.slice(0, key.lastIndexOf('/') + 1);
  return Promise.all(
    files.map(async ({ format, localPath }) => {
      const location = { bucket, key: `${prefix}${basename(localPath)}` };
      return {
        format,
        location: await storeOutput(outputs, localPath, location, limits, CAPTION_TYPES[format]),
      };
    }),
  );
}

/**
 * The record's `output`: for an object in S3, a presigned URL (pinned to its version when it has
 * one), when that URL stops working, and the version itself, which GET /status signs again; only
 * the measures for a folder.
 */
export async function describeOutput(
  result: Pick<RenderResult, 'duration' | 'size' | 'captions'> & {
    readonly audio: AudioLoudness;
    readonly storedCaptions?: readonly StoredCaption[];
  },
  destination: Destination,
  outputs: OutputStore,
  presign: { readonly seconds: number; readonly now: Date },
): Promise<StoredOutput> {
  const captions = await describeCaptions(result, outputs, presign);
  const measures = {
    duration: result.duration,
    size: result.size,
    audio: result.audio,
    captions,
    ...NO_DELIVERABLES,
  };
  if (destination.kind === 'folder') return { url: null, urlExpiresAt: null, s3Uri: null, ...measures };
  const { location } = destination;
  const signed = await outputs.presignGet(location, presign);
  return {
    url: signed.url,
    urlExpiresAt: signed.expiresAt.toISOString(),
    s3Uri: `s3://${location.bucket}/${location.key}`,
    ...measures,
    ...(location.versionId ? { versionId: location.versionId } : {}),
  };
}
