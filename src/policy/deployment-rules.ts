import { isIP } from 'node:net';
import {
  type JobSpec,
  parseAssetSource,
  parseS3Destination,
  quoteForMessage,
  type SpecProblem,
} from '@auto-vid/shared';
import { classifyAddress } from '../net/address-kind.ts';

/**
 * Where the processor may write in the stack's own bucket: template.yaml grants s3:PutObject on
 * exactly this prefix (and the speech cache), so submit accepts no other.
 */
export const OUTPUT_PREFIX = 'outputs/';

/**
 * What a job may read from the stack's own bucket: template.yaml grants s3:GetObject (and
 * s3:ListBucket, so a missing key is a 404) on exactly these prefixes, plus the speech cache.
 */
export const READABLE_PREFIXES = ['assets/', 'inputs/', OUTPUT_PREFIX] as const;

/**
 * Where the browser console's static files live in the stack's bucket. The public distribution
 * (PublicCdn) serves them at /console/…, a path it would otherwise map to outputs/console/…: what a
 * job writes there has no public URL.
 */
export const CONSOLE_PREFIX = 'console/';

/**
 * Scratch space of chunked re-encodes in the stack's bucket: a job's copied source, its audio
 * mix, caption files and encoded chunks under `chunks/<jobId>/<attempt>/`. The processor writes
 * there and the chunk encoder reads, writes and removes there; no spec may name it, and the bucket
 * expires what a stopped job left after a day.
 */
export const CHUNK_PREFIX = 'chunks/';

export interface DeploymentRules {
  /** File paths (sources, destination folders) and loopback URLs are for one machine only. */
  readonly localMode: boolean;
  /** Buckets an `output.destination` may name; the stack's own bucket by default. */
  readonly outputBuckets: readonly string[];
  /**
   * The stack's own bucket, whose prefixes the processor's role is limited to. Other buckets are
   * the operator's to grant.
   */
  readonly stackBucket?: string;
}

const quoted = READABLE_PREFIXES.map((prefix) => `'${prefix}'`);
const READABLE_LIST = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;

/** A URL host that is an address auto-vid will never connect to here. */
function blockedHost(url: string, localMode: boolean): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return localMode ? undefined : 'loopback';
  if (isIP(host) === 0) return undefined;
  const kind = classifyAddress(host);
  if (kind === 'public' || (kind === 'loopback' && localMode)) return undefined;
  return kind;
}

/** Why this deployment may not read a source the contract accepts; undefined when it may. */
function assetSourceProblem(source: string, rules: DeploymentRules): string | undefined {
  const parsed = parseAssetSource(source);
  if (!parsed.ok) return undefined;
  const where = parsed.source;
  switch (where.kind) {
    case 'file':
      return rules.localMode
        ? undefined
        : 'File paths are accepted only in local mode; use s3:// or https://';
    case 'http': {
      const blocked = blockedHost(source, rules.localMode);
      return blocked && `URL points to a ${blocked} address; only public hosts are allowed`;
    }
    case 's3':
      return where.bucket === rules.stackBucket && !READABLE_PREFIXES.some((p) => where.key.startsWith(p))
        ? `Key must start with ${READABLE_LIST}: the processor may read nothing else in this deployment's bucket`
        : undefined;
  }
}

/**
 * What the contract allows but this deployment does not: problems in the same form as the
 * contract's, so clients get one kind of 400. The processor checks them again.
 */
export function checkDeploymentRules(spec: JobSpec, rules: DeploymentRules): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const assets = [
    { path: ['assets', 'video', 'source'], source: spec.assets.video.source },
    ...spec.assets.audio.map((asset, i) => ({
      path: ['assets', 'audio', i, 'source'],
      source: asset.source,
    })),
  ];
  for (const { path, source } of assets) {
    const message = assetSourceProblem(source, rules);
    if (message) problems.push({ path, message });
  }

  const destination = spec.output.destination;
  if (destination !== undefined) {
    const s3 = parseS3Destination(destination);
    if (s3?.prefix.split('/').includes('..')) {
      problems.push({ path: ['output', 'destination'], message: "Must not contain '..' segments" });
    } else if (s3 && !rules.outputBuckets.includes(s3.bucket)) {
      problems.push({
        path: ['output', 'destination'],
        message: `Bucket '${quoteForMessage(s3.bucket)}' is not an output bucket of this deployment (allowed: ${rules.outputBuckets.join(', ')})`,
      });
    } else if (s3 && s3.bucket === rules.stackBucket && !s3.prefix.startsWith(OUTPUT_PREFIX)) {
      problems.push({
        path: ['output', 'destination'],
        message: `Must start with s3://${s3.bucket}/${OUTPUT_PREFIX}: the processor may write nowhere else in this deployment's bucket`,
      });
    } else if (!s3 && !rules.localMode) {
      problems.push({
        path: ['output', 'destination'],
        message: 'Must be an s3:// location; folders are accepted only in local mode',
      });
    }
  }

  const webhook = spec.notifications?.webhook;
  const blocked = webhook ? blockedHost(webhook.url, rules.localMode) : undefined;
  if (blocked) {
    problems.push({
      path: ['notifications', 'webhook', 'url'],
      message: `URL points to a ${blocked} address; only public hosts are allowed`,
    });
  }
  return problems;
}
