import { describe, expect, it } from 'vitest';
import {
  checkPlaybackToken,
  createPlaybackKey,
  playbackUrl,
  signedPlaybackUrl,
  signPlaybackToken,
} from '../../../src/jobs/playback-token.ts';

const JOB = '3f1c2a4e-8b7d-4e21-9c3a-5d6e7f809a1b';
const OTHER_JOB = '0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d';
const NOW = new Date('2026-03-01T10:00:00.000Z');
const EXPIRES = new Date('2026-03-01T11:00:00.000Z');
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** `token` with the character at `index` replaced by another base64url character. */
function withCharChanged(token: string, index: number, replacement: string): string {
  return `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
}

describe('checkPlaybackToken', () => {
  const key = createPlaybackKey();
  const token = signPlaybackToken(key, JOB, EXPIRES);

  it('accepts a token signed for the job until its expiry, and reports that expiry', () => {
    expect(checkPlaybackToken(key, JOB, token, NOW)).toEqual({ ok: true, expiresAt: EXPIRES });
    expect(checkPlaybackToken(key, JOB, token, new Date(EXPIRES.getTime() - 1))).toEqual({
      ok: true,
      expiresAt: EXPIRES,
    });
  });

  it('reports a token expired at its expiry and after it', () => {
    expect(checkPlaybackToken(key, JOB, token, EXPIRES)).toEqual({ ok: false, reason: 'expired' });
    expect(checkPlaybackToken(key, JOB, token, new Date('2026-03-02T00:00:00.000Z'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses a token signed for another job as invalid', () => {
    expect(checkPlaybackToken(key, OTHER_JOB, token, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a token signed with another key as invalid', () => {
    const otherKey = createPlaybackKey();
    expect(otherKey).not.toBe(key);
    expect(checkPlaybackToken(otherKey, JOB, token, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a token whose expiry was moved as invalid: the MAC no longer matches', () => {
    // Arrange
    const [version, seconds, signature] = token.split('.');
    const later = `${version}.${Number(seconds) + 86_400}.${signature}`;
    // Act
    const check = checkPlaybackToken(key, JOB, later, NOW);
    // Assess
    expect(check).toEqual({ ok: false, reason: 'invalid' });
  });

  /** Every token that differs from `token` in one character of its MAC at `positions` and checks ok. */
  function forgeriesAccepted(positions: readonly number[]): string[] {
    const accepted: string[] = [];
    for (const index of positions) {
      for (const replacement of BASE64URL) {
        if (replacement === token[index]) continue;
        const forged = withCharChanged(token, index, replacement);
        if (checkPlaybackToken(key, JOB, forged, NOW).ok) accepted.push(forged);
      }
    }
    return accepted;
  }

  it('refuses a token with one of the first 42 characters of its MAC changed as invalid', () => {
    // Arrange
    const start = token.lastIndexOf('.') + 1;
    const positions = Array.from({ length: 42 }, (_, i) => start + i);
    // Act
    const accepted = forgeriesAccepted(positions);
    // Assess
    expect(accepted).toEqual([]);
    expect(
      checkPlaybackToken(key, JOB, withCharChanged(token, start, token[start] === 'A' ? 'B' : 'A'), NOW),
    ).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a token with the last character of its MAC changed as invalid', () => {
    // Arrange: 43 base64url characters carry 258 bits for a 256-bit MAC; the last one's low 2 bits
    // are padding, so 3 other characters decode to the same bytes unless the text itself is compared.
    const last = token.length - 1;
    // Act
    const accepted = forgeriesAccepted([last]);
    // Assess
    expect(accepted).toEqual([]);
  });

  const [, seconds, signature = ''] = token.split('.');
  it.each([
    ['empty', ''],
    ['not a token', 'garbage'],
    ['another version', `v2.${seconds}.${signature}`],
    ['a MAC one character short', `v1.${seconds}.${signature.slice(1)}`],
    ['a padded MAC', `v1.${seconds}.${signature}=`],
    ['a negative expiry', `v1.-5.${signature}`],
    ['no expiry', `v1..${signature}`],
    ['a fourth part', `v1.${seconds}.${signature}.x`],
    ['standard base64 in the MAC', `v1.${seconds}.${signature.slice(0, -1)}+`],
  ])('reports %s as malformed', (_, garbage) => {
    expect(checkPlaybackToken(key, JOB, garbage, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('signPlaybackToken', () => {
  it('writes v1, the expiry in whole epoch seconds and a 43-character base64url MAC', () => {
    const token = signPlaybackToken(createPlaybackKey(), JOB, new Date('2026-03-01T11:00:00.900Z'));
    expect(token).toMatch(/^v1\.1772362800\.[A-Za-z0-9_-]{43}$/);
  });
});

describe('playbackUrl', () => {
  const token = signPlaybackToken(createPlaybackKey(), JOB, EXPIRES);

  it("names the job's master playlist on the API with the token", () => {
    const url = playbackUrl('https://api.example.com/prod', JOB, token);
    expect(url).toBe(`https://api.example.com/prod/jobs/${JOB}/hls/master.m3u8?token=${token}`);
    expect(url).toMatch(
      /^https:\/\/api\.example\.com\/prod\/jobs\/[0-9a-f-]{36}\/hls\/master\.m3u8\?token=v1\.[0-9]+\.[A-Za-z0-9_-]{43}$/,
    );
  });

  it('trims trailing slashes from the base', () => {
    expect(playbackUrl('https://api.example.com/prod//', JOB, token)).toBe(
      `https://api.example.com/prod/jobs/${JOB}/hls/master.m3u8?token=${token}`,
    );
  });
});

describe('signedPlaybackUrl', () => {
  const key = createPlaybackKey();
  const presign = { seconds: 3600, now: new Date('2026-03-01T10:00:00.750Z') };

  it('gives no URL without the API address', () => {
    expect(signedPlaybackUrl(key, { jobId: JOB, presign })).toEqual({ url: null, urlExpiresAt: null });
    expect(signedPlaybackUrl(key, { apiBaseUrl: '', jobId: JOB, presign })).toEqual({
      url: null,
      urlExpiresAt: null,
    });
  });

  it('signs a URL lasting the asked seconds from the whole second of now, which checks ok until then', () => {
    // Act
    const signed = signedPlaybackUrl(key, {
      apiBaseUrl: 'https://api.example.com/prod/',
      jobId: JOB,
      presign,
    });
    // Assess
    expect(signed.urlExpiresAt).toBe('2026-03-01T11:00:00.000Z');
    const prefix = `https://api.example.com/prod/jobs/${JOB}/hls/master.m3u8?token=`;
    expect(signed.url?.startsWith(prefix)).toBe(true);
    const token = signed.url?.slice(prefix.length) ?? '';
    expect(token).toMatch(/^v1\.1772362800\.[A-Za-z0-9_-]{43}$/);
    expect(checkPlaybackToken(key, JOB, token, presign.now)).toEqual({
      ok: true,
      expiresAt: new Date('2026-03-01T11:00:00.000Z'),
    });
  });
});
