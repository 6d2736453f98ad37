import type { S3Client } from '@aws-sdk/client-s3';
import type { EgressPolicy } from '../../net/egress-guard.ts';
import type { RetryPolicy } from '../../net/http-retry.ts';
import type { MediaLimits } from '../../policy/media-limits.ts';
import { type AssetFetchContext, type AssetRef, fetchAsset } from '../assets/fetch-assets.ts';
import { type AttemptLimits, interruptedError, watchAttempt } from '../attempt.ts';
import { AssetFetchError, MediaLimitError, MediaProbeError } from '../errors.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import type { SpeechSynthesizer } from '../speech/speech-synthesizer.ts';
import type { SpeechTiming } from '../speech/speech-timing.ts';
import { probeMedia } from './ffmpeg.ts';
import { checkAudioLimits, checkVideoLimits } from './media-limits.ts';
import type { PlanInput, PreparedAudio } from './plan/plan-input.ts';
import type { UsedInputs } from './used-inputs.ts';

const SPEECH_CONCURRENCY = 4;
const AUDIO_CONCURRENCY = 4;

export interface GatherPorts extends AttemptLimits {
  readonly speech: SpeechSynthesizer;
  readonly s3?: S3Client;
  readonly localMode: boolean;
  readonly httpPolicy?: RetryPolicy;
  /** Largest http(s) asset, bytes. */
  readonly maxAssetBytes?: number;
  /** Where http(s) assets may come from; by local mode when not given. */
  readonly egress?: EgressPolicy;
}

/**
 * Every input as a local file, probed and within the limits: what the planner learns from the
 * files. Speech is there for the narration that starts before the video ends.
 */
export type GatheredMedia = Pick<PlanInput, 'video' | 'audioAssets' | 'speech'> & {
  /** When each narration's words are spoken, by timeline index, when the inputs asked for timing. */
  readonly speechTiming: ReadonlyMap<number, SpeechTiming>;
};

/**
 * Each input is probed as soon as it is local, so downloads, speech and probes overlap; narration
 * starts once the source video is probed, so that no speech is synthesised past the video's end
 * (it would never be heard, and a spec can ask for hours of it). Everything is bounded by the
 * attempt (its deadline and the host's stop); when one task fails the others are stopped and
 * awaited, so nothing still writes into the job folder when it is removed. The error thrown is
 * the source video's own, when it has one (see `videoOwnProblem`), else the first failure.
 */
export async function gatherMedia(
  inputs: UsedInputs,
  ports: GatherPorts,
  directory: string,
  limits: MediaLimits,
): Promise<GatheredMedia> {
  const siblings = new AbortController();
  const attempt = watchAttempt(ports, siblings.signal);
  const signal = attempt.signal;
  let firstFailure: { error: unknown } | undefined;
  const stopOthersOnFailure = <T>(task: Promise<T>) =>
    task.catch((error: unknown) => {
      firstFailure ??= { error };
      siblings.abort();
      throw error;
    });
  const context: AssetFetchContext = {
    directory,
    localMode: ports.localMode,
    signal,
    s3: ports.s3,
    httpPolicy: ports.httpPolicy,
    maxBytes: ports.maxAssetBytes,
    ...(ports.egress ? { egress: ports.egress } : {}),
  };
  const [videoRef, ...audioRefs] = inputs.assets;
  if (!videoRef) throw new Error('A render needs its source video');
  const video = stopOthersOnFailure(fetchVideo(videoRef, context, limits));
  const [videoResult, audioResult, speechResult] = await Promise.allSettled([
    video,
    stopOthersOnFailure(
      mapWithConcurrency(audioRefs, AUDIO_CONCURRENCY, async (asset, i) => {
        signal?.throwIfAborted();
        const path = await fetchAsset(asset, 1 + i, context);
        signal?.throwIfAborted();
        return [asset.id, await prepareAudio(path, `Audio asset '${asset.id}'`, limits)] as const;
      }),
    ),
    stopOthersOnFailure(
      video.then(({ probe }) =>
        synthesizeHeardSpeech(inputs, probe.duration, ports.speech, directory, signal, limits),
      ),
    ),
  ]);
  if (
    videoResult.status === 'rejected' ||
    audioResult.status === 'rejected' ||
    speechResult.status === 'rejected'
  ) {
    // The first failure is the cause; the others' errors are only that they were stopped.
    const stoppedBy = attempt.stoppedBy();
    if (stoppedBy) throw interruptedError('Render', stoppedBy);
    throw videoResult.status === 'rejected' && videoOwnProblem(videoResult.reason)
      ? videoResult.reason
      : firstFailure?.error;
  }
  return {
    video: videoResult.value,
    audioAssets: new Map(audioResult.value),
    speech: speechResult.value.audio,
    speechTiming: speechResult.value.timing,
  };
}

/**
 * A failure of the source video that no stop caused: it is unreadable, beyond the limits, or could
 * not be fetched for good. It is what to fix first, so it is reported even when an audio input
 * failed a moment sooner (each input is probed as it arrives, in no fixed order).
 */
function videoOwnProblem(error: unknown): boolean {
  if (error instanceof AssetFetchError) return !error.retryable;
  return error instanceof MediaProbeError || error instanceof MediaLimitError;
}

/** Probes one local audio file and refuses it when it is beyond the limits. */
export async function prepareAudio(path: string, label: string, limits: MediaLimits): Promise<PreparedAudio> {
  const probe = await probeMedia(path, label, 'audio');
  checkAudioLimits(probe, label, limits);
  return { path, duration: probe.duration, demuxer: probe.demuxer };
}

async function fetchVideo(asset: AssetRef, context: AssetFetchContext, limits: MediaLimits) {
  const path = await fetchAsset(asset, 0, context);
  const label = `Video asset '${asset.id}'`;
  const probe = await probeMedia(path, label, 'video');
  if (!probe.video) throw new MediaProbeError(`${label} has no video stream`);
  checkVideoLimits(probe, label, limits);
  return { path, probe };
}

/**
 * Each narration is given the time left before the video ends; later ones are not spoken at all.
 * Its timing comes with it when the inputs ask for it (captions).
 */
async function synthesizeHeardSpeech(
  inputs: UsedInputs,
  videoSeconds: number,
  synthesizer: SpeechSynthesizer,
  directory: string,
  signal: AbortSignal | undefined,
  limits: MediaLimits,
): Promise<{ audio: Map<number, PreparedAudio>; timing: Map<number, SpeechTiming> }> {
  const heard = inputs.speech.filter(({ event }) => event.start < videoSeconds);
  const timing = new Map<number, SpeechTiming>();
  const audio = await mapWithConcurrency(heard, SPEECH_CONCURRENCY, async ({ event, timelineIndex }) => {
    signal?.throwIfAborted();
    const request = { ...event.data, maxSeconds: videoSeconds - event.start, timing: inputs.speechTiming };
    const speech = await synthesizer.synthesize(request, directory, signal);
    if (speech.timing) timing.set(timelineIndex, speech.timing);
    signal?.throwIfAborted();
    return [
      timelineIndex,
      await prepareAudio(speech.path, `Speech for timeline event ${timelineIndex}`, limits),
    ] as const;
  });
  return { audio: new Map(audio), timing };
}
