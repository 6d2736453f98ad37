import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { givesSpeechMarks } from '@auto-vid/shared';
import {
  type PollyClient,
  SynthesizeSpeechCommand,
  type SynthesizeSpeechCommandOutput,
} from '@aws-sdk/client-polly';
import { createPollyClient } from '../../aws/clients.ts';
import { SpeechSynthesisError } from '../errors.ts';
import { type JobMetrics, NO_JOB_METRICS } from '../job-metrics.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import { buildMp3JoinArgs, probeMedia, runFfmpeg } from '../render/ffmpeg.ts';
import { mp3BytesPerSecond } from './mp3-rate.ts';
import { type SpeechRequest, type SpeechSynthesizer, speechLanguage } from './speech-synthesizer.ts';
import {
  estimateSentence,
  estimateWholeText,
  type PollySpeechMark,
  parseSpeechMarks,
  type SpeechTiming,
  splitSentences,
  spokenText,
  timeWordsFromMarks,
} from './speech-timing.ts';
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
 * Whether timing this request makes Polly speak it a sentence at a time (the audio then differs
 * from the narration spoken whole): plain text on an engine without speech marks.
 */
export function speaksBySentence(request: SpeechRequest): boolean {
  const config = request.providerConfig;
  return request.timing === true && config.textType === 'text' && !givesSpeechMarks(config.engine);
}

/**
 * The requests one narration takes. Text over Polly's per-request limit is split (sentences for
 * text, top-level elements for SSML). Timing on an engine without speech marks asks for each
 * sentence of a plain text on its own, so each sentence's time is exact.
 */
function planPollyParts(request: SpeechRequest): string[] {
  const config = request.providerConfig;
  if (config.textType === 'ssml') return splitSsml(request.text);
  if (!speaksBySentence(request)) return splitPlainText(request.text);
  const language = speechLanguage(request);
  return splitSentences(request.text, language).flatMap((sentence) => splitPlainText(sentence));
}

/** One part as received: its audio, and its speech marks when timing was asked of an engine with them. */
interface ReceivedPart {
  readonly text: string;
  readonly audio: PartAudio;
  readonly marks?: PollySpeechMark[];
}

/**
 * Each part's timing, shifted to where its audio starts in the joined audio (the parts before it,
 * by their MP3 length): from its marks, or by the estimate for a part that has none.
 */
function timeParts(
  parts: readonly ReceivedPart[],
  partSeconds: readonly number[],
  request: SpeechRequest,
): SpeechTiming {
  const config = request.providerConfig;
  const language = speechLanguage(request);
  let offset = 0;
  const sentences = parts.flatMap(({ text, marks }, i) => {
    const from = offset;
    const seconds = partSeconds[i] ?? 0;
    offset += seconds;
    if (marks) return timeWordsFromMarks(marks, text, config.textType, from);
    if (config.textType === 'text') return [estimateSentence(text, from, from + seconds)];
    return estimateWholeText(splitSentences(spokenText(text, 'ssml'), language), from, from + seconds);
  });
  const accuracy = givesSpeechMarks(config.engine)
    ? 'exact'
    : config.textType === 'text'
      ? 'sentences'
      : 'estimated';
  return { accuracy, sentences };
}

/** Reads a speech-mark response whole: a few hundred bytes a sentence. */
async function readMarks(stream: SynthesizeSpeechCommandOutput['AudioStream']): Promise<PollySpeechMark[]> {
  if (!stream) throw new SpeechSynthesisError('Polly returned no speech marks', true);
  try {
    return parseSpeechMarks(await stream.transformToString('utf8'));
  } catch (error) {
    throw new SpeechSynthesisError(
      `Polly speech marks could not be read: ${(error as Error).message}`,
      true,
      {
        cause: error,
      },
    );
  }
}

/**
 * Amazon Polly: MP3 per request (see `planPollyParts`); the decoded parts are joined into one WAV
 * with no gap. With `timing`, an engine with speech marks is asked a second time per part, for its
 * sentence and word marks (`OutputFormat: json`). With a `maxSeconds`, no part is read past it and
 * no part is asked for once the parts received already hold that much (parts start in order, so a
 * new part always comes after every received one). Each request Polly answers is counted in
 * `metrics.speech`: billed characters, by engine.
 */
export function createPollySynthesizer(
  client: PollyClient = createPollyClient(),
  metrics: Pick<JobMetrics, 'speech'> = NO_JOB_METRICS,
): SpeechSynthesizer {
  return {
    name: 'aws-polly',
    async synthesize(request: SpeechRequest, directory: string, signal?: AbortSignal) {
      const texts = planPollyParts(request);
      const parts = await requestParts(client, metrics, request, texts, signal);
      const maxSeconds = request.maxSeconds;
      const heldSeconds = parts.reduce((sum, part) => sum + (part.audio.seconds ?? 0), 0);
      const cut =
        parts.length < texts.length ||
        parts.some((part) => part.audio.cut) ||
        (maxSeconds !== undefined && heldSeconds > maxSeconds);
      const written = await writeAudio(parts, directory, {
        ...(cut ? { maxSeconds } : {}),
        measure: request.timing === true,
        signal,
      });
      if (!request.timing) return { path: written.path, cut };
      return { path: written.path, cut, timing: timeParts(parts, written.partSeconds, request) };
    },
  };
}

/** Asks Polly for each part in order, two at a time, until the parts received hold `maxSeconds`. */
async function requestParts(
  client: PollyClient,
  metrics: Pick<JobMetrics, 'speech'>,
  request: SpeechRequest,
  texts: readonly string[],
  signal: AbortSignal | undefined,
): Promise<ReceivedPart[]> {
  const config = request.providerConfig;
  const maxSeconds = request.maxSeconds;
  const withMarks = request.timing === true && givesSpeechMarks(config.engine);
  const synthesize = async (text: string, format: 'mp3' | 'json') => {
    const response = await client.send(
      new SynthesizeSpeechCommand({
        Text: text,
        TextType: config.textType,
        VoiceId: config.voiceId,
        Engine: config.engine,
        OutputFormat: format,
        LanguageCode: config.languageCode,
        ...(format === 'json' ? { SpeechMarkTypes: ['sentence', 'word'] as const } : {}),
      }),
      { abortSignal: signal },
    );
    // Polly bills what it was asked, whether or not all of the answer is read.
    metrics.speech(config.engine, response.RequestCharacters ?? text.length);
    return response;
  };
  let receivedSeconds = 0;
  const received = await mapWithConcurrency(
    texts,
    PART_CONCURRENCY,
    async (text): Promise<ReceivedPart | undefined> => {
      if (maxSeconds !== undefined && receivedSeconds >= maxSeconds) return undefined;
      try {
        const [speech, marks] = await Promise.all([
          synthesize(text, 'mp3'),
          withMarks
            ? synthesize(text, 'json').then((response) => readMarks(response.AudioStream))
            : undefined,
        ]);
        if (!speech.AudioStream) throw new SpeechSynthesisError('Polly returned no audio', true);
        // A part timed by its own length is read whole: an estimate over cut audio would squeeze
        // every word of the part into what was read.
        const audio = await readAudio(speech.AudioStream, request.timing && !marks ? undefined : maxSeconds);
        receivedSeconds += audio.seconds ?? 0;
        return { text, audio, ...(marks ? { marks } : {}) };
      } catch (error) {
        throw toSpeechError(error);
      }
    },
  );
  return received.filter((part): part is ReceivedPart => part !== undefined);
}

/**
 * Writes the parts as received. One whole part is the speech as it is; several, or a cut one (a
 * cut MP3 still declares its full length in its header), are decoded into a WAV of their own.
 * `partSeconds`: each part's length, for the timing. Its bitrate counts the encoder's delay and
 * padding too, which the decoder leaves out: with `measure`, that excess, read from the joined
 * WAV's length, is shared out between the parts (it is about the same in each, one MP3 frame at
 * most apart).
 */
async function writeAudio(
  parts: readonly ReceivedPart[],
  directory: string,
  options: { readonly maxSeconds?: number; readonly measure: boolean; readonly signal?: AbortSignal },
): Promise<{ path: string; partSeconds: number[] }> {
  const id = randomUUID();
  const partPaths = await Promise.all(
    parts.map(async ({ audio }, i) => {
      const path = join(directory, `speech-${id}${parts.length > 1 ? `-part${i}` : ''}.mp3`);
      await writeFile(path, audio.bytes);
      return path;
    }),
  );
  const byBitrate = parts.map((part) => part.audio.seconds ?? 0);
  if (partPaths.length === 1 && options.maxSeconds === undefined) {
    return { path: partPaths[0] as string, partSeconds: byBitrate };
  }
  const joined = join(directory, `speech-${id}.wav`);
  const path = await joinParts(partPaths, joined, options.maxSeconds, options.signal);
  if (!options.measure || parts.length < 2 || options.maxSeconds !== undefined) {
    return { path, partSeconds: byBitrate };
  }
  const decoded = (await probeMedia(path, 'Joined Polly audio', 'audio')).duration;
  const excess = (byBitrate.reduce((sum, seconds) => sum + seconds, 0) - decoded) / parts.length;
  return { path, partSeconds: byBitrate.map((seconds) => seconds - excess) };
}
