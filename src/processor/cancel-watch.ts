import type { JobStatus } from '@auto-vid/shared';
import type { JobStore } from '../jobs/job-store.ts';
import type { ClaimedJob } from './job-settlement.ts';
import type { Log } from './log.ts';

/** A running attempt's look at its job: did a client cancel it (or another attempt take it)? */
export interface CancelWatch {
  /** Fires once the job is no longer this attempt's: every step stops, nothing is uploaded. */
  readonly signal: AbortSignal;
  /** The status the job was found in when the watch fired; undefined while it holds the job. */
  readonly lostTo: JobStatus | 'gone' | undefined;
  stop(): void;
}

/**
 * Reads the job every `intervalMs` (one GetItem: a 15-minute render reads it 450 times at 2 s) and fires once it is no longer `processing` under this attempt: a cancel
 * (`cancelled`), a deletion, or a takeover. A failed read is skipped, never a reason to stop.
 */
export function watchForCancel(
  job: ClaimedJob,
  deps: { readonly jobs: Pick<JobStore, 'get'>; readonly log: Log },
  intervalMs: number,
): CancelWatch {
  const controller = new AbortController();
  const { jobId } = job.message;
  let lostTo: CancelWatch['lostTo'];
  let checking = false;
  const check = async () => {
    if (checking || controller.signal.aborted) return;
    checking = true;
    try {
      const record = await deps.jobs.get(jobId);
      if (record?.status === 'processing' && record.attempts === job.attempt) return;
      lostTo = record?.status ?? 'gone';
      deps.log('info', 'The job is no longer this attempt’s; stopping the render', { jobId, status: lostTo });
      controller.abort(new Error(`Job ${jobId} is ${lostTo}`));
    } catch (error) {
      deps.log('warn', 'Could not read the job to look for a cancel', {
        jobId,
        error: (error as Error).message,
      });
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return {
    signal: controller.signal,
    get lostTo() {
      return lostTo;
    },
    stop: () => clearInterval(timer),
  };
}
