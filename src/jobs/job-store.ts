import type { JobRecord, StoredOutput } from '@auto-vid/shared';

/** The outcome of trying to take a job for processing. */
export type ClaimResult =
  | { readonly claimed: true; readonly record: JobRecord }
  | { readonly claimed: false; readonly record: JobRecord | undefined };

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
  /** Progress of the claimed attempt; false once the attempt no longer owns the job. */
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
}
