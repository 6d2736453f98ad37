import {
  formatSpecProblems,
  type JobSpec,
  type SpecProblem,
  validateJobSpec,
  type WebhookSizeLimits,
} from '@auto-vid/shared';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import { checkDeploymentRules, type DeploymentRules } from '../policy/deployment-rules.ts';
import type { MediaLimits } from '../policy/media-limits.ts';
import { buildJobPlan } from './dry-run/build-plan.ts';
import { measureMedia } from './dry-run/measure-media.ts';
import type { MediaFactsReader } from './dry-run/media-facts.ts';
import { checkMediaLimits } from './dry-run/media-limits.ts';
import type { SpeechSynthesizerName } from './dry-run/speech.ts';
import { parseJsonBody } from './request-body.ts';
import { errorResponse, jsonResponse } from './responses.ts';

/**
 * The same limit as submit's (MAX_SUBMIT_BODY_BYTES in submit-job.ts, which may call planJob for
 * `dryRun=true` and so is not imported here): a spec that can be planned can be submitted.
 */
export const MAX_PLAN_BODY_BYTES = 256 * 1024;

export interface PlanDeps {
  readonly limits: WebhookSizeLimits;
  /** What this deployment allows beyond the contract (local mode, output buckets), as at submit. */
  readonly rules?: DeploymentRules;
  readonly clock: Clock;
  /** Learns each medium's length from its headers (range requests; a fake in unit tests). */
  readonly media: MediaFactsReader;
  /** The processor function's memory, MB: the render's GB-seconds are priced by it. */
  readonly processorMemoryMb: number;
  /** Which engine would speak: Polly (the default), or espeak-ng on one machine. */
  readonly speech?: SpeechSynthesizerName;
  /** What the renderer refuses to read (MAX_VIDEO_SECONDS and the others); unchecked when absent. */
  readonly mediaLimits?: MediaLimits;
}

const RENDER_WOULD_FAIL = 'The render would fail:';

type SpecOutcome =
  | { readonly ok: true; readonly spec: JobSpec }
  | { readonly ok: false; readonly response: APIGatewayProxyResult };

/** The body read exactly as submit reads it, with submit's 400 and 413 answers. */
function readSpec(body: string | undefined, deps: PlanDeps, now: Date): SpecOutcome {
  const parsed = parseJsonBody(body, now, { maxBytes: MAX_PLAN_BODY_BYTES });
  if (!parsed.ok) return parsed;
  const validation = validateJobSpec(parsed.json, deps.limits);
  if (!validation.ok) {
    const response = errorResponse(400, validation.error.message, now, {
      details: validation.error.problems,
    });
    return { ok: false, response };
  }
  const refused = deps.rules ? checkDeploymentRules(validation.spec, deps.rules) : [];
  if (refused.length > 0) {
    return {
      ok: false,
      response: errorResponse(400, formatSpecProblems(refused), now, { details: refused }),
    };
  }
  return { ok: true, spec: validation.spec };
}

/** `['assets', 'audio', 1, 'source']` → `assets.audio[1].source`. */
function formatField(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/** A 400 that names each field whose media the render could not use, and why. */
function mediaProblems(heading: string, problems: readonly SpecProblem[], now: Date): APIGatewayProxyResult {
  const lines = problems.map((problem) => `\n  - ${formatField(problem.path)}: ${problem.message}`);
  return errorResponse(400, `${heading}${lines.join('')}`, now, { details: problems });
}

/**
 * POST /plan (and POST /submit?dryRun=true): the spec validated as submit validates it, then what
 * the renderer would make of it, from the media's headers alone. Nothing is recorded, queued,
 * rendered or spoken. A medium that cannot be read is a 400 naming its field.
 */
export async function planJob(body: string | undefined, deps: PlanDeps): Promise<APIGatewayProxyResult> {
  const now = deps.clock();
  const read = readSpec(body, deps, now);
  if (!read.ok) return read.response;
  const measured = await measureMedia(read.spec, deps.media);
  if (!measured.ok) return mediaProblems('Media could not be read:', measured.problems, now);
  const { video, audio } = measured;
  const beyond = deps.mediaLimits ? checkMediaLimits(video, audio, deps.mediaLimits) : [];
  if (beyond.length > 0) return mediaProblems(RENDER_WOULD_FAIL, beyond, now);
  const outcome = buildJobPlan({
    spec: read.spec,
    video,
    audioSeconds: new Map(audio.map(({ id, seconds }) => [id, seconds])),
    synthesizer: deps.speech ?? 'aws-polly',
    memoryMb: deps.processorMemoryMb,
  });
  if (!outcome.ok) return mediaProblems(RENDER_WOULD_FAIL, outcome.problems, now);
  return jsonResponse(200, outcome.plan);
}
