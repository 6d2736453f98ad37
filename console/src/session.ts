/** The API URL and key the console calls with, kept in this browser's local storage. */
export interface Session {
  readonly apiUrl: string;
  readonly apiKey: string;
}

const SESSION_KEY = 'auto-vid.console.session';
const UPLOADS_KEY = 'auto-vid.console.uploads';

export function loadSession(): Session | undefined {
  try {
    const kept = JSON.parse(localStorage.getItem(SESSION_KEY) ?? 'null') as Partial<Session> | null;
    return typeof kept?.apiUrl === 'string' && typeof kept.apiKey === 'string'
      ? { apiUrl: kept.apiUrl, apiKey: kept.apiKey }
      : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

/** Sign-out: the key and the list of uploads leave this browser. */
export function clearSession(): void {
  localStorage.removeItem(SESSION_KEY);
  localStorage.removeItem(UPLOADS_KEY);
}

/** A file uploaded through the console: what a spec's asset `source` takes. */
export interface UploadedAsset {
  readonly name: string;
  readonly source: string;
  readonly contentType: string;
  readonly size: number;
}

export function loadUploads(): UploadedAsset[] {
  try {
    const kept = JSON.parse(localStorage.getItem(UPLOADS_KEY) ?? '[]') as unknown;
    return Array.isArray(kept) ? (kept as UploadedAsset[]) : [];
  } catch {
    return [];
  }
}

export function saveUploads(uploads: readonly UploadedAsset[]): void {
  localStorage.setItem(UPLOADS_KEY, JSON.stringify(uploads));
}
