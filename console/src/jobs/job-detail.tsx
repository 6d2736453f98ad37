import { useEffect, useState } from 'preact/hooks';
import type { Deliveries, JobView } from '../../../client/src/contract.ts';
import { clientFor } from '../api.ts';
import { formatBytes } from '../format.ts';
import type { Session } from '../session.ts';
import { JobActions } from './job-actions.tsx';
import { FINAL } from './job-status.ts';
import { JobProgress } from './jobs-page.tsx';
import { Player } from './player.tsx';
import { usePolled } from './use-polled.ts';

type Output = NonNullable<JobView['output']>;

/** One job: live progress while it runs; once completed its player, poster, files, loudness and webhook log. */
export function JobDetail({ session, jobId }: { session: Session; jobId: string }) {
  const [tick, setTick] = useState(0);
  const { value: job, problem } = usePolled(
    (signal) => clientFor(session).getJob(jobId, { signal }),
    (view) => (view && FINAL.has(view.status) ? undefined : 1_000),
    [session, jobId, tick],
  );
  if (problem) {
    return (
      <section>
        <h1>Job {jobId}</h1>
        <p class="problem" role="alert">
          {problem}
        </p>
        <a href="#/jobs">Back to the jobs</a>
      </section>
    );
  }
  if (!job) return <p aria-busy="true">Loading job {jobId}…</p>;
  return (
    <section aria-labelledby="job-title" class="job-detail" data-status={job.status}>
      <p>
        <a href="#/jobs">← Jobs</a>
      </p>
      <h1 id="job-title">{job.jobInfo?.title || 'Job'}</h1>
      <dl class="facts">
        <dt>Job id</dt>
        <dd class="mono">{job.jobId}</dd>
        <dt>Status</dt>
        <dd>
          <span class={`badge ${job.status}`}>{job.status}</span> <JobProgress job={job} />
        </dd>
        {job.processingTime !== null && (
          <>
            <dt>Render time</dt>
            <dd>{job.processingTime.toFixed(1)} s</dd>
          </>
        )}
        {job.error && (
          <>
            <dt>Error</dt>
            <dd class="problem">{job.error}</dd>
          </>
        )}
      </dl>
      <JobActions
        job={job}
        session={session}
        onChanged={() => {
          // A deleted job has nothing left to show; a cancelled one shows its new status.
          if (FINAL.has(job.status)) location.hash = '#/jobs';
          else setTick((n) => n + 1);
        }}
      />
      {job.status === 'completed' && job.output && <Delivered output={job.output} />}
      {FINAL.has(job.status) && <WebhookLog session={session} jobId={job.jobId} />}
    </section>
  );
}

function Delivered({ output }: { output: Output }) {
  return (
    <>
      <h2>Video</h2>
      <Player output={output} />
      <h2>Files</h2>
      <ul class="files">
        {output.url && (
          <li>
            <a href={output.url} download>
              MP4
            </a>{' '}
            ({output.size === null ? 'size unknown' : formatBytes(output.size)}
            {output.duration === null ? '' : `, ${output.duration.toFixed(2)} s`})
          </li>
        )}
        {output.renditions?.map((r) =>
          r.url && !r.source ? (
            <li>
              <a href={r.url} download>
                {r.width}×{r.height} MP4
              </a>{' '}
              ({formatBytes(r.size)})
            </li>
          ) : null,
        )}
        {output.captions?.map((c) =>
          c.url ? (
            <li>
              <a href={c.url} download>
                Captions ({c.format.toUpperCase()}, {c.language})
              </a>
            </li>
          ) : null,
        )}
        {output.poster?.url && (
          <li>
            <a href={output.poster.url} download>
              Poster ({output.poster.format.toUpperCase()})
            </a>
          </li>
        )}
        {output.hls?.url && (
          <li>
            HLS master playlist: <code class="wrap">{output.hls.url}</code>
          </li>
        )}
      </ul>
      {output.poster?.url && (
        <>
          <h2>Poster</h2>
          <img
            class="poster"
            src={output.poster.url}
            alt="The poster frame of the video"
            width={output.poster.width}
            height={output.poster.height}
          />
        </>
      )}
      <h2>Loudness</h2>
      {output.audio ? (
        <dl class="facts" data-testid="loudness">
          <dt>Integrated</dt>
          <dd>{formatLevel(output.audio.integratedLufs, 'LUFS')}</dd>
          <dt>True peak</dt>
          <dd>{formatLevel(output.audio.truePeakDbtp, 'dBTP')}</dd>
          <dt>Loudness range</dt>
          <dd>{formatLevel(output.audio.loudnessRange, 'LU')}</dd>
        </dl>
      ) : (
        <p class="hint">Not measured.</p>
      )}
    </>
  );
}

function formatLevel(value: number | null, unit: string): string {
  return value === null ? 'silence' : `${value.toFixed(1)} ${unit}`;
}

/** Every webhook attempt, and a button that sends the final notification again. */
function WebhookLog({ session, jobId }: { session: Session; jobId: string }) {
  const [log, setLog] = useState<Deliveries>();
  const [message, setMessage] = useState<string>();
  const load = () =>
    clientFor(session)
      .getDeliveries(jobId)
      .then(setLog, (error: Error) => setMessage(error.message));
  useEffect(() => {
    load();
  }, [jobId]);
  const redeliver = async () => {
    setMessage(undefined);
    try {
      const answer = await clientFor(session).redeliverWebhook(jobId);
      setMessage(`Sent again as ${answer.webhookId}.`);
      setTimeout(load, 1_500);
    } catch (error) {
      setMessage((error as Error).message);
    }
  };
  return (
    <>
      <h2>Webhook deliveries</h2>
      {log && log.deliveries.length === 0 && (
        <p class="hint">No webhook was asked for, or none was sent yet.</p>
      )}
      {log && log.deliveries.length > 0 && (
        <table class="deliveries">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Attempt</th>
              <th scope="col">Answer</th>
              <th scope="col">Time</th>
            </tr>
          </thead>
          <tbody>
            {log.deliveries.map((d) => (
              <tr>
                <td>{new Date(d.at).toLocaleString()}</td>
                <td>{d.attempt}</td>
                <td class={d.delivered ? undefined : 'problem'}>{d.statusCode ?? d.error ?? 'no answer'}</td>
                <td>{d.durationMs} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log && log.deliveries.length > 0 && (
        <button type="button" class="quiet" onClick={redeliver}>
          Redeliver the webhook
        </button>
      )}
      {message && <p role="status">{message}</p>}
    </>
  );
}
