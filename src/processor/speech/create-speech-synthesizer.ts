import type { S3Client } from '@aws-sdk/client-s3';
import { createPollyClient } from '../../aws/clients.ts';
import type { JobMetrics } from '../job-metrics.ts';
import { createEspeakSynthesizer } from './espeak.ts';
import { createPollySynthesizer } from './polly.ts';
import { createS3SpeechCache, withSpeechCache } from './speech-cache.ts';
import type { SpeechSynthesizer } from './speech-synthesizer.ts';

export type SpeechEngine = 'polly' | 'espeak';

export interface SpeechOptions {
  readonly engine: SpeechEngine;
  /** Where Polly's audio is kept (`cache/tts/` in the bucket); without it every request is paid. */
  readonly cache?: { readonly s3: S3Client; readonly bucket: string };
  /** Told of cache faults, which never fail a job. */
  readonly onCacheError?: (operation: 'restore' | 'store', key: string, error: unknown) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Counts the characters Polly synthesises; a cache hit reaches no synthesizer and is not counted. */
  readonly metrics?: Pick<JobMetrics, 'speech'>;
}

/**
 * The one place that chooses a speech engine, for the processor and the CLI alike: espeak-ng on one
 * machine (free, uncached, not counted), Amazon Polly otherwise, cached in the bucket when one
 * is given.
 */
export function createSpeechSynthesizer(options: SpeechOptions): SpeechSynthesizer {
  if (options.engine === 'espeak') return createEspeakSynthesizer();
  const polly = createPollySynthesizer(createPollyClient(options.env), options.metrics);
  if (!options.cache) return polly;
  return withSpeechCache(polly, createS3SpeechCache(options.cache.s3, options.cache.bucket), {
    onCacheError: options.onCacheError,
  });
}
