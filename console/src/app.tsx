import { useEffect, useState } from 'preact/hooks';
import { NewJobPage } from './editor/new-job-page.tsx';
import { JobDetail } from './jobs/job-detail.tsx';
import { JobsPage } from './jobs/jobs-page.tsx';
import {
  clearSession,
  loadSession,
  loadUploads,
  type Session,
  saveSession,
  saveUploads,
  type UploadedAsset,
} from './session.ts';
import { SignIn } from './sign-in.tsx';
import { UploadsPage } from './uploads-page.tsx';

/** The page a location hash names: `#/uploads`, `#/new`, `#/jobs`, `#/jobs/<id>`. */
type Route = { page: 'uploads' } | { page: 'new' } | { page: 'jobs' } | { page: 'job'; jobId: string };

export function routeOf(hash: string): Route {
  const [, first, second] = hash.replace(/^#/, '').split('/');
  if (first === 'uploads') return { page: 'uploads' };
  if (first === 'new') return { page: 'new' };
  if (first === 'jobs' && second) return { page: 'job', jobId: decodeURIComponent(second) };
  return { page: 'jobs' };
}

const NAV: readonly { href: string; label: string; pages: Route['page'][] }[] = [
  { href: '#/jobs', label: 'Jobs', pages: ['jobs', 'job'] },
  { href: '#/new', label: 'New job', pages: ['new'] },
  { href: '#/uploads', label: 'Uploads', pages: ['uploads'] },
];

export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [route, setRoute] = useState<Route>(() => routeOf(location.hash));
  const [uploads, setUploads] = useState<UploadedAsset[]>(loadUploads);
  useEffect(() => {
    const follow = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  useEffect(() => {
    document.title = `auto-vid console${session ? ` · ${NAV.find((n) => n.pages.includes(route.page))?.label}` : ''}`;
  }, [route, session]);
  if (!session) {
    return (
      <SignIn
        onSignIn={(signedIn) => {
          saveSession(signedIn);
          setSession(signedIn);
        }}
      />
    );
  }
  const addUploads = (added: UploadedAsset[]) =>
    setUploads((kept) => {
      const next = [...added, ...kept];
      saveUploads(next);
      return next;
    });
  const signOut = () => {
    clearSession();
    setUploads([]);
    setSession(undefined);
  };
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">auto-vid</span>
        <nav aria-label="Console">
          {NAV.map((item) => (
            <a href={item.href} aria-current={item.pages.includes(route.page) ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <span class="who" title={session.apiUrl}>
          {new URL(session.apiUrl).host}
        </span>
        <button type="button" class="quiet" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'uploads' && (
          <UploadsPage session={session} uploads={uploads} onUploaded={addUploads} />
        )}
        {route.page === 'new' && <NewJobPage session={session} uploads={uploads} />}
        {route.page === 'jobs' && <JobsPage session={session} />}
        {route.page === 'job' && <JobDetail session={session} jobId={route.jobId} />}
      </main>
    </>
  );
}
