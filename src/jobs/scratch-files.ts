import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { OutputStore } from './output-store.ts';

/**
 * The chunk encoders' shared folder: objects under one prefix of the stack's bucket, written and
 * read by key. Every key is made by auto-vid (`chunks/<jobId>/<attempt>/…`), never by a client.
 */
export interface ScratchFiles {
  put(key: string, path: string, signal?: AbortSignal): Promise<void>;
  get(key: string, path: string, signal?: AbortSignal): Promise<void>;
  putText(key: string, text: string): Promise<void>;
  getText(key: string): Promise<string>;
  /** Removes every object under the prefix (each version for good); how many went. */
  removePrefix(prefix: string): Promise<number>;
}

export function createScratchFiles(s3: S3Client, outputs: OutputStore, bucket: string): ScratchFiles {
  return {
    async put(key, path, signal) {
      await outputs.upload(path, { bucket, key }, signal, 'application/octet-stream');
    },
    async get(key, path, signal) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), {
        abortSignal: signal,
      });
      if (!object.Body) throw new Error(`Scratch object ${key} has no body`);
      await pipeline(object.Body as Readable, createWriteStream(path), { signal });
    },
    async putText(key, text) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: 'application/json' }),
      );
    },
    async getText(key) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await object.Body?.transformToString('utf8')) ?? '';
    },
    removePrefix: (prefix) => outputs.removePrefix(bucket, prefix),
  };
}
