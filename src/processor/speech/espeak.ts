import { randomUUID } from 'node:crypto';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { POLLY_VOICES, type PollyLanguageCode } from '@auto-vid/shared';
import { SpeechSynthesisError } from '../errors.ts';
import { runProcess } from '../run-process.ts';
import type { SpeechRequest, SpeechSynthesizer } from './speech-synthesizer.ts';

const espeakBinary = (): string => process.env.ESPEAK_PATH || 'espeak-ng';

/** The nearest espeak-ng voice of each Polly language. */
const ESPEAK_LANGUAGES: Record<PollyLanguageCode, string> = {
  'ar-AE': 'ar',
  arb: 'ar',
  'ca-ES': 'ca',
  'cmn-CN': 'cmn',
  'cs-CZ': 'cs',
  'cy-GB': 'cy',
  'da-DK': 'da',
  'de-AT': 'de',
  'de-CH': 'de',
  'de-DE': 'de',
  'en-AU': 'en-gb',
  'en-GB': 'en-gb',
  'en-GB-WLS': 'en-gb-x-gbcwmd',
  'en-IE': 'en-gb',
  'en-IN': 'en-gb',
  'en-NZ': 'en-gb',
  'en-SG': 'en-gb',
  'en-US': 'en-us',
  'en-ZA': 'en-gb',
  'es-ES': 'es',
  'es-MX': 'es-419',
  'es-US': 'es-419',
  'fi-FI': 'fi',
  'fr-BE': 'fr-be',
  'fr-CA': 'fr-fr',
  'fr-FR': 'fr-fr',
  'hi-IN': 'hi',
  'is-IS': 'is',
  'it-IT': 'it',
  'ja-JP': 'ja',
  'ko-KR': 'ko',
  'nb-NO': 'nb',
  'nl-BE': 'nl',
  'nl-NL': 'nl',
  'pl-PL': 'pl',
  'pt-BR': 'pt-br',
  'pt-PT': 'pt',
  'ro-RO': 'ro',
  'ru-RU': 'ru',
  'sv-SE': 'sv',
  'tr-TR': 'tr',
  'yue-CN': 'yue',
};

/** espeak-ng's `-v` value for a Polly voice: its language (or the spec's), and its gender. */
export function chooseEspeakVoice(request: SpeechRequest): string {
  const voice = POLLY_VOICES[request.providerConfig.voiceId];
  const language = request.providerConfig.languageCode ?? voice.languageCode;
  return `${ESPEAK_LANGUAGES[language]}+${voice.gender === 'Female' ? 'f3' : 'm3'}`;
}

/** espeak-ng writes 16-bit mono PCM at 22,050 Hz after a 44-byte header. */
const WAV_HEADER_BYTES = 44;
const BYTES_PER_SECOND = 22_050 * 2;
/** Far more than any narration; bounds a request made without a `maxSeconds`. */
const UNBOUNDED_SECONDS = 6 * 60 * 60;

/**
 * The local stand-in for Polly: espeak-ng from Debian, WAV out, SSML passed as SSML. The WAV is
 * read from espeak's stdout and stops at `maxSeconds`; its header then gets the real sizes.
 */
export function createEspeakSynthesizer(): SpeechSynthesizer {
  return {
    name: 'espeak-ng',
    async synthesize(request, directory, signal) {
      const id = randomUUID();
      const textPath = join(directory, `${id}.txt`);
      const wavPath = join(directory, `${id}.wav`);
      // The text goes through a file, never the command line, so no text is read as an option.
      await writeFile(textPath, request.text, 'utf8');
      const args = [
        '-v',
        chooseEspeakVoice(request),
        ...(request.providerConfig.textType === 'ssml' ? ['-m'] : []),
        '--stdout',
        '-f',
        textPath,
      ];
      const seconds = Math.min(request.maxSeconds ?? UNBOUNDED_SECONDS, UNBOUNDED_SECONDS);
      const maxBytes = WAV_HEADER_BYTES + 2 * Math.ceil((seconds * BYTES_PER_SECOND) / 2);
      const result = await runProcess(espeakBinary(), args, {
        stderrLines: 5,
        signal,
        stdoutFile: { path: wavPath, maxBytes },
      });
      if (result.killedBy !== null) throw new SpeechSynthesisError('espeak-ng stopped: aborted', true);
      if (result.exitCode !== 0 && !result.stdoutCut) {
        throw new SpeechSynthesisError(
          `espeak-ng failed: ${result.stderrTail.join(' ') || `exit ${result.exitCode}`}`,
          false,
        );
      }
      await writeWavSizes(wavPath);
      return { path: wavPath, cut: result.stdoutCut };
    },
  };
}

/** A streamed WAV header carries placeholder sizes; the RIFF and data sizes are set to the file's. */
async function writeWavSizes(path: string): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const { size } = await file.stat();
    if (size < WAV_HEADER_BYTES) throw new SpeechSynthesisError('espeak-ng produced no audio', false);
    const sizes = Buffer.alloc(4);
    sizes.writeUInt32LE(size - 8);
    await file.write(sizes, 0, 4, 4);
    sizes.writeUInt32LE(size - WAV_HEADER_BYTES);
    await file.write(sizes, 0, 4, WAV_HEADER_BYTES - 4);
  } finally {
    await file.close();
  }
}
