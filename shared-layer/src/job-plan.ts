import { z } from 'zod';

/**
 * The answer of a dry run (POST /plan, POST /submit?dryRun=true): what the renderer would make of a
 * job spec, learned from the media's headers alone, without rendering or speaking anything. Times
 * are seconds on the output's timeline (its 0 is the video's first frame), rounded to milliseconds.
 */

/** What a dry run warns of: the spec is valid, but the result is probably not what was meant. */
export const PLAN_WARNING_CODES = [
  'narration-overlap',
  'clip-after-video-end',
  'narration-cut-at-end',
  'music-ends-early',
] as const;
export type PlanWarningCode = (typeof PLAN_WARNING_CODES)[number];

/** The speech engine of one machine (local mode), counted beside Polly's four. */
export const LOCAL_SPEECH_ENGINE = 'espeak-ng';

const seconds = (what: string) => z.number().min(0).describe(`${what}, seconds.`);

const videoPlanSchema = z
  .object({
    source: z.string().describe('assets.video.source, as given.'),
    duration: seconds("The video stream's length, and so the output's"),
    width: z.number().int().positive().optional().describe('Frame width in pixels, when the headers say.'),
    height: z.number().int().positive().optional().describe('Frame height in pixels, when the headers say.'),
  })
  .describe('The source video.');

const musicPlaySchema = z
  .object({
    trackIndex: z.number().int().min(0).describe('Index into backgroundMusic.playlist.'),
    assetId: z.string().describe('The assets.audio id this play is of.'),
    start: seconds('Where the play begins on the timeline'),
    end: seconds('Where it ends on the timeline (at the latest the video end)'),
    offset: seconds('How far into the track the play begins (backgroundMusic.startAt for the first)'),
    fadeIn: seconds('Fade-in at its start: the crossfade with the play before'),
    fadeOut: seconds('Fade-out before its end: the crossfade with the play after (0 when never heard)'),
  })
  .describe('One play of one playlist track.');

const clipPlanSchema = z
  .object({
    index: z.number().int().min(0).describe('Index of the event in timeline.'),
    type: z.enum(['tts', 'audio']),
    start: seconds('Where the clip begins'),
    end: seconds("Where it ends: start + duration, cut at the video's end"),
    duration: seconds("The clip's whole length, before any cut"),
    durationSource: z
      .enum(['measured', 'estimated'])
      .describe('measured: read from the audio asset; estimated: speech, from its text (nothing is spoken).'),
    volume: z.number().min(0).max(1),
    cutAtEnd: z
      .boolean()
      .describe("True when the clip does not end before the video's end (or never starts)."),
  })
  .describe('One timeline event as the renderer would place it.');

const duckingRangeSchema = z
  .object({
    start: seconds('Where the music reaches the ducked level'),
    end: seconds('Where it starts to ramp back up'),
    level: z.number().min(0).max(1).describe('Music gain multiplier inside the range.'),
    fade: seconds('Ramp down before start and up after end'),
  })
  .describe('Merged ducking ranges: overlapping ones join, the lowest level and the longest fade win.');

const planWarningSchema = z.object({
  code: z.enum(PLAN_WARNING_CODES),
  message: z.string().describe('What happens and which field causes it, such as timeline[2].'),
  timelineIndex: z.number().int().min(0).optional().describe('The timeline event it is about.'),
  at: seconds('Where on the timeline it happens').optional(),
});

const characters = z.number().int().min(0);

const speechCharactersSchema = z
  .object({
    standard: characters,
    neural: characters,
    'long-form': characters,
    generative: characters,
    [LOCAL_SPEECH_ENGINE]: characters.optional(),
  })
  .describe(
    'Characters the renderer would send, by engine: the billed ones for Polly (SSML tags are not billed), twice where captions ask an engine with speech marks for them; espeak-ng only on one machine.',
  );

const costSchema = z.object({
  lambdaUsd: z.number().min(0).describe('renderSeconds × memory in GB × the Lambda GB-second price.'),
  speechUsd: z.number().min(0).describe("Characters by engine × Polly's price per character."),
  totalUsd: z.number().min(0),
});

const pricesSchema = z.object({
  lambdaGbSecondUsd: z.number().describe('Lambda arm64 price per GB-second.'),
  pollyPerMillionCharactersUsd: z
    .record(z.string(), z.number())
    .describe('Polly price per million characters.'),
  asOf: z.string().describe('When the prices were read (docs/dry-run.md names the sources).'),
});

const estimateSchema = z
  .object({
    videoPath: z
      .enum(['copy', 'encode'])
      .describe('copy: the video stream is copied as it is; encode: it is re-encoded with libx264.'),
    videoPathReason: z.string().describe("Why, in the renderer's terms."),
    renderSeconds: seconds('Estimated time of the render run'),
    memoryMb: z.number().int().positive().describe("The processor function's memory."),
    cost: costSchema,
    prices: pricesSchema,
  })
  .describe('Time and cost of the render, by the formula in docs/dry-run.md.');

export const jobPlanSchema = z
  .object({
    video: videoPlanSchema,
    music: z.array(musicPlaySchema).describe('The music bed, play by play; empty when no music is heard.'),
    clips: z.array(clipPlanSchema),
    ducking: z.array(duckingRangeSchema),
    warnings: z.array(planWarningSchema),
    speech: z.object({
      synthesizer: z.enum(['aws-polly', LOCAL_SPEECH_ENGINE]),
      characters: speechCharactersSchema,
    }),
    estimate: estimateSchema,
  })
  .meta({
    title: 'auto-vid job plan',
    description: 'What the renderer would make of a job spec, from the media headers alone.',
  });

export type JobPlan = z.infer<typeof jobPlanSchema>;
export type MusicPlay = JobPlan['music'][number];
export type ClipPlan = JobPlan['clips'][number];
export type PlanWarning = JobPlan['warnings'][number];
export type SpeechCharacters = JobPlan['speech']['characters'];
export type RenderEstimate = JobPlan['estimate'];
