import { stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { parseAssetSource } from '@auto-vid/shared';
import type { S3Client } from '@aws-sdk/client-s3';
import { type EgressPolicy, egressFor } from '../../net/egress-guard.ts';
import { describeUrl, type RetryPolicy } from '../../net/http-retry.ts';
import { AssetFetchError } from '../errors.ts';
import { downloadWithRetry } from './http-download.ts';
import { downloadS3Object } from './s3-object.ts';

export interface AssetRef {
  readonly id: string;
  readonly source: string;
}

export interface AssetFetchContext {
  /** Per-job temp folder that downloads go into. */
  readonly directory: string;
  /** File-path sources are accepted only in local mode (the CLI and the local stack). */
  readonly localMode: boolean;
  /** Needed for s3:// sources. */
  readonly s3?: S3Client;
  readonly httpPolicy?: RetryPolicy;
  /** Which addresses http(s) sources may resolve to: public only, plus loopback in local mode. */
  readonly egress?: EgressPolicy;
  /** Largest http(s) asset accepted, in bytes. */
  readonly maxBytes?: number;
  readonly signal?: AbortSignal;
  /** Working directory that relative file paths resolve against. */
  readonly cwd?: string;
}

/**
 * S3 answers that no retry changes, as a reader should see them. A missing key is a 404
 * (NoSuchKey) only because the processor's role may list the prefixes it reads; without that, S3
 * would answer 403 and a typo would read as a refusal.
 */
const S3_FINAL_ERRORS: Record<string, string> = {
  NoSuchKey: 'not found (S3 NoSuchKey)',
  NotFound: 'not found (S3 404)',
  NoSuchBucket: 'no such bucket (S3 NoSuchBucket)',
  AccessDenied: 'access denied (S3 AccessDenied): the processor is not allowed to read it',
  InvalidObjectState: 'archived, not readable until restored (S3 InvalidObjectState)',
};

function safeExtension(path: string): string {
  const ext = extname(path).toLowerCase();
  return /^\.[a-z0-9]{1,8}$/.test(ext) ? ext : '';
}

/** Makes one asset available as a local file and returns its path. */
export async function fetchAsset(
  asset: AssetRef,
  index: number,
  context: AssetFetchContext,
): Promise<string> {
  const parsed = parseAssetSource(asset.source);
  if (!parsed.ok) throw new AssetFetchError(asset.id, asset.source, parsed.reason, false);
  const source = parsed.source;

  if (source.kind === 'file') {
    if (!context.localMode) {
      throw new AssetFetchError(asset.id, asset.source, 'file paths are accepted only in local mode', false);
    }
    const path = resolve(context.cwd ?? process.cwd(), source.path);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new AssetFetchError(asset.id, asset.source, 'no such file', false);
    return path;
  }

  if (source.kind === 'http') {
    const target = join(context.directory, `asset-${index}${safeExtension(source.url.pathname)}`);
    const outcome = await downloadWithRetry(source.url, target, {
      egress: context.egress ?? egressFor(context.localMode),
      maxBytes: context.maxBytes,
      policy: context.httpPolicy,
      signal: context.signal,
    });
    if (!outcome.ok)
      throw new AssetFetchError(asset.id, describeUrl(source.url), outcome.reason, outcome.retryable);
    return target;
  }

  if (!context.s3) throw new AssetFetchError(asset.id, asset.source, 'S3 is not configured here', false);
  const target = join(context.directory, `asset-${index}${safeExtension(source.key)}`);
  try {
    await downloadS3Object(context.s3, source, target, context.signal);
    return target;
  } catch (error) {
    const name = (error as { name?: string }).name ?? 'Error';
    const final = Object.hasOwn(S3_FINAL_ERRORS, name) ? S3_FINAL_ERRORS[name] : undefined;
    throw new AssetFetchError(
      asset.id,
      asset.source,
      final ?? `${name}: ${(error as Error).message}`,
      final === undefined,
      { cause: error },
    );
  }
}
