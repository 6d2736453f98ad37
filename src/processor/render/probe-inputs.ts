import type { JobSpec } from '@auto-vid/shared';
import { MediaProbeError } from '../errors.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import { probeMedia } from './ffmpeg.ts';
import type { GatheredMedia } from './gather-media.ts';
import type { PlanInput, PreparedAudio } from './plan.ts';
import type { UsedInputs } from './used-inputs.ts';

const PROBE_CONCURRENCY = 4;

/** What the planner learns from the files: everything of its input but the spec and the output. */
export type ProbedMedia = Pick<PlanInput, 'video' | 'audioAssets' | 'speech'>;

/** Every input is probed once, all at the same time; a video without a picture is refused. */
export async function probeInputs(
  spec: JobSpec,
  inputs: UsedInputs,
  media: GatheredMedia,
): Promise<ProbedMedia> {
  const videoId = spec.assets.video.id;
  const videoPath = pathOf(media.assetPaths, videoId);
  const audioPaths = inputs.audioIds.map((id) => pathOf(media.assetPaths, id));
  const [videoProbe, audioProbes, speechProbes] = await Promise.all([
    probeMedia(videoPath, `Video asset '${videoId}'`),
    mapWithConcurrency(inputs.audioIds, PROBE_CONCURRENCY, (id, i) =>
      probeMedia(audioPaths[i] as string, `Audio asset '${id}'`),
    ),
    mapWithConcurrency(media.speechPaths, PROBE_CONCURRENCY, (path, i) =>
      probeMedia(path, `Speech for timeline event ${inputs.speech[i]?.timelineIndex}`),
    ),
  ]);
  if (!videoProbe.video) throw new MediaProbeError(`Video asset '${videoId}' has no video stream`);
  const prepared = (path: string, i: number, probes: typeof audioProbes): PreparedAudio => ({
    path,
    duration: probes[i]?.duration ?? 0,
    formatName: probes[i]?.formatName ?? '',
  });
  return {
    video: { path: videoPath, probe: videoProbe },
    audioAssets: new Map(
      inputs.audioIds.map((id, i) => [id, prepared(audioPaths[i] as string, i, audioProbes)]),
    ),
    speech: new Map(
      inputs.speech.map(({ timelineIndex }, i) => [
        timelineIndex,
        prepared(media.speechPaths[i] as string, i, speechProbes),
      ]),
    ),
  };
}

function pathOf(paths: ReadonlyMap<string, string>, assetId: string): string {
  const path = paths.get(assetId);
  if (path === undefined) throw new Error(`Asset '${assetId}' was not gathered`);
  return path;
}
