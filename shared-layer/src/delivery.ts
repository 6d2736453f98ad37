import { z } from 'zod';

// What a job delivers besides its MP4: a poster, a thumbnail track, smaller MP4 renditions and an
// HLS package. All optional fields of `output`: a spec without them renders exactly as before.

export const POSTER_FORMATS = ['jpg', 'webp'] as const;
export type PosterFormat = (typeof POSTER_FORMATS)[number];

/** The poster's width when the spec does not give one: the video's own, up to this. */
export const DEFAULT_POSTER_MAX_WIDTH = 1280;

const posterOptionsSchema = z.object({
  time: z
    .number()
    .min(0)
    .optional()
    .describe(
      'Seconds into the output of the frame to take; a time past the end takes the last frame. Without it, a representative frame (black and blurred frames skipped).',
    ),
  width: z
    .number()
    .int('Must be a whole number of pixels')
    .min(16)
    .max(3840)
    .optional()
    .describe(
      `Pixels; the height follows the video's shape. Default: the video's width, at most ${DEFAULT_POSTER_MAX_WIDTH}.`,
    ),
  format: z.enum(POSTER_FORMATS).default('jpg'),
});

export const posterSchema = z
  .union([z.literal(true), posterOptionsSchema])
  .optional()
  .describe('A poster image beside the MP4: true for a representative frame, or { time, width, format }.');
export type PosterRequest = z.output<typeof posterSchema>;

export const thumbnailsSchema = z
  .object({
    interval: z.number().min(1).max(600).default(5).describe('Seconds between thumbnails (default 5).'),
    width: z
      .number()
      .int('Must be a whole number of pixels')
      .min(32)
      .max(640)
      .default(160)
      .describe('Pixels of each thumbnail (default 160); the height follows the video.'),
  })
  .optional()
  .describe(
    'A sprite sheet of thumbnails and a WebVTT track naming each one with #xywh=, as scrubbing previews in players read it.',
  );
export type ThumbnailsRequest = z.output<typeof thumbnailsSchema>;

const BITRATE = /^[1-9][0-9]{0,8}(\.[0-9]+)?[kKmM]?$/;

const renditionSchema = z.union([
  z.literal('source').describe('The main MP4 itself.'),
  z.object({
    height: z
      .number()
      .int('Must be a whole number of pixels')
      .min(144)
      .max(2160)
      .describe("Pixels; never above the video's own (a taller one is the main MP4)."),
    bitrate: z
      .string()
      .regex(BITRATE, 'Must be a bitrate such as 1200k or 3M')
      .optional()
      .describe('Video bitrate; default by height (docs: renditions).'),
  }),
]);

/** A list of renditions, each height (and "source") at most once. */
const renditionListSchema = z
  .array(renditionSchema)
  .min(1)
  .max(6)
  .superRefine((renditions, ctx) => {
    const seen = new Set<string>();
    renditions.forEach((rendition, index) => {
      const key = rendition === 'source' ? 'source' : String(rendition.height);
      if (seen.has(key)) {
        const what = rendition === 'source' ? '"source"' : `height ${key}`;
        ctx.addIssue({ code: 'custom', path: [index], message: `${what} is listed twice` });
      }
      seen.add(key);
    });
  });

export const renditionsSchema = renditionListSchema
  .optional()
  .describe(
    'More MP4s at other heights, e.g. ["source", { "height": 720 }, { "height": 480, "bitrate": "1200k" }].',
  );
export type RenditionRequest = z.output<typeof renditionSchema>;

/** Seconds of an HLS segment when the spec does not say. */
export const DEFAULT_HLS_SEGMENT_SECONDS = 6;

export const hlsSchema = z
  .object({
    renditions: renditionListSchema
      .default(['source'])
      .describe(
        'The variants of the package, e.g. ["source", { "height": 720 }, { "height": 360 }] (default ["source"]). "source" copies the video (no re-encode); its segments follow the source\'s keyframes.',
      ),
    segmentSeconds: z
      .number()
      .min(1)
      .max(30)
      .default(DEFAULT_HLS_SEGMENT_SECONDS)
      .describe(
        `Target segment length, seconds (default ${DEFAULT_HLS_SEGMENT_SECONDS}). Encoded variants cut exactly on it; the "source" variant cuts on the first keyframe at or after it.`,
      ),
  })
  .optional()
  .describe(
    'An HLS package (fMP4/CMAF segments and a master playlist) beside the MP4, playable from the private bucket through GET /jobs/{jobId}/hls/master.m3u8.',
  );
export type HlsRequest = NonNullable<z.output<typeof hlsSchema>>;

export const deliverablesSchema = z.object({
  poster: posterSchema,
  thumbnails: thumbnailsSchema,
  renditions: renditionsSchema,
  hls: hlsSchema,
});
/** What a job asks for besides its MP4. */
export type DeliverablesRequest = z.output<typeof deliverablesSchema>;
