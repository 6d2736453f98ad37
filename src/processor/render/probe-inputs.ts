import type { MediaLimits } from '../../policy/media-limits.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import { probeMedia } from './ffmpeg.ts';
import type { GatheredMedia } from './gather-media.ts';
import { checkAudioLimits } from './media-limits.ts';
import type { PlanInput, PreparedAudio } from './plan.ts';
import type { UsedInputs } from './used-inputs.ts';

const PROBE_CONCURRENCY = 4;

/** What the planner learns from the files: everything of its input but the spec and the output. */
export type ProbedMedia = Pick<PlanInput, 'video' | 'audioAssets' | 'speech'>;

/**
 * Every audio input is probed once, a few at a time, and refused when it is beyond the limits
 * (the source video was probed and checked as soon as it arrived).
 */
export async function probeInputs(
  inputs: UsedInputs,
  media: GatheredMedia,
  limits: MediaLimits,
): Promise<ProbedMedia> {
  const prepare = async (path: string | undefined, label: string): Promise<PreparedAudio> => {
    if (path === undefined) throw new Error(`${label} was not gathered`);
    const probe = await probeMedia(path, label, 'audio');
    checkAudioLimits(probe, label, limits);
    return { path, duration: probe.duration, demuxer: probe.demuxer };
  };
  const speech = [...media.speechPaths];
  const [audio, spoken] = await Promise.all([
    mapWithConcurrency(inputs.audioIds, PROBE_CONCURRENCY, (id) =>
      prepare(media.audioPaths.get(id), `Audio asset '${id}'`),
    ),
    mapWithConcurrency(speech, PROBE_CONCURRENCY, ([index, path]) =>
      prepare(path, `Speech for timeline event ${index}`),
    ),
  ]);
  return {
    video: media.video,
    audioAssets: new Map(inputs.audioIds.map((id, i) => [id, audio[i] as PreparedAudio])),
    speech: new Map(speech.map(([index], i) => [index, spoken[i] as PreparedAudio])),
  };
}
