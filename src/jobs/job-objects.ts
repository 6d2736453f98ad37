import { parseS3Location, type StoredOutput } from '@auto-vid/shared';
import type { S3Location } from './output-store.ts';

/** One S3 object a job wrote: its `s3://` URI and the version it wrote. */
export interface WrittenObject {
  readonly s3Uri: string;
  readonly location: S3Location;
}

/** Every S3 object a job's output names (the MP4 and its sidecars), each the version the job wrote. */
export function objectsWrittenBy(output: StoredOutput): WrittenObject[] {
  const named = [
    { s3Uri: output.s3Uri, versionId: output.versionId },
    ...(output.captions ?? []).map((file) => ({ s3Uri: file.s3Uri, versionId: file.versionId })),
  ];
  return named.flatMap(({ s3Uri, versionId }) => {
    const parsed = s3Uri ? parseS3Location(s3Uri, { requireKey: true }) : undefined;
    if (!s3Uri || !parsed?.ok || parsed.source.kind !== 's3') return [];
    const { bucket, key } = parsed.source;
    return [{ s3Uri, location: versionId ? { bucket, key, versionId } : { bucket, key } }];
  });
}
