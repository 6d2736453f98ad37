import type { S3Client } from '@aws-sdk/client-s3';
import type { RetryPolicy } from '../../net/http-retry.ts';
import { fetchAssets } from '../assets/fetch-assets.ts';
import { type AttemptLimits, interruptedError, watchAttempt } from '../attempt.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import type { SpeechSynthesizer } from '../speech/speech-synthesizer.ts';
import type { UsedInputs } from './used-inputs.ts';

const SPEECH_CONCURRENCY = 4;

export interface GatherPorts extends AttemptLimits {
  readonly speech: SpeechSynthesizer;
  readonly s3?: S3Client;
  readonly localMode: boolean;
  readonly httpPolicy?: RetryPolicy;
  /** Largest http(s) asset, bytes. */
  readonly maxAssetBytes?: number;
}

/** Every input as a local file: asset paths by asset id, speech paths in `inputs.speech` order. */
export interface GatheredMedia {
  readonly assetPaths: ReadonlyMap<string, string>;
  readonly speechPaths: readonly string[];
}

/**
 * Downloads and speech run side by side, both bounded by the attempt (its deadline and the host's
 * stop). When one fails the other is stopped and awaited, so nothing is still writing into the job
 * folder when it is removed.
 */
export async function gatherMedia(
  inputs: UsedInputs,
  ports: GatherPorts,
  directory: string,
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
  const [fetched, synthesised] = await Promise.allSettled([
    stopOthersOnFailure(
      fetchAssets(inputs.assets, {
        directory,
        localMode: ports.localMode,
        signal,
        s3: ports.s3,
        httpPolicy: ports.httpPolicy,
        maxBytes: ports.maxAssetBytes,
      }),
    ),
    stopOthersOnFailure(
      mapWithConcurrency(inputs.speech, SPEECH_CONCURRENCY, ({ event }) =>
        ports.speech.synthesize(event.data, directory, signal),
      ),
    ),
  ]);
  if (fetched.status === 'rejected' || synthesised.status === 'rejected') {
    // The first failure is the cause; the other task's error is only that it was stopped.
    const stoppedBy = attempt.stoppedBy();
    throw stoppedBy ? interruptedError('Render', stoppedBy) : firstFailure?.error;
  }
  return { assetPaths: fetched.value, speechPaths: synthesised.value };
}
