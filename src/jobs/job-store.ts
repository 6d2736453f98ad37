import type { JobRecord, JobStatus, StoredOutput, WebhookAttempt } from '@auto-vid/shared';

/** The outcome of trying to take a job for processing. */
export type ClaimResult =
  | { readonly claimed: true; readonly record: JobRecord }
  | { readonly claimed: false; readonly record: JobRecord | undefined };

/** What counting one encoded chunk found. */
export type ChunkCountResult =
  | { readonly outcome: 'counted'; readonly record: JobRecord }
  | { readonly outcome: 'already'; readonly record: JobRecord }
  | { readonly outcome: 'lost'; readonly record: JobRecord | undefined };

/** What `GET /jobs` filters on; every filter given must hold. */
export interface JobQuery {
  readonly status?: JobStatus;
  readonly projectId?: string;
  readonly tag?: string;
  /** Lower-case text searched in the title and the projectId. */
  readonly q?: string;
  /** At most this many jobs in the page. */
  readonly limit: number;
  /** Where the previous page ended (the last job's keys), from `JobPage.next`. */
  readonly after?: JobCursor;
}

/** The keys of the last job of a page: the next page starts after it. */
export interface JobCursor {
  readonly jobId: string;
  readonly owner: string;
  readonly submittedAt: string;
}

export interface JobPage {
  readonly records: readonly JobRecord[];
  /** Undefined on the last page. */
  readonly next?: JobCursor;
}

/** The job table, as the use-cases see it. Every transition is conditional on the current state. */
export interface JobStore {
  /** Adds a new record; fails when the id exists. */
  create(record: JobRecord): Promise<void>;
  get(jobId: string): Promise<JobRecord | undefined>;
  /**
   * `submitted`/`retrying` (or `processing` whose lease ran out) → `processing`, attempt + 1. Only
   * one of several concurrent callers wins.
   */
  claim(jobId: string, now: Date, leaseUntil: Date): Promise<ClaimResult>;
  /**
   * Progress of the claimed attempt, only ever forward; false when the attempt no longer owns the
   * job or the progress recorded is already as far.
   */
  reportProgress(jobId: string, attempt: number, progress: number, now: Date): Promise<boolean>;
  /** `processing` (this attempt) → `completed`, the output's record-only version id included. */
  complete(
    jobId: string,
    attempt: number,
    result: { output: StoredOutput; processingTime: number },
    now: Date,
  ): Promise<JobRecord | undefined>;
  /** `processing` (this attempt) → `retrying`, keeping the reason. */
  markRetrying(jobId: string, attempt: number, error: string, now: Date): Promise<JobRecord | undefined>;
  /**
   * Any state but a final one → `failed`. Returns the failed record, or undefined when the job was
   * already final (or unknown), so a failure is recorded and announced once.
   */
  fail(
    jobId: string,
    error: string,
    now: Date,
    extra?: { processingTime?: number; attempt?: number },
  ): Promise<JobRecord | undefined>;
  /** Any state but a final one → `cancelled`; undefined when unknown or already final. */
  cancel(jobId: string, now: Date): Promise<JobRecord | undefined>;
  /** Deletes a final job's record; false when it is unknown or not final. */
  remove(jobId: string): Promise<boolean>;
  /** An owner's jobs, newest first, one page at a time. */
  list(owner: string, query: JobQuery): Promise<JobPage>;
  /**
   * A chunked re-encode begins: `chunks = {total, done: 0}`, no chunk counted, the lease renewed.
   * Holds only while `attempt` holds the job; false otherwise.
   */
  startChunks(jobId: string, attempt: number, total: number, now: Date, leaseUntil: Date): Promise<boolean>;
  /**
   * Counts one encoded chunk, once: `counted` with the record after it, `already` when this chunk
   * was counted before (a duplicate message, or a retry after the count), `lost` when the attempt no
   * longer holds the job.
   */
  countChunk(
    jobId: string,
    attempt: number,
    index: number,
    now: Date,
    leaseUntil: Date,
  ): Promise<ChunkCountResult>;
  /**
   * Takes the join of a chunked job whose chunks are all counted: only one caller at a time holds it,
   * until `leaseUntil`; a holder that died is replaced once its lease ran out.
   */
  claimJoin(jobId: string, attempt: number, now: Date, leaseUntil: Date): Promise<boolean>;
  /** Gives the join back (its holder met a fault that may pass), so the retry can take it at once. */
  releaseJoin(jobId: string, attempt: number): Promise<void>;
  /** Appends one webhook attempt to the job's delivery log; false when the job is gone. */
  recordDelivery(jobId: string, attempt: WebhookAttempt): Promise<boolean>;
}
