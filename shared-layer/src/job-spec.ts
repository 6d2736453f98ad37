import { z } from 'zod';
import { parseAssetSource, parseS3Location } from './asset-source.ts';
import { captionsSchema } from './captions.ts';
import { hlsSchema, posterSchema, renditionsSchema, thumbnailsSchema } from './delivery.ts';
import { quoteForMessage } from './message-text.ts';
import { POLLY_ENGINES, POLLY_LANGUAGE_CODES, POLLY_TEXT_TYPES, POLLY_VOICE_IDS } from './polly-voices.ts';
import { findSsmlProblem } from './ssml.ts';

/** Safety limits the job spec enforces on top of the old service's rules (documented in the README). */
export const SPEC_LIMITS = {
  maxTimelineEvents: 500,
  maxAudioAssets: 100,
  maxTtsTextChars: 20_000,
  maxTotalTtsTextChars: 100_000,
  maxFilenameLength: 255,
  /**
   * UTF-8 bytes of the file name with `.mp4` appended. A file system allows 255 per name, and the
   * render writes `.<name>.<pid>.partial` beside the output first.
   */
  maxFilenameBytes: 200,
} as const;

/** Headers the HTTP connection itself sets; a webhook that set them would break every delivery. */
const CONNECTION_HEADERS = new Set([
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** A header value HTTP carries as it is: visible ASCII and spaces. */
const HEADER_VALUE = /^[\x20-\x7e]*$/;

export interface WebhookSizeLimits {
  /** Largest JSON text of `notifications.webhook.headers`, in bytes. */
  readonly maxHeadersSize: number;
  /** Largest JSON text of `notifications.webhook.metadata`, in bytes. */
  readonly maxMetadataSize: number;
}

export const DEFAULT_WEBHOOK_SIZE_LIMITS: WebhookSizeLimits = { maxHeadersSize: 1024, maxMetadataSize: 1024 };

/** Reads `WEBHOOK_MAX_HEADERS_SIZE` / `WEBHOOK_MAX_METADATA_SIZE`; unset or unusable values keep 1024. */
export function readWebhookSizeLimits(
  env: Readonly<Record<string, string | undefined>> = process.env,
): WebhookSizeLimits {
  return {
    maxHeadersSize: readPositiveInt(env.WEBHOOK_MAX_HEADERS_SIZE, DEFAULT_WEBHOOK_SIZE_LIMITS.maxHeadersSize),
    maxMetadataSize: readPositiveInt(
      env.WEBHOOK_MAX_METADATA_SIZE,
      DEFAULT_WEBHOOK_SIZE_LIMITS.maxMetadataSize,
    ),
  };
}

function readPositiveInt(raw: string | undefined, fallback: number): number {
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

export const X264_PRESETS = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
  'placebo',
] as const;

/** Loudness targets by name: integrated loudness (LUFS) and true-peak ceiling (dBTP). */
export const LOUDNESS_PRESETS = {
  streaming: { integrated: -14, truePeak: -1 },
  podcast: { integrated: -16, truePeak: -1.5 },
  broadcast: { integrated: -23, truePeak: -2 },
} as const;

export type LoudnessPresetName = keyof typeof LOUDNESS_PRESETS;

/** Where `output.audio.loudness` brings the mix. */
export interface LoudnessTarget {
  /** Integrated loudness, LUFS (ITU-R BS.1770). */
  readonly integrated: number;
  /** Ceiling of the true peak, dBTP. */
  readonly truePeak: number;
}

const PRESET_NAMES = Object.keys(LOUDNESS_PRESETS) as [LoudnessPresetName, ...LoudnessPresetName[]];

const loudnessSchema = z
  .union(
    [
      z.enum(PRESET_NAMES),
      z
        .object({
          integrated: z.number().min(-50).max(-5).describe('Integrated loudness in LUFS, from -50 to -5.'),
          truePeak: z
            .number()
            .min(-9)
            .max(0)
            .default(-1)
            .describe('True-peak ceiling in dBTP, from -9 to 0 (default -1), above integrated.'),
        })
        .superRefine((target, ctx) => {
          if (target.truePeak <= target.integrated) {
            ctx.addIssue({
              code: 'custom',
              path: ['truePeak'],
              message: `Must be above the integrated target (${target.integrated}): audio is louder at its peaks than on average`,
            });
          }
        }),
    ],
    {
      error: "Input should be 'streaming', 'podcast', 'broadcast' or an object with integrated and truePeak",
    },
  )
  .optional()
  .describe(
    'Bring the final mix to this loudness: streaming (-14 LUFS, -1 dBTP), podcast (-16, -1.5), broadcast (-23, -2), or { integrated, truePeak }. Default: the mix as it is.',
  );

/** The target `output.audio.loudness` names, resolved; undefined when there is none. */
export function resolveLoudnessTarget(spec: Pick<JobSpec, 'output'>): LoudnessTarget | undefined {
  const loudness = spec.output.audio?.loudness;
  if (loudness === undefined) return undefined;
  return typeof loudness === 'string' ? LOUDNESS_PRESETS[loudness] : loudness;
}

/** How the output's video is made: see `output.encoding.video`. */
export const VIDEO_MODES = ['auto', 'copy', 'encode'] as const;

// An HTTP header field name is an RFC 9110 token; values must not carry control characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const BITRATE = /^[1-9][0-9]{0,8}(\.[0-9]+)?[kKmM]?$/;

/** UTF-8 bytes of a text, in Node and in a browser alike (the console validates with this module). */
function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

function byteSizeOfJson(value: unknown): number {
  return utf8Bytes(JSON.stringify(value));
}

function describeSize(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024}KB` : `${bytes} bytes`;
}

const unitVolume = (defaultValue: number) =>
  z.number().min(0).max(1).default(defaultValue).describe(`Gain from 0.0 to 1.0 (default ${defaultValue}).`);

const sourceString = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    const parsed = parseAssetSource(source);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
  })
  .describe('s3://bucket/key, http(s)://… or (local mode only) a file path.');

const assetSchema = z.object({
  id: z.string().min(1).max(100),
  source: sourceString,
});

/** The source video's own audio, mixed in when `keep` is true (by default it is replaced). */
const sourceAudioSchema = z
  .object({
    keep: z
      .boolean()
      .default(false)
      .describe("Mix the source video's own audio into the output (default false: it is replaced)."),
    volume: unitVolume(1.0),
    duckingLevel: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        "While a timeline clip with a duckingLevel plays, the source audio's gain is multiplied by this level, with that clip's fades (default: not ducked).",
      ),
  })
  .optional();

const videoAssetSchema = assetSchema.extend({ audio: sourceAudioSchema });

/** Side-chain compression of the music by the source video's own audio: see `duckUnderSource`. */
export const SOURCE_DUCKING_DEFAULTS = { threshold: -40, ratio: 8, attackMs: 20, releaseMs: 400 } as const;

const duckUnderSourceSchema = z
  .union(
    [
      z.boolean(),
      z.object({
        threshold: z
          .number()
          .min(-60)
          .max(0)
          .default(SOURCE_DUCKING_DEFAULTS.threshold)
          .describe(
            `Level of the source audio (dBFS, from -60 to 0) above which the music is lowered (default ${SOURCE_DUCKING_DEFAULTS.threshold}).`,
          ),
        ratio: z
          .number()
          .min(1)
          .max(20)
          .default(SOURCE_DUCKING_DEFAULTS.ratio)
          .describe(
            `How hard: every ratio dB the source goes over the threshold lowers the music by ratio - 1 dB, from 1 to 20 (default ${SOURCE_DUCKING_DEFAULTS.ratio}).`,
          ),
      }),
    ],
    { error: 'Input should be true, false or an object with threshold and ratio' },
  )
  .default(false)
  .describe(
    `Lower the music while the source video's own audio carries sound (needs assets.video.audio.keep): a side-chain compressor, attack ${SOURCE_DUCKING_DEFAULTS.attackMs} ms, release ${SOURCE_DUCKING_DEFAULTS.releaseMs} ms. true, or { threshold, ratio }.`,
  );

const duckingFields = {
  duckingLevel: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .describe('While this clip plays, the music gain is multiplied by this level.'),
  duckingFadeDuration: z.number().min(0).default(0.5).describe('Seconds to ramp the music down and back up.'),
};

const ttsEventSchema = z.object({
  start: z.number().min(0).describe("Seconds from the video's first frame."),
  type: z.literal('tts'),
  data: z
    .object({
      text: z
        .string()
        .min(1)
        .max(SPEC_LIMITS.maxTtsTextChars)
        .describe('Plain text, or SSML with textType ssml.'),
      provider: z.literal('aws-polly').default('aws-polly'),
      providerConfig: z
        .object({
          voiceId: z
            .enum(POLLY_VOICE_IDS, { error: "Input should be an Amazon Polly voice id, such as 'Joanna'" })
            .default('Joanna')
            .describe('Amazon Polly voice id (listed below).'),
          engine: z.enum(POLLY_ENGINES).default('neural'),
          textType: z.enum(POLLY_TEXT_TYPES).default('text'),
          languageCode: z
            .enum(POLLY_LANGUAGE_CODES, {
              error: "Input should be an Amazon Polly language code, such as 'en-US'",
            })
            .optional()
            .describe("Default: the voice's own language."),
        })
        .prefault({}),
      volume: unitVolume(1.0),
      ...duckingFields,
    })
    .superRefine((data, ctx) => {
      if (data.providerConfig.textType !== 'ssml') return;
      const problem = findSsmlProblem(data.text);
      if (problem) ctx.addIssue({ code: 'custom', path: ['text'], message: problem });
    }),
});

const audioEventSchema = z.object({
  start: z.number().min(0).describe("Seconds from the video's first frame."),
  type: z.literal('audio'),
  data: z.object({
    assetId: z.string().describe('The id of an entry of assets.audio.'),
    volume: unitVolume(0.5),
    ...duckingFields,
  }),
});

const timelineEventSchema = z.discriminatedUnion('type', [ttsEventSchema, audioEventSchema]);

const outputFields = z.object({
  destination: z
    .string()
    .min(1)
    .superRefine((destination, ctx) => {
      const parsed = parseAssetSource(destination);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
      else if (parsed.source.kind === 'http') {
        ctx.addIssue({
          code: 'custom',
          message: 'Destination must be s3://bucket/prefix/ or a local folder',
        });
      }
    })
    .optional()
    .describe('s3://bucket/prefix/ or (local mode only) a folder; default: the managed bucket, outputs/.'),
  filename: z
    .string()
    .min(1)
    .max(SPEC_LIMITS.maxFilenameLength)
    .superRefine((filename, ctx) => {
      if (/[/\\]/.test(filename) || filename.includes('..') || CONTROL_CHARS.test(filename)) {
        ctx.addIssue({
          code: 'custom',
          message: 'Must be a plain file name (no /, \\, .. or control characters)',
        });
      }
      const bytes = utf8Bytes(resolveOutputFilename({ output: { filename } }));
      if (bytes > SPEC_LIMITS.maxFilenameBytes) {
        ctx.addIssue({
          code: 'custom',
          message: `Must be at most ${SPEC_LIMITS.maxFilenameBytes} bytes in UTF-8 with .mp4 (it is ${bytes})`,
        });
      }
    })
    .describe('Output file name; .mp4 is appended when missing.'),
  encoding: z
    .object({
      preset: z
        .enum(X264_PRESETS)
        .default('medium')
        .describe('x264 preset used when the video is re-encoded.'),
      bitrate: z
        .string()
        .regex(BITRATE, 'Must be a bitrate such as 2500k or 5M')
        .optional()
        .describe('Video bitrate, such as 2500k or 5M; setting it re-encodes the video.'),
      audio_bitrate: z
        .string()
        .regex(BITRATE, 'Must be a bitrate such as 128k or 320k')
        .optional()
        .describe('AAC bitrate, such as 128k (default 192k).'),
      fps: z.number().gt(0).max(240).optional().describe('Output frame rate; default: the source rate.'),
      crf: z
        .number()
        .int('Must be a whole number from 0 to 51')
        .min(0)
        .max(51)
        .optional()
        .describe(
          'x264 constant rate factor of a re-encode without a bitrate: lower is better and larger (default 23).',
        ),
      video: z
        .enum(VIDEO_MODES)
        .default('auto')
        .describe(
          'auto: copy the source video unless a bitrate, a crf, another fps or the source itself needs a re-encode; copy: always copy (refused when it cannot); encode: always re-encode.',
        ),
    })
    .superRefine((encoding, ctx) => {
      if (encoding.bitrate !== undefined && encoding.crf !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['crf'], message: 'Set a bitrate or a crf, not both' });
      }
      const change =
        encoding.bitrate !== undefined ? 'bitrate' : encoding.crf !== undefined ? 'crf' : undefined;
      if (encoding.video === 'copy' && change) {
        ctx.addIssue({
          code: 'custom',
          path: ['video'],
          message: `A copied video keeps its own quality: remove the ${change}, or use "auto" or "encode"`,
        });
      }
    })
    .optional(),
  audio: z
    .object({ loudness: loudnessSchema })
    .optional()
    .describe('What is done to the final mix as a whole.'),
  captions: captionsSchema,
  poster: posterSchema,
  thumbnails: thumbnailsSchema,
  renditions: renditionsSchema,
  hls: hlsSchema,
});

/** Rules between output fields: burned-in captions are drawn into a re-encoded picture. */
function checkOutput(output: z.output<typeof outputFields>, ctx: z.core.$RefinementCtx<unknown>): void {
  if (output.captions?.burnIn && output.encoding?.video === 'copy') {
    ctx.addIssue({
      code: 'custom',
      path: ['captions', 'burnIn'],
      message: 'Burned-in captions re-encode the video: set output.encoding.video to "auto" or "encode"',
    });
  }
}

const outputSchema = outputFields.superRefine(checkOutput);

function webhookSchema(limits: WebhookSizeLimits) {
  return z.object({
    url: z
      .url({ protocol: /^https?$/ })
      .describe('http(s) URL that receives the job view when the job ends.'),
    method: z.enum(['POST', 'PUT']).default('POST'),
    headers: z
      .record(z.string(), z.string())
      .superRefine((headers, ctx) => {
        for (const [name, value] of Object.entries(headers)) {
          if (!HEADER_NAME.test(name)) {
            ctx.addIssue({ code: 'custom', path: [name], message: 'Not a valid HTTP header name' });
          } else if (CONNECTION_HEADERS.has(name.toLowerCase())) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: 'This header is set by the HTTP connection; a webhook cannot set it',
            });
          } else if (CONTROL_CHARS.test(value)) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: 'Header value contains control characters',
            });
          } else if (!HEADER_VALUE.test(value)) {
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: 'Header value must be visible ASCII characters and spaces',
            });
          }
        }
        if (byteSizeOfJson(headers) > limits.maxHeadersSize) {
          ctx.addIssue({
            code: 'custom',
            message: `Headers exceed ${describeSize(limits.maxHeadersSize)} limit`,
          });
        }
      })
      .optional(),
    metadata: z
      .record(
        z.string(),
        z.union([z.string(), z.number(), z.boolean()], {
          error: 'Input should be a string, number or boolean',
        }),
      )
      .superRefine((metadata, ctx) => {
        if (byteSizeOfJson(metadata) > limits.maxMetadataSize) {
          ctx.addIssue({
            code: 'custom',
            message: `Metadata exceed ${describeSize(limits.maxMetadataSize)} limit`,
          });
        }
      })
      .optional(),
  });
}

/**
 * A lenient view of the parts that reference each other. Each part falls back to "nothing known"
 * when malformed, so reference problems are reported alongside type problems, not after them.
 */
const referenceView = z
  .object({
    assets: z
      .object({
        video: z
          .object({ audio: z.object({ keep: z.boolean().catch(false) }).catch({ keep: false }) })
          .catch({ audio: { keep: false } }),
        audio: z.array(z.object({ id: z.string() }).nullable().catch(null)).catch([]),
      })
      .catch({ video: { audio: { keep: false } }, audio: [] }),
    backgroundMusic: z
      .object({
        playlist: z.array(z.string().nullable().catch(null)).catch([]),
        duckUnderSource: z.unknown(),
      })
      .nullable()
      .catch(null),
    timeline: z
      .array(
        z
          .union([
            z.object({ type: z.literal('audio'), data: z.object({ assetId: z.string() }) }),
            z.object({ type: z.literal('tts'), data: z.object({ text: z.string() }) }),
          ])
          .nullable()
          .catch(null),
      )
      .catch([]),
  })
  .catch({ assets: { video: { audio: { keep: false } }, audio: [] }, backgroundMusic: null, timeline: [] });

function checkReferences(input: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  const view = referenceView.parse(input);
  const audioIds = new Set<string>();
  view.assets.audio.forEach((asset, index) => {
    if (asset === null) return;
    if (audioIds.has(asset.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['assets', 'audio', index, 'id'],
        message: `Duplicate asset id '${quoteForMessage(asset.id)}'`,
      });
    }
    audioIds.add(asset.id);
  });
  view.backgroundMusic?.playlist.forEach((id, index) => {
    if (id !== null && !audioIds.has(id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['backgroundMusic', 'playlist', index],
        message: `Playlist item '${quoteForMessage(id)}' not found in assets.audio`,
      });
    }
  });
  const duckUnderSource = view.backgroundMusic?.duckUnderSource;
  const ducksUnderSource =
    duckUnderSource === true || (typeof duckUnderSource === 'object' && duckUnderSource !== null);
  if (ducksUnderSource && !view.assets.video.audio.keep) {
    ctx.addIssue({
      code: 'custom',
      path: ['backgroundMusic', 'duckUnderSource'],
      message:
        "Ducking under the source video's audio needs that audio in the mix: set assets.video.audio.keep to true",
    });
  }
  let totalText = 0;
  view.timeline.forEach((event, index) => {
    if (event?.type === 'audio' && !audioIds.has(event.data.assetId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeline', index, 'data', 'assetId'],
        message: `Audio asset '${quoteForMessage(event.data.assetId)}' not found in assets.audio`,
      });
    }
    if (event?.type === 'tts') totalText += event.data.text.length;
  });
  if (totalText > SPEC_LIMITS.maxTotalTtsTextChars) {
    ctx.addIssue({
      code: 'custom',
      path: ['timeline'],
      message: `TTS text totals ${totalText} characters; the limit is ${SPEC_LIMITS.maxTotalTtsTextChars}`,
    });
  }
}

/** The Video Job Specification. Build it with other webhook size limits for tests or other settings. */
export function createJobSpecSchema(limits: WebhookSizeLimits = DEFAULT_WEBHOOK_SIZE_LIMITS) {
  return z
    .object({
      jobInfo: z
        .object({
          projectId: z.string().max(100).optional(),
          title: z.string().max(200).optional(),
          tags: z.array(z.string().max(50)).max(10).optional(),
        })
        .optional()
        .describe('Free information about the job, returned in every job view.'),
      assets: z.object({
        video: videoAssetSchema,
        audio: z.array(assetSchema).max(SPEC_LIMITS.maxAudioAssets),
      }),
      backgroundMusic: z
        .object({
          playlist: z.array(z.string()).describe('Ids of assets.audio entries, played in order.'),
          loop: z.boolean().default(true),
          volume: unitVolume(0.3),
          crossfadeDuration: z.number().min(0).default(2.0).describe('Seconds of overlap between tracks.'),
          fadeIn: z
            .number()
            .min(0)
            .default(0)
            .describe("Seconds over which the music fades in at the video's start (default 0)."),
          fadeOut: z
            .number()
            .min(0)
            .default(0)
            .describe("Seconds over which the music fades out before the video's end (default 0)."),
          startAt: z
            .number()
            .min(0)
            .default(0)
            .describe(
              'Seconds into the first track where the music starts, to skip a silent opening (default 0); loops start from 0.',
            ),
          duckUnderSource: duckUnderSourceSchema,
        })
        .optional(),
      timeline: z.array(timelineEventSchema).max(SPEC_LIMITS.maxTimelineEvents),
      output: outputSchema,
      notifications: z.object({ webhook: webhookSchema(limits).optional() }).optional(),
    })
    .superRefine(checkReferences, { when: () => true })
    .meta({
      title: 'auto-vid Video Job Specification',
      description: 'One source video, a background-music playlist, timed narration and sound effects.',
    });
}

export const jobSpecSchema = createJobSpecSchema();

export type JobSpec = z.output<typeof jobSpecSchema>;
export type JobSpecInput = z.input<typeof jobSpecSchema>;
export type TimelineEvent = JobSpec['timeline'][number];
export type TtsEvent = Extract<TimelineEvent, { type: 'tts' }>;
export type AudioEvent = Extract<TimelineEvent, { type: 'audio' }>;

/** The output file name with `.mp4` appended when it is missing. */
export function resolveOutputFilename(spec: { readonly output: { readonly filename: string } }): string {
  const name = spec.output.filename;
  return name.toLowerCase().endsWith('.mp4') ? name : `${name}.mp4`;
}

/** Where `destination` points when it is an S3 location (`prefix` is '' or ends with '/'). */
export function parseS3Destination(destination: string): { bucket: string; prefix: string } | undefined {
  if (!destination.toLowerCase().startsWith('s3://')) return undefined;
  const parsed = parseS3Location(destination, { requireKey: false });
  if (!parsed.ok || parsed.source.kind !== 's3') return undefined;
  const key = parsed.source.key;
  return { bucket: parsed.source.bucket, prefix: key === '' || key.endsWith('/') ? key : `${key}/` };
}

export type WebhookTarget = NonNullable<NonNullable<JobSpec['notifications']>['webhook']>;

/**
 * The webhook of a submitted body, read on its own: a spec that fails validation later (in the
 * processor) still gets its failure webhook when that part is sound.
 */
export function readWebhookTarget(
  input: unknown,
  limits: WebhookSizeLimits = DEFAULT_WEBHOOK_SIZE_LIMITS,
): WebhookTarget | undefined {
  const candidate = (input as { notifications?: { webhook?: unknown } } | null)?.notifications?.webhook;
  if (candidate === undefined) return undefined;
  const parsed = webhookSchema(limits).safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}
