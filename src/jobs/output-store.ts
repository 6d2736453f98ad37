import { createReadStream } from 'node:fs';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { DEFAULT_PRESIGN_CREDENTIALS_SECONDS } from '../settings.ts';
import { boundUrlLifetime } from './url-lifetime.ts';

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

/** A presigned URL and the instant it stops working. */
export interface PresignedUrl {
  readonly url: string;
  readonly expiresAt: Date;
}

/** Where finished videos go and how clients get them. */
export interface OutputStore {
  /**
   * Uploads a local file (multipart, streamed from disk; `video/mp4` unless another type is given)
   * and returns the version it created when the bucket is versioned.
   */
  upload(
    path: string,
    location: S3Location,
    signal?: AbortSignal,
    contentType?: string,
  ): Promise<{ versionId?: string }>;
  /**
   * A presigned GET URL of the location's version when it names one, signed at `now` for `seconds`
   * or less: never past the signing credentials' end (url-lifetime.ts), which `expiresAt` states.
   */
  presignGet(location: S3Location, request: { seconds: number; now: Date }): Promise<PresignedUrl>;
  /**
   * A presigned PUT URL for a browser or curl upload, bounded as `presignGet`'s is. Its type and
   * size are signed: S3 refuses a PUT whose Content-Type or Content-Length differs.
   */
  presignPut(
    location: S3Location,
    file: UploadedFile,
    request: { seconds: number; now: Date },
  ): Promise<PresignedUrl>;
  /**
   * Deletes an object: the named version for good when the location names one (a versioned
   * bucket keeps nothing of it), else the current object. A missing object is not an error.
   */
  remove(location: S3Location): Promise<void>;
  /**
   * Deletes every object under `prefix`, each version for good in a versioned bucket; returns how
   * many objects (or versions) went. For a prefix only one job writes (its HLS package).
   */
  removePrefix(bucket: string, prefix: string): Promise<number>;
  /** A small text object (a playlist), refused above `maxBytes`. */
  readText(location: S3Location, maxBytes: number): Promise<string>;
}

/**
 * How S3-compatible stores without versioning (the local stack's among them) refuse a listing of
 * versions; S3 itself lists them in any bucket.
 */
const VERSIONS_NOT_LISTED: ReadonlySet<string> = new Set(['NotImplemented', 'MethodNotAllowed']);

/** S3 deletes at most this many objects per DeleteObjects request. */
const DELETE_BATCH = 1000;

/** Parts of 16 MiB, 4 at a time: a 10 GB output stays within S3's 10,000-part limit. */
const PART_SIZE = 16 * 1024 * 1024;
const QUEUE_SIZE = 4;

export interface S3OutputStoreOptions {
  /** How long credentials of unknown expiry are taken to last (PRESIGN_CREDENTIALS_SECONDS). */
  readonly credentialsSeconds?: number;
}

export function createS3OutputStore(s3: S3Client, options: S3OutputStoreOptions = {}): OutputStore {
  const credentialsSeconds = options.credentialsSeconds ?? DEFAULT_PRESIGN_CREDENTIALS_SECONDS;
  return {
    async upload(path, location, signal, contentType = 'video/mp4') {
      const upload = new Upload({
        client: s3,
        params: {
          Bucket: location.bucket,
          Key: location.key,
          Body: createReadStream(path),
          ContentType: contentType,
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
    presignGet(location, request) {
      const version = location.versionId ? { VersionId: location.versionId } : {};
      const command = new GetObjectCommand({ Bucket: location.bucket, Key: location.key, ...version });
      return presign(s3, command, { ...request, credentialsSeconds });
    },
    presignPut(location, file, request) {
      const command = new PutObjectCommand({
        Bucket: location.bucket,
        Key: location.key,
        ContentType: file.contentType,
        ContentLength: file.contentLength,
      });
      const signableHeaders = new Set(['content-type', 'content-length']);
      return presign(s3, command, { ...request, credentialsSeconds }, signableHeaders);
    },
    async remove(location) {
      const version = location.versionId ? { VersionId: location.versionId } : {};
      await s3.send(new DeleteObjectCommand({ Bucket: location.bucket, Key: location.key, ...version }));
    },
    async removePrefix(bucket, prefix) {
      let removed = 0;
      for await (const batch of listForDeletion(s3, bucket, prefix)) {
        if (batch.length === 0) continue;
        const answer = await s3.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
        );
        const failed = answer.Errors ?? [];
        if (failed.length > 0) {
          const first = failed[0];
          throw new Error(
            `${failed.length} objects under s3://${bucket}/${prefix} could not be deleted: ${first?.Code} (${first?.Key})`,
          );
        }
        removed += batch.length;
      }
      return removed;
    },
    async readText(location, maxBytes) {
      const version = location.versionId ? { VersionId: location.versionId } : {};
      const answer = await s3.send(
        new GetObjectCommand({ Bucket: location.bucket, Key: location.key, ...version }),
      );
      if ((answer.ContentLength ?? 0) > maxBytes) {
        answer.Body?.transformToWebStream().cancel();
        throw new Error(`s3://${location.bucket}/${location.key} is larger than ${maxBytes} bytes`);
      }
      return (await answer.Body?.transformToString('utf8')) ?? '';
    },
  };
}

/**
 * The objects under a prefix in batches S3 deletes at once: every version where the store keeps
 * versions; the objects themselves where it does not list them.
 */
async function* listForDeletion(
  s3: S3Client,
  bucket: string,
  prefix: string,
): AsyncGenerator<ObjectIdentifier[]> {
  let versionsListed = true;
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3
      .send(
        new ListObjectVersionsCommand({
          Bucket: bucket,
          Prefix: prefix,
          MaxKeys: DELETE_BATCH,
          ...(keyMarker ? { KeyMarker: keyMarker, VersionIdMarker: versionIdMarker } : {}),
        }),
      )
      .catch((error: unknown) => {
        if (VERSIONS_NOT_LISTED.has((error as { name?: string }).name ?? '')) return undefined;
        throw error;
      });
    if (!page) {
      versionsListed = false;
      break;
    }
    yield [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].flatMap(({ Key, VersionId }) =>
      Key ? [{ Key, ...(VersionId ? { VersionId } : {}) }] : [],
    );
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.NextVersionIdMarker;
  } while (keyMarker);
  if (versionsListed) return;
  let token: string | undefined;
  do {
    // Deleted as listed: the next page starts after the last key, which is gone, as S3 allows.
    const page = await s3.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        MaxKeys: DELETE_BATCH,
        ContinuationToken: token,
      }),
    );
    yield (page.Contents ?? []).flatMap(({ Key }) => (Key ? [{ Key }] : []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Signs with the credentials the client holds now, for no longer than they are known to last. */
async function presign(
  s3: S3Client,
  command: GetObjectCommand | PutObjectCommand,
  request: { seconds: number; now: Date; credentialsSeconds: number },
  signableHeaders?: Set<string>,
): Promise<PresignedUrl> {
  const lifetime = boundUrlLifetime({
    seconds: request.seconds,
    now: request.now,
    credentials: await s3.config.credentials(),
    unknownExpirySeconds: request.credentialsSeconds,
  });
  const url = await getSignedUrl(s3, command, {
    expiresIn: lifetime.seconds,
    signingDate: lifetime.signedAt,
    ...(signableHeaders ? { signableHeaders } : {}),
  });
  return { url, expiresAt: lifetime.expiresAt };
}
