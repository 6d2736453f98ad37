/** The statuses a job ends in. */
export const FINAL = new Set(['completed', 'failed', 'cancelled']);
