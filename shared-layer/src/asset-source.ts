/**
 * The three forms an asset `source` (or an output `destination`) may take. Parsing is pure; whether
 * a file path is acceptable depends on where the code runs (local mode only) and is decided by the
 * caller.
 */
import { quoteForMessage } from './message-text.ts';

export type AssetSource =
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string }
  | { readonly kind: 'http'; readonly url: URL }
  | { readonly kind: 'file'; readonly path: string };

export type SourceParseResult = { ok: true; source: AssetSource } | { ok: false; reason: string };

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//;

// S3 bucket naming rules: 3-63 characters of lowercase letters, digits, dots and hyphens,
// beginning and ending with a letter or digit.
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseAssetSource(source: string): SourceParseResult {
  const scheme = SCHEME.exec(source)?.[1]?.toLowerCase();
  if (scheme === undefined) return { ok: true, source: { kind: 'file', path: source } };
  if (scheme === 's3') return parseS3Location(source, { requireKey: true });
  if (scheme === 'http' || scheme === 'https') {
    if (!URL.canParse(source)) return { ok: false, reason: 'Invalid URL' };
    return { ok: true, source: { kind: 'http', url: new URL(source) } };
  }
  return { ok: false, reason: `Unsupported scheme '${scheme}://' (use s3://, http:// or https://)` };
}

/** `s3://bucket/key`; with `requireKey: false` a bare `s3://bucket` or `s3://bucket/prefix/` is fine. */
export function parseS3Location(location: string, options: { requireKey: boolean }): SourceParseResult {
  const rest = location.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  if (!S3_BUCKET.test(bucket))
    return { ok: false, reason: `Invalid S3 bucket name '${quoteForMessage(bucket)}'` };
  if (options.requireKey && key === '') return { ok: false, reason: 'S3 location has no object key' };
  return { ok: true, source: { kind: 's3', bucket, key } };
}
