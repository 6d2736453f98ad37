/**
 * The view's `output` of a job that has not completed, spelled out field by field as clients see
 * it: every field present, each null. Tests compare against this, not against the code's own
 * constant, so a field added or dropped there is seen.
 */
export const OUTPUT_NOT_YET_MADE = {
  url: null,
  urlExpiresAt: null,
  s3Uri: null,
  duration: null,
  size: null,
  audio: null,
  captions: null,
} as const;
