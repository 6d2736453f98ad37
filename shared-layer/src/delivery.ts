import { z } from 'zod';

// What a job delivers besides its MP4: a poster, a thumbnail track and smaller MP4 renditions. All
// optional: a spec without them renders exactly as before. Not yet fields of output: the renderer
// makes them (src/processor/deliverables/), uploading and showing them comes next.

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

export const renditionsSchema = z
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
  })
  .optional()
  .describe(
    'More MP4s at other heights, e.g. ["source", { "height": 720 }, { "height": 480, "bitrate": "1200k" }].',
  );
export type RenditionRequest = NonNullable<z.output<typeof renditionsSchema>>[number];

export const deliverablesSchema = z.object({
  poster: posterSchema,
  thumbnails: thumbnailsSchema,
  renditions: renditionsSchema,
});
/** What a job asks for besides its MP4. */
export type DeliverablesRequest = z.output<typeof deliverablesSchema>;
