import { parseS3Location, type StoredOutput } from '@auto-vid/shared';
import type { S3Location } from './output-store.ts';

/** One S3 object a job wrote: its `s3://` URI and the version it wrote. */
export interface WrittenObject {
  readonly s3Uri: string;
  readonly location: S3Location;
}

/**
 * Every S3 object a job's output names (the MP4, its sidecars, poster, thumbnails and renditions),
 * each the version the job wrote. The HLS package is a folder: `packageWrittenBy`.
 */
export function objectsWrittenBy(output: StoredOutput): WrittenObject[] {
  const file = (f: { s3Uri: string | null; versionId?: string | undefined }) => ({
    s3Uri: f.s3Uri,
    versionId: f.versionId,
  });
  const thumbnails = output.thumbnails ? [output.thumbnails.sprite, output.thumbnails.track] : [];
  const named = [
    file(output),
    ...(output.captions ?? []).map(file),
    ...(output.poster ? [file(output.poster)] : []),
    ...thumbnails.map(file),
    // The source rendition is the MP4 itself, named above.
    ...(output.renditions ?? []).filter((r) => !r.source).map(file),
  ];
  return named.flatMap(({ s3Uri, versionId }) => {
    const parsed = s3Uri ? parseS3Location(s3Uri, { requireKey: true }) : undefined;
    if (!s3Uri || !parsed?.ok || parsed.source.kind !== 's3') return [];
    const { bucket, key } = parsed.source;
    return [{ s3Uri, location: versionId ? { bucket, key, versionId } : { bucket, key } }];
  });
}

/** The folder of a job's HLS package: every object under it is the job's (its name holds the job id). */
export interface WrittenFolder {
  readonly s3Uri: string;
  readonly bucket: string;
  readonly prefix: string;
}

export function packageWrittenBy(output: StoredOutput): WrittenFolder | undefined {
  const master = output.hls?.s3Uri;
  const parsed = master ? parseS3Location(master, { requireKey: true }) : undefined;
  if (!parsed?.ok || parsed.source.kind !== 's3') return undefined;
  const { bucket, key } = parsed.source;
  const prefix = key.slice(0, key.lastIndexOf('/') + 1);
  return prefix ? { s3Uri: `s3://${bucket}/${prefix}`, bucket, prefix } : undefined;
}
