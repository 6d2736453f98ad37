import { useState } from 'preact/hooks';
import type { JobView } from '../../../client/src/contract.ts';
import { clientFor } from '../api.ts';
import type { Session } from '../session.ts';
import { FINAL } from './job-status.ts';

/** Cancel (a job not final) or delete (a final job, asked twice: its files go too). */
export function JobActions({
  job,
  session,
  onChanged,
}: {
  job: JobView;
  session: Session;
  onChanged: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string>();
  const name = job.jobInfo?.title || job.jobId;
  const run = async (action: () => Promise<unknown>) => {
    setProblem(undefined);
    try {
      await action();
      onChanged();
    } catch (error) {
      setProblem((error as Error).message);
    } finally {
      setConfirming(false);
    }
  };
  const client = clientFor(session);
  return (
    <span class="job-actions">
      {!FINAL.has(job.status) && (
        <button
          type="button"
          class="quiet"
          aria-label={`Cancel ${name}`}
          onClick={() => run(() => client.cancelJob(job.jobId))}
        >
          Cancel
        </button>
      )}
      {FINAL.has(job.status) && !confirming && (
        <button type="button" class="quiet" aria-label={`Delete ${name}`} onClick={() => setConfirming(true)}>
          Delete
        </button>
      )}
      {confirming && (
        <fieldset class="confirm">
          <legend class="visually-hidden">Delete {name} and its files?</legend>
          <button type="button" class="danger" onClick={() => run(() => client.deleteJob(job.jobId))}>
            Delete for good
          </button>
          <button type="button" class="quiet" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </fieldset>
      )}
      {problem && (
        <span class="problem" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}
