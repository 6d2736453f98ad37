import { createReadStream } from 'node:fs';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
  /** One version of the object, in a versioned bucket; the current one when absent. */
  readonly versionId?: string;
}

/** What an upload URL admits. */
export interface UploadedFile {
  readonly contentType: string;
  /** Bytes. */
  readonly contentLength: number;
}

/** Where finished videos go and how clients get them. */
export interface OutputStore {
  /**
   * Uploads a local file (multipart, streamed from disk) and returns the version it created when
   * the bucket is versioned.
   */
  upload(path: string, location: S3Location, signal?: AbortSignal): Promise<{ versionId?: string }>;
  /** A presigned GET URL valid `expiresInSeconds`, of the location's version when it names one. */
  presignGet(location: S3Location, expiresInSeconds: number): Promise<string>;
  /**
   * A presigned PUT URL for a browser or curl upload. Its type and size are signed: S3 refuses a
   * PUT whose Content-Type or Content-Length differs.
   */
  presignPut(location: S3Location, file: UploadedFile, expiresInSeconds: number): Promise<string>;
}

/** Parts of 16 MiB, 4 at a time: a 10 GB output stays within S3's 10,000-part limit. */
const PART_SIZE = 16 * 1024 * 1024;
const QUEUE_SIZE = 4;

export function createS3OutputStore(s3: S3Client): OutputStore {
  return {
    async upload(path, location, signal) {
      const upload = new Upload({
        client: s3,
        params: {
          Bucket: location.bucket,
          Key: location.key,
          Body: createReadStream(path),
          ContentType: 'video/mp4',
        },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      const abort = () => void upload.abort();
      signal?.addEventListener('abort', abort, { once: true });
      try {
        const { VersionId } = await upload.done();
        return VersionId && VersionId !== 'null' ? { versionId: VersionId } : {};
      } finally {
        signal?.removeEventListener('abort', abort);
      }
    },
    presignGet(location, expiresInSeconds) {
      const version = location.versionId ? { VersionId: location.versionId } : {};
      return getSignedUrl(
        s3,
        new GetObjectCommand({ Bucket: location.bucket, Key: location.key, ...version }),
        {
          expiresIn: expiresInSeconds,
        },
      );
    },
    presignPut(location, file, expiresInSeconds) {
      return getSignedUrl(
        s3,
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          ContentType: file.contentType,
          ContentLength: file.contentLength,
        }),
        { expiresIn: expiresInSeconds, signableHeaders: new Set(['content-type', 'content-length']) },
      );
    },
  };
}
