import { resolve } from 'node:path';
import { parseAssetSource } from '@auto-vid/shared';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EgressPolicy } from '../../net/egress-guard.ts';
import { type MediaFacts, type MediaFactsReader, type MediaKind, MediaReadError } from './media-facts.ts';
import { type ByteRangeSource, RangeReader } from './range-reader.ts';
import { fileRangeSource, httpRangeSource, s3RangeSource } from './range-sources.ts';
import { readMediaFacts } from './read-headers.ts';

/**
 * The most read of one file. An MP4's `moov` (its index) is a few hundred KB for an hour of 1080p;
 * an ID3 tag holding cover art can take a MB or two before the first MPEG frame.
 */
export const DEFAULT_MAX_BYTES_PER_FILE = 4 * 1024 * 1024;

/** The longest one file's headers may take: a dry run answers within seconds. */
export const DEFAULT_TIMEOUT_MS_PER_FILE = 5_000;

export interface MediaReaderOptions {
  /** For s3:// sources. */
  readonly s3?: S3Client;
  /** File paths are read only in local mode. */
  readonly localMode: boolean;
  /** Where https:// sources may be fetched from. */
  readonly egress: EgressPolicy;
  /** What relative file paths resolve against. */
  readonly cwd?: string;
  readonly maxBytesPerFile?: number;
  readonly timeoutMsPerFile?: number;
  /** Told how many bytes each file took (logs, tests). */
  readonly onRead?: (source: string, bytesFetched: number) => void;
}

/** Where a source's bytes come from; a MediaReadError when this deployment cannot read it. */
function openSource(source: string, options: MediaReaderOptions): ByteRangeSource {
  const parsed = parseAssetSource(source);
  if (!parsed.ok) throw new MediaReadError(parsed.reason);
  const where = parsed.source;
  switch (where.kind) {
    case 's3':
      if (!options.s3) throw new MediaReadError('S3 is not configured here');
      return s3RangeSource(options.s3, where);
    case 'http':
      return httpRangeSource(where.url, options.egress);
    case 'file':
      if (!options.localMode) throw new MediaReadError('file paths are accepted only in local mode');
      return fileRangeSource(resolve(options.cwd ?? process.cwd(), where.path));
  }
}

/**
 * Media facts read from S3, http(s) or (locally) files by range requests: at most
 * `maxBytesPerFile` and `timeoutMsPerFile` a file, never the whole of a large one.
 */
export function createMediaFactsReader(options: MediaReaderOptions): MediaFactsReader {
  const maxBytes = options.maxBytesPerFile ?? DEFAULT_MAX_BYTES_PER_FILE;
  const timeoutMs = options.timeoutMsPerFile ?? DEFAULT_TIMEOUT_MS_PER_FILE;
  return {
    async read(source: string, kind: MediaKind, outer?: AbortSignal): Promise<MediaFacts> {
      const timer = AbortSignal.timeout(timeoutMs);
      const signal = outer ? AbortSignal.any([timer, outer]) : timer;
      const reader = new RangeReader(openSource(source, options), { maxBytes, signal });
      try {
        return await readMediaFacts(reader, kind);
      } catch (error) {
        if (outer?.aborted) throw new MediaReadError('not read: the dry run ran out of time');
        if (timer.aborted) {
          throw new MediaReadError(`its headers took longer than ${timeoutMs / 1000} s to read`);
        }
        throw error;
      } finally {
        options.onRead?.(source, reader.bytesFetched);
      }
    },
  };
}
