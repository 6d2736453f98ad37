import { open } from 'node:fs/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type EgressPolicy, findEgressBlock, guardedFetch } from '../../net/egress-guard.ts';
import { describeNetworkError } from '../../net/http-retry.ts';
import { MediaReadError } from './media-facts.ts';
import { type ByteRangeSource, formatMiB, type RangeAnswer } from './range-reader.ts';

/** S3 answers a reader should see as they are; anything else is named with S3's own words. */
const S3_ERRORS: Record<string, string> = {
  NoSuchKey: 'not found (S3 NoSuchKey)',
  NotFound: 'not found (S3 404)',
  NoSuchBucket: 'no such bucket (S3 NoSuchBucket)',
  AccessDenied: 'access denied (S3 AccessDenied): this deployment may not read it',
  InvalidObjectState: 'archived, not readable until restored (S3 InvalidObjectState)',
};

const EMPTY = new Uint8Array(0);

/** `bytes 0-65535/1048576` → 1048576; undefined when the size is not stated (`*`) or not there. */
function sizeInContentRange(header: string | null | undefined): number | undefined {
  const match = /\/(\d+)\s*$/.exec(header ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * The first `limit` bytes of a body. With `refuseMore`, a body longer than that is an error (a whole
 * file sent where a range was asked); without, the rest is left unread (a range sent too long).
 */
async function readBody(
  body: ReadableStream<Uint8Array> | null | undefined,
  limit: number,
  refuseMore: boolean,
): Promise<Uint8Array> {
  if (!body) return EMPTY;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      chunks.push(next.value);
      length += next.value.length;
      if (length < limit) continue;
      if (refuseMore && (length > limit || !(await reader.read()).done)) {
        throw ignoresRanges(limit);
      }
      break;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

function ignoresRanges(maxBytes: number): MediaReadError {
  return new MediaReadError(
    `the server ignores range requests and the file is larger than ${formatMiB(maxBytes)}`,
  );
}

/** Ranges of one S3 object, by GetObject with `Range`. */
export function s3RangeSource(s3: S3Client, location: { bucket: string; key: string }): ByteRangeSource {
  return {
    async read(start, end, { signal }): Promise<RangeAnswer> {
      try {
        const command = new GetObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          Range: `bytes=${start}-${end - 1}`,
        });
        const object = await s3.send(command, { abortSignal: signal });
        const stated = sizeInContentRange(object.ContentRange);
        const bytes = await readBody(object.Body?.transformToWebStream(), end - start, false);
        return { start, bytes, size: stated ?? start + bytes.length };
      } catch (error) {
        const name = (error as { name?: string }).name ?? 'Error';
        // A range from 0 of an empty object is not satisfiable: the object is empty.
        if (name === 'InvalidRange' && start === 0) return { start, bytes: EMPTY, size: 0 };
        if (signal.aborted) throw error;
        const known = Object.hasOwn(S3_ERRORS, name) ? S3_ERRORS[name] : undefined;
        throw new MediaReadError(known ?? `${name}: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}

/**
 * Ranges of a URL, fetched through the egress guard (never a private, link-local or metadata
 * address; loopback only on one machine). A server that ignores `Range` is read whole, up to the
 * reader's budget.
 */
export function httpRangeSource(url: URL, egress: EgressPolicy): ByteRangeSource {
  return {
    async read(start, end, { signal, maxBytes }): Promise<RangeAnswer> {
      const headers = { Range: `bytes=${start}-${end - 1}`, 'Accept-Encoding': 'identity' };
      let response: Awaited<ReturnType<typeof guardedFetch>>;
      try {
        response = await guardedFetch(url, { headers, signal }, egress);
      } catch (error) {
        if (signal.aborted) throw error;
        const blocked = findEgressBlock(error);
        throw new MediaReadError(blocked ? blocked.message : describeNetworkError(error), { cause: error });
      }
      const body = response.body as ReadableStream<Uint8Array> | null;
      const stated = sizeInContentRange(response.headers.get('content-range'));
      if (response.status === 206 && stated !== undefined) {
        return { start, bytes: await readBody(body, end - start, false), size: stated };
      }
      if (response.status === 416 && start === 0) {
        await body?.cancel();
        return { start, bytes: EMPTY, size: 0 };
      }
      if (response.status === 200) {
        if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
          await body?.cancel();
          throw ignoresRanges(maxBytes);
        }
        const bytes = await readBody(body, maxBytes, true);
        return { start: 0, bytes, size: bytes.length };
      }
      await body?.cancel();
      throw new MediaReadError(
        response.status === 206 ? 'the server does not state the file size' : `HTTP ${response.status}`,
      );
    },
  };
}

/** Ranges of a local file (local mode only). */
export function fileRangeSource(path: string): ByteRangeSource {
  return {
    async read(start, end): Promise<RangeAnswer> {
      const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
        throw new MediaReadError(
          error.code === 'ENOENT' ? 'no such file' : `cannot be opened (${error.code})`,
        );
      });
      try {
        const info = await handle.stat();
        if (!info.isFile()) throw new MediaReadError('not a file');
        const bytes = new Uint8Array(Math.max(0, Math.min(end, info.size) - start));
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
        return { start, bytes: bytes.subarray(0, bytesRead), size: info.size };
      } finally {
        await handle.close();
      }
    },
  };
}
