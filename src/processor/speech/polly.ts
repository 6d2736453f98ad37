import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PollyClient, SynthesizeSpeechCommand } from '@aws-sdk/client-polly';
import { SpeechSynthesisError } from '../errors.ts';
import type { SpeechRequest, SpeechSynthesizer } from './speech-synthesizer.ts';
import { splitPlainText, splitSsml } from './split-text.ts';

/** Polly runs in us-east-1 by default (every engine, generative included, is offered there). */
export const DEFAULT_POLLY_REGION = 'us-east-1';

const RETRYABLE_POLLY_ERRORS = new Set(['ThrottlingException', 'ServiceFailureException', 'TimeoutError']);

export function createPollyClient(env: NodeJS.ProcessEnv = process.env): PollyClient {
  return new PollyClient({ region: env.POLLY_REGION ?? DEFAULT_POLLY_REGION });
}

/**
 * Amazon Polly: MP3 per request; text over Polly's per-request limit is split (sentences for text,
 * top-level elements for SSML) and the MP3 parts are joined end to end, which MP3 allows.
 */
export function createPollySynthesizer(client: PollyClient = createPollyClient()): SpeechSynthesizer {
  return {
    name: 'aws-polly',
    async synthesize(request: SpeechRequest, directory: string, signal?: AbortSignal) {
      const config = request.providerConfig;
      const parts = config.textType === 'ssml' ? splitSsml(request.text) : splitPlainText(request.text);
      const audio: Uint8Array[] = [];
      for (const text of parts) {
        try {
          const response = await client.send(
            new SynthesizeSpeechCommand({
              Text: text,
              TextType: config.textType,
              VoiceId: config.voiceId,
              Engine: config.engine,
              OutputFormat: 'mp3',
              ...(config.languageCode ? { LanguageCode: config.languageCode } : {}),
            }),
            signal ? { abortSignal: signal } : {},
          );
          if (!response.AudioStream) throw new Error('Polly returned no audio');
          audio.push(await response.AudioStream.transformToByteArray());
        } catch (error) {
          const name = (error as { name?: string }).name ?? 'Error';
          const status =
            (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
          const retryable = RETRYABLE_POLLY_ERRORS.has(name) || status >= 500 || status === 429;
          throw new SpeechSynthesisError(`Polly ${name}: ${(error as Error).message}`, retryable, {
            cause: error,
          });
        }
      }
      const path = join(directory, `${randomUUID()}.mp3`);
      await writeFile(path, Buffer.concat(audio));
      return path;
    },
  };
}
