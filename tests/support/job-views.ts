/**
 * The view's `output` of a job that has not completed, spelled out field by field as clients see
 * it: every field present, each null. Tests compare against this, not against the code's own
 * constant, so a field added or dropped there is seen.
 */
/** The output's delivery fields when a job asked for none. */
export const NO_DELIVERABLES = { poster: null, thumbnails: null, renditions: null, hls: null } as const;

export const OUTPUT_NOT_YET_MADE = {
  url: null,
  urlExpiresAt: null,
  s3Uri: null,
  duration: null,
  size: null,
  audio: null,
  captions: null,
  ...NO_DELIVERABLES,
} as const;

/** The job view's fields, in the order clients get them (no owner, ttl or bookkeeping). */
export const VIEW_KEYS = [
  'jobId',
  'status',
  'submittedAt',
  'updatedAt',
  'completedAt',
  'processingTime',
  'output',
  'error',
  'jobInfo',
] as const;

/** The view's `output` fields, in order. */
export const OUTPUT_KEYS = Object.keys(OUTPUT_NOT_YET_MADE);
