import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// A job's HLS playlists are fetched by players, which cannot send the API key. The playback URL
// carries a token instead: an expiry and an HMAC of the job id and that expiry, keyed by a random
// key kept in the job's record (never shown). Nothing is shared between functions but the table,
// and deleting the job revokes every token it ever gave.

const VERSION = 'v1';

/** A new per-job key: 32 random bytes, base64url. */
export function createPlaybackKey(): string {
  return randomBytes(32).toString('base64url');
}

function mac(key: string, jobId: string, expiresAt: number): Buffer {
  return createHmac('sha256', Buffer.from(key, 'base64url'))
    .update(`${VERSION}\n${jobId}\n${expiresAt}`)
    .digest();
}

/** `v1.<expiry in epoch seconds>.<HMAC-SHA256, base64url>`: safe in a query string as it is. */
export function signPlaybackToken(key: string, jobId: string, expiresAt: Date): string {
  const seconds = Math.floor(expiresAt.getTime() / 1000);
  return `${VERSION}.${seconds}.${mac(key, jobId, seconds).toString('base64url')}`;
}

export type TokenCheck =
  | { readonly ok: true; readonly expiresAt: Date }
  | { readonly ok: false; readonly reason: 'malformed' | 'expired' | 'invalid' };

const TOKEN = /^v1\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})$/;

/** Whether `token` was signed with `key` for `jobId` and is still within its expiry at `now`. */
export function checkPlaybackToken(key: string, jobId: string, token: string, now: Date): TokenCheck {
  const match = TOKEN.exec(token);
  if (!match) return { ok: false, reason: 'malformed' };
  const seconds = Number(match[1]);
  // The text is compared, not its bytes: the last of 43 characters holds 2 bits that decoding drops.
  const given = Buffer.from(match[2] ?? '', 'ascii');
  const expected = Buffer.from(mac(key, jobId, seconds).toString('base64url'), 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid' };
  }
  if (seconds * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, expiresAt: new Date(seconds * 1000) };
}

/** The playback URL of a job's master playlist on the API at `apiBaseUrl`. */
export function playbackUrl(apiBaseUrl: string, jobId: string, token: string): string {
  const base = apiBaseUrl.replace(/\/+$/, '');
  return `${base}/jobs/${encodeURIComponent(jobId)}/hls/master.m3u8?token=${token}`;
}

/**
 * A playback URL for the job, lasting `presign.seconds` from `presign.now` as a download URL is
 * asked to; none without the API's address.
 */
export function signedPlaybackUrl(
  tokenKey: string,
  links: {
    readonly apiBaseUrl?: string | undefined;
    readonly jobId: string;
    readonly presign: { readonly seconds: number; readonly now: Date };
  },
): { readonly url: string | null; readonly urlExpiresAt: string | null } {
  if (!links.apiBaseUrl) return { url: null, urlExpiresAt: null };
  const seconds = Math.floor(links.presign.now.getTime() / 1000) + links.presign.seconds;
  const expiresAt = new Date(seconds * 1000);
  const token = signPlaybackToken(tokenKey, links.jobId, expiresAt);
  return { url: playbackUrl(links.apiBaseUrl, links.jobId, token), urlExpiresAt: expiresAt.toISOString() };
}
