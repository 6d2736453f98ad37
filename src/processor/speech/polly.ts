import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type PollyClient,
  SynthesizeSpeechCommand,
  type SynthesizeSpeechCommandOutput,
} from '@aws-sdk/client-polly';
import { createPollyClient } from '../../aws/clients.ts';
import { SpeechSynthesisError } from '../errors.ts';
import { type JobMetrics, NO_JOB_METRICS } from '../job-metrics.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import { buildMp3JoinArgs, runFfmpeg } from '../render/ffmpeg.ts';
import { mp3BytesPerSecond } from './mp3-rate.ts';
import type { SpeechRequest, SpeechSynthesizer } from './speech-synthesizer.ts';
import { splitPlainText, splitSsml } from './split-text.ts';

const RETRYABLE_POLLY_ERRORS = new Set(['ThrottlingException', 'ServiceFailureException', 'TimeoutError']);

/** Parts of one long text requested at once; events are bounded separately by the render. */
const PART_CONCURRENCY = 2;

function toSpeechError(error: unknown): SpeechSynthesisError {
  if (error instanceof SpeechSynthesisError) return error;
  const name = (error as { name?: string }).name ?? 'Error';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  const retryable = RETRYABLE_POLLY_ERRORS.has(name) || status >= 500 || status === 429;
  return new SpeechSynthesisError(`Polly ${name}: ${(error as Error).message}`, retryable, { cause: error });
}

/**
 * Decodes the parts and joins them sample by sample: MP3 files glued byte to byte would keep each
 * part's encoder priming and header frame, which decoders hear as clicks or short gaps.
 */
async function joinParts(
  parts: readonly string[],
  outputPath: string,
  maxSeconds: number | undefined,
  signal?: AbortSignal,
): Promise<string> {
  try {
    await runFfmpeg(buildMp3JoinArgs(parts, outputPath, maxSeconds), { duration: 0, signal });
    return outputPath;
  } catch (error) {
    throw new SpeechSynthesisError(
      `Polly audio parts could not be joined: ${(error as Error).message}`,
      false,
      {
        cause: error,
      },
    );
  } finally {
    await Promise.all(parts.map((part) => rm(part, { force: true })));
  }
}

/** One part's MP3 as received, and how many seconds it holds when its bitrate is known. */
interface PartAudio {
  readonly bytes: Uint8Array;
  readonly seconds: number | undefined;
  readonly cut: boolean;
}

/** Where an MP3's first frame header is looked for: Polly's comes with its first bytes. */
const HEADER_SEARCH_BYTES = 64 * 1024;

/**
 * Reads Polly's MP3, stopping at `maxSeconds` of audio when that is given (the bitrate is read
 * from the first frame header; Polly's MP3 is constant bitrate).
 */
async function readAudio(
  stream: NonNullable<SynthesizeSpeechCommandOutput['AudioStream']>,
  maxSeconds: number | undefined,
): Promise<PartAudio> {
  const reader = stream.transformToWebStream().getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let rate: number | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (rate === undefined && received < HEADER_SEARCH_BYTES) {
      rate = mp3BytesPerSecond(Buffer.concat([...chunks, value]));
    }
    chunks.push(value);
    received += value.length;
    const limit = maxSeconds !== undefined && rate ? Math.ceil(maxSeconds * rate) : Number.POSITIVE_INFINITY;
    if (received >= limit) {
      await reader.cancel();
      return { bytes: Buffer.concat(chunks).subarray(0, limit), seconds: maxSeconds, cut: true };
    }
  }
  const bytes = Buffer.concat(chunks);
  rate ??= mp3BytesPerSecond(bytes);
  return { bytes, seconds: rate ? bytes.length / rate : undefined, cut: false };
}

/**
 * Amazon Polly: MP3 per request. Text over Polly's per-request limit is split (sentences for text,
 * top-level elements for SSML) and the decoded parts are joined into one WAV with no gap. With a
 * `maxSeconds`, no part is read past it and no part is asked for once the parts received already
 * hold that much (parts start in order, so a new part always comes after every received one).
 * Each part Polly answers is counted in `metrics.speech`: billed characters, by engine.
 */
export function createPollySynthesizer(
  client: PollyClient = createPollyClient(),
  metrics: Pick<JobMetrics, 'speech'> = NO_JOB_METRICS,
): SpeechSynthesizer {
  return {
    name: 'aws-polly',
    async synthesize(request: SpeechRequest, directory: string, signal?: AbortSignal) {
      const config = request.providerConfig;
      const maxSeconds = request.maxSeconds;
      const parts = config.textType === 'ssml' ? splitSsml(request.text) : splitPlainText(request.text);
      let receivedSeconds = 0;
      const received = await mapWithConcurrency(parts, PART_CONCURRENCY, async (text) => {
        if (maxSeconds !== undefined && receivedSeconds >= maxSeconds) return undefined;
        try {
          const response = await client.send(
            new SynthesizeSpeechCommand({
              Text: text,
              TextType: config.textType,
              VoiceId: config.voiceId,
              Engine: config.engine,
              OutputFormat: 'mp3',
              LanguageCode: config.languageCode,
            }),
            { abortSignal: signal },
          );
          // Polly bills what it was asked, whether or not all of the audio is read.
          metrics.speech(config.engine, response.RequestCharacters ?? text.length);
          if (!response.AudioStream) throw new SpeechSynthesisError('Polly returned no audio', true);
          const audio = await readAudio(response.AudioStream, maxSeconds);
          receivedSeconds += audio.seconds ?? 0;
          return audio;
        } catch (error) {
          throw toSpeechError(error);
        }
      });
      const audio = received.filter((part): part is PartAudio => part !== undefined);
      const cut =
        audio.length < parts.length ||
        audio.some((part) => part.cut) ||
        (maxSeconds !== undefined && receivedSeconds > maxSeconds);
      const id = randomUUID();
      const partPaths = await Promise.all(
        audio.map(async ({ bytes }, i) => {
          const path = join(directory, `speech-${id}${audio.length > 1 ? `-part${i}` : ''}.mp3`);
          await writeFile(path, bytes);
          return path;
        }),
      );
      // A cut MP3 still declares its full length in its header: it is decoded to a WAV of its own.
      if (partPaths.length === 1 && !cut) return { path: partPaths[0] as string, cut };
      const joined = join(directory, `speech-${id}.wav`);
      return { path: await joinParts(partPaths, joined, cut ? maxSeconds : undefined, signal), cut };
    },
  };
}
