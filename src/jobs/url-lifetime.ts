/** SigV4's longest presigned URL: 7 days. */
export const SIGV4_MAX_SECONDS = 7 * 24 * 60 * 60;

/** What matters, for a URL's lifetime, of the credentials that sign it. */
export interface SigningCredentials {
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface UrlLifetime {
  /** The SigV4 signing time: `now` to the whole second, as X-Amz-Date carries it. */
  readonly signedAt: Date;
  /** X-Amz-Expires. */
  readonly seconds: number;
  /** `signedAt + seconds`: when S3 stops honouring the URL. */
  readonly expiresAt: Date;
}

/**
 * How long a presigned URL can be promised to work. S3 refuses it once the credentials that signed
 * it expire, whatever X-Amz-Expires says, so the lifetime is the shortest of what was asked,
 * SigV4's 7 days and the credentials' own end: their `expiration` when known; for temporary
 * credentials (a session token) of unknown expiry, `unknownExpirySeconds`; long-term keys add no
 * bound. At least 1 s.
 */
export function boundUrlLifetime(request: {
  readonly seconds: number;
  readonly now: Date;
  readonly credentials: SigningCredentials;
  readonly unknownExpirySeconds: number;
}): UrlLifetime {
  const signedAt = new Date(Math.floor(request.now.getTime() / 1000) * 1000);
  const bounds = [
    request.seconds,
    SIGV4_MAX_SECONDS,
    credentialsSecondsLeft(request.credentials, signedAt, request.unknownExpirySeconds),
  ];
  const seconds = Math.max(1, Math.floor(Math.min(...bounds)));
  return { signedAt, seconds, expiresAt: new Date(signedAt.getTime() + seconds * 1000) };
}

function credentialsSecondsLeft(
  credentials: SigningCredentials,
  signedAt: Date,
  unknownExpirySeconds: number,
): number {
  if (credentials.expiration) return (credentials.expiration.getTime() - signedAt.getTime()) / 1000;
  if (credentials.sessionToken) return unknownExpirySeconds;
  return Number.POSITIVE_INFINITY;
}
