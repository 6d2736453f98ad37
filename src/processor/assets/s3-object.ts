import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** The promise, or the abort reason as soon as the signal fires, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** One GetObject, given up as soon as the signal fires. */
async function getObject(s3: S3Client, location: { bucket: string; key: string }, signal?: AbortSignal) {
  const request = s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }), {
    abortSignal: signal,
  });
  return signal ? untilAborted(request, signal) : request;
}

/** Streams one object to a file (the body never sits whole in memory); returns its content type. */
export async function downloadS3Object(
  s3: S3Client,
  location: { bucket: string; key: string },
  targetPath: string,
  signal?: AbortSignal,
): Promise<{ contentType: string | undefined }> {
  const object = await getObject(s3, location, signal);
  await pipeline(object.Body as Readable, createWriteStream(targetPath), { signal });
  return { contentType: object.ContentType };
}

/** Puts one small file (a speech clip) in a single request, streamed from disk. */
export async function uploadSmallFile(
  s3: S3Client,
  location: { bucket: string; key: string },
  path: string,
  contentType: string,
): Promise<void> {
  const { size } = await stat(path);
  await s3.send(
    new PutObjectCommand({
      Bucket: location.bucket,
      Key: location.key,
      Body: createReadStream(path),
      ContentLength: size,
      ContentType: contentType,
    }),
  );
}

/** Reads one small object (a speech timing) whole, as UTF-8 text. */
export async function readSmallObject(
  s3: S3Client,
  location: { bucket: string; key: string },
  signal?: AbortSignal,
): Promise<string> {
  const object = await getObject(s3, location, signal);
  return object.Body ? object.Body.transformToString('utf8') : '';
}

/** Puts one small text object in a single request. */
export async function putSmallObject(
  s3: S3Client,
  location: { bucket: string; key: string },
  body: string,
  contentType: string,
): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: location.bucket,
      Key: location.key,
      Body: body,
      ContentType: contentType,
    }),
  );
}
