import { describe, expect, it } from 'vitest';
import { boundUrlLifetime, SIGV4_MAX_SECONDS } from '../../../src/jobs/url-lifetime.ts';
import { DEFAULT_PRESIGN_CREDENTIALS_SECONDS, readSettings } from '../../../src/settings.ts';

const NOW = new Date('2026-11-21T10:00:00.000Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const LONG_TERM = {};
const lifetime = (seconds: number, credentials: { sessionToken?: string; expiration?: Date }, now = NOW) =>
  boundUrlLifetime({ seconds, now, credentials, unknownExpirySeconds: 3600 });

describe('boundUrlLifetime', () => {
  it('gives long-term keys what was asked', () => {
    expect(lifetime(86_400, LONG_TERM)).toEqual({ signedAt: NOW, seconds: 86_400, expiresAt: at(86_400) });
  });

  it("never asks past SigV4's 7 days", () => {
    expect(lifetime(30 * 86_400, LONG_TERM).seconds).toBe(SIGV4_MAX_SECONDS);
    expect(lifetime(30 * 86_400, LONG_TERM).expiresAt).toEqual(at(7 * 86_400));
  });

  it('ends with temporary credentials whose expiration is sooner than what was asked', () => {
    const credentials = { sessionToken: 't', expiration: at(1200) };
    expect(lifetime(86_400, credentials)).toEqual({ signedAt: NOW, seconds: 1200, expiresAt: at(1200) });
  });

  it('gives what was asked when the credentials outlast it', () => {
    expect(lifetime(600, { sessionToken: 't', expiration: at(1200) }).expiresAt).toEqual(at(600));
  });

  it('takes a session token of unknown expiry to last unknownExpirySeconds', () => {
    expect(lifetime(86_400, { sessionToken: 't' })).toEqual({
      signedAt: NOW,
      seconds: 3600,
      expiresAt: at(3600),
    });
  });

  it('signs at the whole second, so the stated end is never past the credentials', () => {
    const now = new Date(NOW.getTime() + 700);
    const result = lifetime(86_400, { sessionToken: 't', expiration: at(1200.5) }, now);
    expect(result.signedAt).toEqual(NOW);
    expect(result.expiresAt).toEqual(at(1200));
  });

  it('asks for at least 1 s, even from credentials at their end', () => {
    expect(lifetime(86_400, { sessionToken: 't', expiration: at(-5) }).seconds).toBe(1);
  });
});

describe('PRESIGN_CREDENTIALS_SECONDS', () => {
  it('is an hour unless set', () => {
    expect(DEFAULT_PRESIGN_CREDENTIALS_SECONDS).toBe(3600);
    expect(readSettings({}).presignCredentialsSeconds).toBe(3600);
    expect(readSettings({ PRESIGN_CREDENTIALS_SECONDS: '900' }).presignCredentialsSeconds).toBe(900);
  });
});
