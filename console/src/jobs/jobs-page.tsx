import { useState } from 'preact/hooks';
import type { JobList, JobView } from '../../../client/src/contract.ts';
import { clientFor } from '../api.ts';
import type { Session } from '../session.ts';
import { JobActions } from './job-actions.tsx';
import { FINAL } from './job-status.ts';
import { usePolled } from './use-polled.ts';

const STATUSES = ['submitted', 'processing', 'retrying', 'completed', 'failed', 'cancelled'] as const;

/** Polls faster while a job runs: every second then, every ten seconds otherwise. */
const LIVE_MS = 1_000;
const IDLE_MS = 10_000;

/** The key's jobs, newest first, live while any runs; filtered by status and searched by title or project. */
export function JobsPage({ session }: { session: Session }) {
  const [status, setStatus] = useState('');
  const [query, setQuery] = useState('');
  const [tick, setTick] = useState(0);
  const { value: page, problem } = usePolled(
    async (signal) => {
      const filters = {
        limit: 50,
        ...(status ? { status: status as JobView['status'] } : {}),
        ...(query ? { q: query } : {}),
      };
      return (await clientFor(session).listJobs(filters, { signal }).next()).value as JobList;
    },
    (listed) => (listed?.jobs.some((job) => !FINAL.has(job.status)) ? LIVE_MS : IDLE_MS),
    [session, status, query, tick],
    query ? 300 : 0,
  );
  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      <search class="toolbar">
        {/* Filters: the list asks the API again at each change. */}
        <label for="status-filter">Status</label>
        <select id="status-filter" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">any</option>
          {STATUSES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
        <label for="job-search">Search</label>
        <input
          id="job-search"
          type="search"
          placeholder="title or project"
          value={query}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
      </search>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      {page && page.jobs.length === 0 && <p class="hint">No jobs{status || query ? ' match' : ' yet'}.</p>}
      {page && page.jobs.length > 0 && (
        <table class="jobs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Submitted</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {page.jobs.map((job) => (
              <JobRow job={job} session={session} onChanged={() => setTick((n) => n + 1)} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function JobRow({ job, session, onChanged }: { job: JobView; session: Session; onChanged: () => void }) {
  const title = job.jobInfo?.title || job.jobId;
  return (
    <tr data-job-id={job.jobId} data-status={job.status}>
      <td>
        <a href={`#/jobs/${job.jobId}`}>{title}</a>
        {job.jobInfo?.title && <div class="hint mono">{job.jobId.slice(0, 8)}</div>}
      </td>
      <td>
        <span class={`badge ${job.status}`}>{job.status}</span>
      </td>
      <td>
        <JobProgress job={job} />
      </td>
      <td>{new Date(job.submittedAt).toLocaleString()}</td>
      <td>
        <JobActions job={job} session={session} onChanged={onChanged} />
      </td>
    </tr>
  );
}

/** The bar: the render's percent while it runs, full once completed, empty before. */
export function JobProgress({ job }: { job: JobView }) {
  const value = job.status === 'completed' ? 100 : (job.progress ?? 0);
  const label =
    job.status === 'processing' ? `${Math.round(value)} %` : job.status === 'completed' ? 'done' : job.status;
  return (
    <span class="progress">
      <progress max={100} value={value} aria-label={`Progress of ${job.jobInfo?.title || job.jobId}`} />
      <span class="hint">{label}</span>
    </span>
  );
}
