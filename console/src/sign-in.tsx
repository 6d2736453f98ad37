import { useState } from 'preact/hooks';
import { AutoVidError, clientFor } from './api.ts';
import type { Session } from './session.ts';

/**
 * The API's URL (this page's own origin when auto-vid dev serves it) and a key, checked with one
 * call that needs the key before they are kept.
 */
export function SignIn({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [apiUrl, setApiUrl] = useState(defaultApiUrl);
  const [apiKey, setApiKey] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setProblem(undefined);
    let session: Session;
    try {
      session = { apiUrl: new URL(apiUrl.trim()).toString().replace(/\/+$/, ''), apiKey: apiKey.trim() };
    } catch {
      setProblem(
        'The API URL is not a URL (for example https://abc123.execute-api.eu-west-1.amazonaws.com/Prod).',
      );
      return;
    }
    setBusy(true);
    try {
      await clientFor(session).listJobs({ limit: 1 }).next();
      onSignIn(session);
    } catch (error) {
      const status = error instanceof AutoVidError ? error.status : 0;
      setProblem(
        status === 403
          ? 'The API refused this key (403 Forbidden).'
          : `The API could not be reached: ${(error as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>auto-vid console</h1>
      <form onSubmit={submit} aria-describedby={problem ? 'sign-in-problem' : undefined}>
        <label for="api-url">API URL</label>
        <input
          id="api-url"
          type="url"
          required
          value={apiUrl}
          onInput={(e) => setApiUrl(e.currentTarget.value)}
        />
        <label for="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          required
          autocomplete="current-password"
          value={apiKey}
          onInput={(e) => setApiKey(e.currentTarget.value)}
        />
        <p class="hint">Kept in this browser's local storage until you sign out.</p>
        {problem && (
          <p id="sign-in-problem" class="problem" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

/** Where the page came from, minus the console's own path: auto-vid dev serves both. */
function defaultApiUrl(): string {
  return location.protocol.startsWith('http') ? location.origin : '';
}
