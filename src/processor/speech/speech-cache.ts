import { createHash, randomUUID } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { downloadS3Object, putSmallObject, readSmallObject, uploadSmallFile } from '../assets/s3-object.ts';
import { speaksBySentence } from './polly.ts';
import type { SpeechAudio, SpeechRequest, SpeechSynthesizer } from './speech-synthesizer.ts';
import { isSpeechTiming, type SpeechTiming } from './speech-timing.ts';

/** Where synthesised speech is kept so that a retry or a re-render does not pay for it twice. */
export interface SpeechCache {
  /** Copies the entry into `directory` and returns its path; undefined when there is none. */
  restore(key: string, directory: string, signal?: AbortSignal): Promise<string | undefined>;
  store(key: string, path: string): Promise<void>;
  /** The timing kept with an entry (`<key>.timing.json`); undefined when there is none. */
  restoreTiming(key: string, signal?: AbortSignal): Promise<SpeechTiming | undefined>;
  storeTiming(key: string, timing: SpeechTiming): Promise<void>;
}

export const SPEECH_CACHE_PREFIX = 'cache/tts/';

const AUDIO_TYPES: Record<string, string> = { '.mp3': 'audio/mpeg', '.wav': 'audio/wav' };

/**
 * `cache/tts/<sha256>`, the hash taken over everything that changes the audio: the engine, the
 * text, and the voice, engine, language and text type asked for; and, for a narration spoken a
 * sentence at a time to time it (see `speaksBySentence`), that it was.
 */
export function buildSpeechCacheKey(
  synthesizer: Pick<SpeechSynthesizer, 'name'>,
  request: SpeechRequest,
): string {
  const { voiceId, engine, languageCode, textType } = request.providerConfig;
  const identity = JSON.stringify([
    synthesizer.name,
    request.text,
    voiceId,
    engine,
    languageCode ?? null,
    textType,
    ...(speaksBySentence(request) ? ['by-sentence'] : []),
  ]);
  return `${SPEECH_CACHE_PREFIX}${createHash('sha256').update(identity).digest('hex')}`;
}

/** A missing entry; a missing bucket (also a 404) is a fault worth reporting. */
function isMissing(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound';
}

/** The cache as objects in the job bucket (the template expires `cache/` by a lifecycle rule). */
export function createS3SpeechCache(s3: S3Client, bucket: string): SpeechCache {
  return {
    async restore(key, directory, signal) {
      const download = join(directory, `speech-${randomUUID()}.download`);
      try {
        const { contentType } = await downloadS3Object(s3, { bucket, key }, download, signal);
        const extension = Object.keys(AUDIO_TYPES).find((ext) => AUDIO_TYPES[ext] === contentType) ?? '';
        const path = download.replace(/\.download$/, extension);
        await rename(download, path);
        return path;
      } catch (error) {
        await rm(download, { force: true });
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async store(key, path) {
      const contentType = AUDIO_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
      await uploadSmallFile(s3, { bucket, key }, path, contentType);
    },
    async restoreTiming(key, signal) {
      try {
        const body = await readSmallObject(s3, { bucket, key: `${key}${TIMING_SUFFIX}` }, signal);
        // A timing that does not read as one (cut short, an older shape) is no timing: the
        // narration is synthesised again and the entry replaced.
        const timing: unknown = JSON.parse(body);
        return isSpeechTiming(timing) ? timing : undefined;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async storeTiming(key, timing) {
      await putSmallObject(
        s3,
        { bucket, key: `${key}${TIMING_SUFFIX}` },
        JSON.stringify(timing),
        'application/json',
      );
    },
  };
}

export interface CachedSpeechOptions {
  /** Told of cache faults, which never fail a job: the speech is synthesised instead. */
  readonly onCacheError?: (operation: 'restore' | 'store', key: string, error: unknown) => void;
}

const TIMING_SUFFIX = '.timing.json';

/**
 * The cached speech of a request, with its timing when the request asks for it; undefined when
 * either is missing (a narration cached before captions were asked of it is synthesised again).
 */
async function restoreEntry(
  cache: SpeechCache,
  key: string,
  request: SpeechRequest,
  directory: string,
  signal: AbortSignal | undefined,
): Promise<SpeechAudio | undefined> {
  const timing = request.timing ? await cache.restoreTiming(key, signal) : undefined;
  if (request.timing && !timing) return undefined;
  const path = await cache.restore(key, directory, signal);
  if (!path) return undefined;
  return { path, cut: false, ...(timing ? { timing } : {}) };
}

/** Wraps a synthesizer so each distinct request is synthesised once and then read from the cache. */
export function withSpeechCache(
  synthesizer: SpeechSynthesizer,
  cache: SpeechCache,
  options: CachedSpeechOptions = {},
): SpeechSynthesizer {
  return {
    name: synthesizer.name,
    async synthesize(request, directory, signal) {
      const key = buildSpeechCacheKey(synthesizer, request);
      try {
        const cached = await restoreEntry(cache, key, request, directory, signal);
        if (cached) return cached;
      } catch (error) {
        if (signal?.aborted) throw error;
        options.onCacheError?.('restore', key, error);
      }
      const audio = await synthesizer.synthesize(request, directory, signal);
      // Speech cut at one video's end is not the text's speech: it is never kept for another job.
      if (audio.cut) return audio;
      try {
        await cache.store(key, audio.path);
        if (audio.timing) await cache.storeTiming(key, audio.timing);
      } catch (error) {
        options.onCacheError?.('store', key, error);
      }
      return audio;
    },
  };
}
