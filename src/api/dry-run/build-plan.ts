import type { JobPlan, JobSpec, SpecProblem } from '@auto-vid/shared';
import { PlaylistLayoutError } from '../../timeline/playlist.ts';
import type { MediaFacts } from './media-facts.ts';
import { findWarnings } from './plan-warnings.ts';
import { chooseVideoPath, estimateRender } from './render-estimate.ts';
import { roundSeconds } from './rounding.ts';
import { countSpeechCharacters, type SpeechSynthesizerName } from './speech.ts';
import { measureClips, placeClips, planDucking, planMusic } from './timeline-plan.ts';

export interface PlanInputs {
  readonly spec: JobSpec;
  readonly video: MediaFacts;
  /** Measured length of each audio asset the music or the timeline plays, by asset id. */
  readonly audioSeconds: ReadonlyMap<string, number>;
  readonly synthesizer: SpeechSynthesizerName;
  /** The processor function's memory, MB. */
  readonly memoryMb: number;
}

/** The plan, or what the render would fail on (a playlist it cannot lay out, a copy it cannot make). */
export type PlanOutcome =
  | { readonly ok: true; readonly plan: JobPlan }
  | { readonly ok: false; readonly problems: SpecProblem[] };

/** Spec + media facts → the plan. Pure: the same inputs give the same plan. */
export function buildJobPlan(inputs: PlanInputs): PlanOutcome {
  const { spec, video, audioSeconds, synthesizer } = inputs;
  const duration = video.duration;
  const lengths = measureClips(spec, audioSeconds, synthesizer);
  const clips = placeClips(spec, duration, lengths);
  let music: JobPlan['music'];
  try {
    music = planMusic(spec, duration, audioSeconds);
  } catch (error) {
    if (!(error instanceof PlaylistLayoutError)) throw error;
    return { ok: false, problems: [{ path: ['backgroundMusic'], message: error.message }] };
  }
  const path = chooseVideoPath(spec, video);
  if (path.refusedCopy) {
    const message = `is "copy", but the video cannot be copied: ${path.refusedCopy}`;
    return { ok: false, problems: [{ path: ['output', 'encoding', 'video'], message }] };
  }
  const characters = countSpeechCharacters(spec, duration, synthesizer);
  const picture = video.video;
  return {
    ok: true,
    plan: {
      video: {
        source: spec.assets.video.source,
        duration: roundSeconds(duration),
        ...(picture?.width && picture.height ? { width: picture.width, height: picture.height } : {}),
      },
      music,
      clips,
      ducking: planDucking(spec, duration, lengths),
      warnings: findWarnings(spec, duration, clips, music),
      speech: { synthesizer, characters },
      estimate: estimateRender({ video, path, characters, memoryMb: inputs.memoryMb }),
    },
  };
}
