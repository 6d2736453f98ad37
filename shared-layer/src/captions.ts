import { z } from 'zod';

/** Sidecar formats a job can ask for. */
export const CAPTION_FORMATS = ['vtt', 'srt'] as const;
export type CaptionFormat = (typeof CAPTION_FORMATS)[number];

/**
 * Fonts that burned-in captions may use: the DejaVu families, installed with the project (Debian's
 * fonts-dejavu-core on one machine, the processor image's own copy in the cloud). A font is never
 * fetched at render time.
 */
export const CAPTION_FONTS = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Mono'] as const;
export type CaptionFont = (typeof CAPTION_FONTS)[number];

/** The longest a cue stays on screen, seconds: a longer sentence is split at a word. */
export const MAX_CUE_SECONDS = 7;

const colour = (fallback: string, what: string) =>
  z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'Must be a colour as #RRGGBB, such as #FFFFFF')
    .default(fallback)
    .describe(`${what}, #RRGGBB (default ${fallback}).`);

/** Pixels are those of a picture whose shorter side is 1080: the style scales with the video. */
const captionStyleSchema = z
  .object({
    font: z.enum(CAPTION_FONTS).default('DejaVu Sans').describe('Font family (default DejaVu Sans).'),
    size: z
      .number()
      .min(10)
      .max(200)
      .default(56)
      .describe(
        'Text size in pixels of a picture whose shorter side is 1080 (default 56); scales with the video.',
      ),
    bold: z.boolean().default(true),
    color: colour('#FFFFFF', 'Text colour'),
    outlineColor: colour('#000000', 'Outline colour'),
    outline: z
      .number()
      .min(0)
      .max(20)
      .default(3)
      .describe('Outline width in the same pixels (default 3; 0: none).'),
    position: z.enum(['bottom', 'middle', 'top']).default('bottom'),
    margin: z
      .number()
      .min(0)
      .max(500)
      .default(60)
      .describe("Distance from the picture's bottom or top edge, in the same pixels (default 60)."),
    highlight: z
      .enum(['none', 'word'])
      .default('none')
      .describe('word: the word being spoken is drawn in highlightColor (default none).'),
    highlightColor: colour('#FFD700', 'Colour of the word being spoken'),
  })
  .prefault({})
  .describe('How burned-in captions look; sidecars and the track are styled by the player.');

export const captionsSchema = z
  .object({
    formats: z
      .array(z.enum(CAPTION_FORMATS))
      .max(CAPTION_FORMATS.length)
      .default(['vtt', 'srt'])
      .superRefine((formats, ctx) => {
        if (new Set(formats).size !== formats.length) {
          ctx.addIssue({ code: 'custom', message: 'Each format may be named once' });
        }
      })
      .describe(
        'Sidecar files written beside the MP4: vtt (WebVTT), srt (SubRip). Default both; [] for none.',
      ),
    track: z
      .boolean()
      .default(true)
      .describe(
        'Mux a soft subtitle track (mov_text) into the MP4; the video is still copied (default true).',
      ),
    burnIn: z
      .boolean()
      .default(false)
      .describe(
        'Draw the captions into the picture, styled by style; this re-encodes the video (default false).',
      ),
    maxCharsPerLine: z
      .number()
      .int()
      .min(16)
      .max(80)
      .default(42)
      .describe('Characters per line (default 42).'),
    maxLines: z.number().int().min(1).max(3).default(2).describe('Lines per cue (default 2).'),
    style: captionStyleSchema,
  })
  .optional()
  .describe(
    `Captions timed from the narration (tts events only): sidecars, a subtitle track, burn-in. A cue holds one sentence or part of one, at most ${MAX_CUE_SECONDS} s. Default: none.`,
  );

export type CaptionsSettings = NonNullable<z.output<typeof captionsSchema>>;
export type CaptionStyle = CaptionsSettings['style'];
