import { randomUUID } from 'node:crypto';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { POLLY_VOICES, type PollyLanguageCode } from '@auto-vid/shared';
import { SpeechSynthesisError } from '../errors.ts';
import { runProcess } from '../run-process.ts';
import {
  type SpeechAudio,
  type SpeechRequest,
  type SpeechSynthesizer,
  speechLanguage,
} from './speech-synthesizer.ts';
import {
  estimateSentence,
  estimateWholeText,
  splitSentences,
  spokenText,
  type TimedSentence,
} from './speech-timing.ts';

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
  return `${ESPEAK_LANGUAGES[speechLanguage(request)]}+${voice.gender === 'Female' ? 'f3' : 'm3'}`;
}

/** espeak-ng writes 16-bit mono PCM at 22,050 Hz after a 44-byte header. */
const WAV_HEADER_BYTES = 44;
const BYTES_PER_SECOND = 22_050 * 2;
/** Far more than any narration; bounds a request made without a `maxSeconds`. */
const UNBOUNDED_SECONDS = 6 * 60 * 60;

/**
 * The local stand-in for Polly: espeak-ng from Debian, WAV out, SSML passed as SSML. The WAV is
 * read from espeak's stdout and stops at `maxSeconds`; its header then gets the real sizes. With
 * `timing`, a plain text is spoken a sentence at a time and the WAVs joined, so each sentence's
 * time is exact (its audible start and end are read from its samples) and its words are placed
 * inside it by length; SSML is spoken whole, its sentences and words placed by length.
 */
export function createEspeakSynthesizer(): SpeechSynthesizer {
  return {
    name: 'espeak-ng',
    async synthesize(request, directory, signal) {
      if (!request.timing) return speak(request.text, request, directory, signal);
      if (request.providerConfig.textType === 'ssml') return speakWholeTimed(request, directory, signal);
      return speakBySentence(request, directory, signal);
    },
  };
}

/** One espeak-ng run over `text`, stopped at `maxSeconds` of audio. */
async function speak(
  text: string,
  request: SpeechRequest,
  directory: string,
  signal: AbortSignal | undefined,
  maxSeconds: number | undefined = request.maxSeconds,
): Promise<SpeechAudio> {
  const id = randomUUID();
  const textPath = join(directory, `${id}.txt`);
  const wavPath = join(directory, `${id}.wav`);
  // The text goes through a file, never the command line, so no text is read as an option.
  await writeFile(textPath, text, 'utf8');
  const args = [
    '-v',
    chooseEspeakVoice(request),
    ...(request.providerConfig.textType === 'ssml' ? ['-m'] : []),
    '--stdout',
    '-f',
    textPath,
  ];
  const seconds = Math.min(maxSeconds ?? UNBOUNDED_SECONDS, UNBOUNDED_SECONDS);
  const maxBytes = WAV_HEADER_BYTES + 2 * Math.ceil((seconds * BYTES_PER_SECOND) / 2);
  const result = await runProcess(espeakBinary(), args, {
    stderrLines: 5,
    signal,
    stdoutFile: { path: wavPath, maxBytes },
  });
  await rm(textPath, { force: true });
  if (result.killedBy !== null) throw new SpeechSynthesisError('espeak-ng stopped: aborted', true);
  if (result.exitCode !== 0 && !result.stdoutCut) {
    throw new SpeechSynthesisError(
      `espeak-ng failed: ${result.stderrTail.join(' ') || `exit ${result.exitCode}`}`,
      false,
    );
  }
  await writeWavSizes(wavPath);
  return { path: wavPath, cut: result.stdoutCut };
}

/**
 * SSML spoken whole, its sentences and words placed by length inside its audible span. It is spoken
 * to its end even past `maxSeconds` (an estimate over cut audio would squeeze every word into it),
 * then cut there.
 */
async function speakWholeTimed(
  request: SpeechRequest,
  directory: string,
  signal: AbortSignal | undefined,
): Promise<SpeechAudio> {
  const audio = await speak(request.text, request, directory, signal, UNBOUNDED_SECONDS);
  const samples = (await readFile(audio.path)).subarray(WAV_HEADER_BYTES);
  const sentences = splitSentences(spokenText(request.text, 'ssml'), speechLanguage(request));
  const timing = {
    accuracy: 'estimated' as const,
    sentences: estimateWholeText(sentences, ...audibleSpan(samples)),
  };
  const kept = keepSeconds(samples, request.maxSeconds);
  if (kept.length === samples.length) return { ...audio, timing };
  await writeFile(audio.path, Buffer.concat([wavHeader(kept.length), kept]));
  return { path: audio.path, cut: true, timing };
}

/** The samples up to `seconds` (all of them without a limit). */
function keepSeconds(samples: Buffer, seconds: number | undefined): Buffer {
  if (seconds === undefined) return samples;
  return samples.subarray(0, Math.min(samples.length, 2 * Math.ceil((seconds * BYTES_PER_SECOND) / 2)));
}

/**
 * A plain text spoken a sentence at a time, in order, until `maxSeconds` is spoken; the samples are
 * joined into one WAV and each sentence timed where its samples start. The last sentence heard is
 * spoken whole, for its words' places, and cut at `maxSeconds` afterwards.
 */
async function speakBySentence(
  request: SpeechRequest,
  directory: string,
  signal: AbortSignal | undefined,
): Promise<SpeechAudio> {
  const sentences = splitSentences(request.text, speechLanguage(request));
  const pieces: Buffer[] = [];
  const timed: TimedSentence[] = [];
  let offset = 0;
  let cut = false;
  for (const sentence of sentences) {
    const left = request.maxSeconds === undefined ? undefined : request.maxSeconds - offset;
    if (left !== undefined && left <= 0) {
      cut = true;
      break;
    }
    const audio = await speak(sentence, request, directory, signal, UNBOUNDED_SECONDS);
    const samples = (await readFile(audio.path)).subarray(WAV_HEADER_BYTES);
    await rm(audio.path, { force: true });
    const [start, end] = audibleSpan(samples);
    timed.push(estimateSentence(sentence, offset + start, offset + end));
    const kept = keepSeconds(samples, left);
    pieces.push(kept);
    offset += kept.length / BYTES_PER_SECOND;
    cut ||= kept.length < samples.length;
  }
  const path = join(directory, `${randomUUID()}.wav`);
  await writeFile(path, Buffer.concat([wavHeader(pieces.reduce((sum, p) => sum + p.length, 0)), ...pieces]));
  return { path, cut, timing: { accuracy: 'sentences', sentences: timed } };
}

/** Below this (16-bit) a sample is silence: about -50 dBFS. */
const SILENCE_SAMPLE = 100;

/**
 * Seconds from the first to the last audible sample of espeak's 16-bit PCM (with or without its
 * header: a header reads as near silence); the whole length when nothing is audible.
 */
function audibleSpan(samples: Buffer): [number, number] {
  const count = Math.floor(samples.length / 2);
  let first = -1;
  let last = -1;
  for (let i = 0; i < count; i++) {
    if (Math.abs(samples.readInt16LE(i * 2)) > SILENCE_SAMPLE) {
      if (first < 0) first = i;
      last = i;
    }
  }
  const rate = BYTES_PER_SECOND / 2;
  return first < 0 ? [0, count / rate] : [first / rate, (last + 1) / rate];
}

/** The 44-byte header of espeak's format (mono, 16-bit, 22,050 Hz) for `dataBytes` of samples. */
function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(dataBytes + WAV_HEADER_BYTES - 8, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(BYTES_PER_SECOND / 2, 24);
  header.writeUInt32LE(BYTES_PER_SECOND, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
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
