import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type PollyClient, SynthesizeSpeechCommand } from '@aws-sdk/client-polly';
import { createPollyClient } from '../../aws/clients.ts';
import { SpeechSynthesisError } from '../errors.ts';
import { mapWithConcurrency } from '../map-with-concurrency.ts';
import { buildAudioJoinArgs, runFfmpeg } from '../render/ffmpeg.ts';
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
  signal?: AbortSignal,
): Promise<string> {
  try {
    await runFfmpeg(buildAudioJoinArgs(parts, outputPath), { duration: 0, signal });
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

/**
 * Amazon Polly: MP3 per request. Text over Polly's per-request limit is split (sentences for text,
 * top-level elements for SSML) and the decoded parts are joined into one WAV with no gap.
 */
export function createPollySynthesizer(client: PollyClient = createPollyClient()): SpeechSynthesizer {
  return {
    name: 'aws-polly',
    async synthesize(request: SpeechRequest, directory: string, signal?: AbortSignal) {
      const config = request.providerConfig;
      const parts = config.textType === 'ssml' ? splitSsml(request.text) : splitPlainText(request.text);
      const audio = await mapWithConcurrency(parts, PART_CONCURRENCY, async (text) => {
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
          if (!response.AudioStream) throw new SpeechSynthesisError('Polly returned no audio', true);
          return await response.AudioStream.transformToByteArray();
        } catch (error) {
          throw toSpeechError(error);
        }
      });
      const id = randomUUID();
      const partPaths = await Promise.all(
        audio.map(async (bytes, i) => {
          const path = join(directory, `speech-${id}${audio.length > 1 ? `-part${i}` : ''}.mp3`);
          await writeFile(path, bytes);
          return path;
        }),
      );
      if (partPaths.length === 1) return partPaths[0] as string;
      return await joinParts(partPaths, join(directory, `speech-${id}.wav`), signal);
    },
  };
}
