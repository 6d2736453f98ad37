// The bench's inputs, made once with ffmpeg (and espeak-ng for narration) into .bench/ and reused.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJobSpec } from '@auto-vid/shared';
import { ffmpegBinary } from '../../src/processor/render/ffmpeg.ts';
import { createEspeakSynthesizer } from '../../src/processor/speech/espeak.ts';
import type { SpeechSynthesizer } from '../../src/processor/speech/speech-synthesizer.ts';
import { makeFrameCodedVideo } from '../../tests/support/frame-code.ts';

export const mediaDir = join(fileURLToPath(new URL('../..', import.meta.url)), '.bench');

/** A camera-like H.264 source: its size, rate and length, and how late its picture starts. */
export interface SourceShape {
  readonly seconds: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /**
   * Seconds between the file's start (its audio) and the first frame. Editors and cameras write
   * such files; the old service's 58 s explainer started its picture 0.04 s after its audio.
   */
  readonly videoStart?: number;
}

export interface BenchMedia {
  readonly video: string;
  readonly music: string;
  readonly effect: string;
}

/** Sentences the narration rows speak, made into speech once. */
export const NARRATION: readonly string[] = [
  'Welcome to the quarterly report. Revenue grew in every region this year.',
  'Here is how the new pipeline works, from the first upload to the final cut.',
  'Each step runs on its own, so a slow step never holds up the others.',
  'The numbers on the right show the cost of one minute of finished video.',
  'Most of the time goes into encoding, and most jobs never need it.',
  'Thank you for watching. The full report is linked in the description.',
];

function ffmpeg(args: string[]): void {
  const result = spawnSync(ffmpegBinary(), ['-v', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`ffmpeg failed making bench media: ${args.join(' ')}`);
}

/** Writes a file through a partial name, so an interrupted run never leaves a truncated input. */
function makeOnce(path: string, make: (partial: string) => void): string {
  if (existsSync(path)) return path;
  process.stderr.write(`making ${path} …\n`);
  const partial = path.replace(/(\.\w+)$/, '.partial$1');
  make(partial);
  renameSync(partial, path);
  return path;
}

/** makeOnce for a maker that is a promise. */
async function makeOnceAsync(path: string, make: (partial: string) => Promise<unknown>): Promise<string> {
  if (existsSync(path)) return path;
  process.stderr.write(`making ${path} …\n`);
  const partial = path.replace(/(\.\w+)$/, '.partial$1');
  await make(partial);
  renameSync(partial, path);
  return path;
}

/** The chunked row's input: 1080p30, a keyframe every 2 s, with sound. */
export const CODED_SOURCE = { seconds: 120, width: 1920, height: 1080, fps: 30, gop: 60 } as const;

/**
 * The frame-coded video of the tests (tests/support/frame-code.ts): every frame shows its own index,
 * so a chunked job's joined output can be read back frame by frame (none lost, doubled or moved).
 * About 30 s to make.
 */
export function ensureCodedVideo(): Promise<string> {
  mkdirSync(mediaDir, { recursive: true });
  const { seconds, width, height, fps, gop } = CODED_SOURCE;
  const name = `coded-${height}p${fps}-${seconds}s-gop${gop}.mp4`;
  return makeOnceAsync(join(mediaDir, name), (partial) =>
    makeFrameCodedVideo(partial, { width, height, fps, seconds, gop, audio: true }),
  );
}

function sourceName(shape: SourceShape): string {
  const late = shape.videoStart ? `-late${shape.videoStart}` : '';
  return `video-${shape.height}p${shape.fps}-${shape.seconds}s${late}.mp4`;
}

function makeSource(shape: SourceShape, path: string): void {
  const picture = ['-f', 'lavfi', '-i', `testsrc2=size=${shape.width}x${shape.height}:rate=${shape.fps}`];
  const encode = ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-g', String(2 * shape.fps)];
  if (!shape.videoStart) {
    ffmpeg([
      ...picture,
      ...['-f', 'lavfi', '-i', 'sine=f=300:r=48000'],
      ...['-t', String(shape.seconds), ...encode, '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
      ...['-movflags', '+faststart', path],
    ]);
    return;
  }
  // The picture and the sound are made apart, then muxed with the picture shifted.
  const work = mkdtempSync(join(tmpdir(), 'auto-vid-bench-media-'));
  try {
    const video = join(work, 'video.mp4');
    const audio = join(work, 'audio.m4a');
    ffmpeg([...picture, '-t', String(shape.seconds), ...encode, '-pix_fmt', 'yuv420p', video]);
    const soundSeconds = shape.seconds + shape.videoStart;
    ffmpeg(['-f', 'lavfi', '-i', `sine=f=300:r=48000:d=${soundSeconds}`, '-c:a', 'aac', audio]);
    ffmpeg([
      ...['-itsoffset', String(shape.videoStart), '-i', video, '-i', audio],
      ...['-map', '0:v', '-map', '1:a', '-c', 'copy', '-movflags', '+faststart', '-f', 'mp4', path],
    ]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The source video of a shape, with noise-rich music and an effect shared by every row. */
export function ensureMedia(shape: SourceShape): BenchMedia {
  mkdirSync(mediaDir, { recursive: true });
  const video = makeOnce(join(mediaDir, sourceName(shape)), (partial) => makeSource(shape, partial));
  // Pure tones are a pathological case for the AAC encoder (it searches far longer on them than on
  // music), so the bench's music and effect are noise-rich, like real recordings.
  const music = makeOnce(join(mediaDir, 'music-60s-v2.m4a'), (partial) =>
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'anoisesrc=color=pink:r=48000:a=0.2:seed=7'],
      ...['-f', 'lavfi', '-i', 'sine=f=220:r=48000', '-f', 'lavfi', '-i', 'sine=f=277:r=48000'],
      ...[
        '-filter_complex',
        '[0][1]amerge=inputs=2,pan=stereo|c0=c0+0.5*c1|c1=0.5*c0+c1[l];[l][2]amix=inputs=2',
      ],
      ...['-t', '60', '-c:a', 'aac', '-b:a', '192k', '-f', 'mp4', partial],
    ]),
  );
  const effect = makeOnce(join(mediaDir, 'effect-1s-v2.wav'), (partial) =>
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'anoisesrc=color=white:r=48000:a=0.3:seed=3:d=1',
      '-ac',
      '2',
      '-f',
      'wav',
      partial,
    ]),
  );
  return { video, music, effect };
}

/**
 * The narration of NARRATION, spoken once by espeak-ng into .bench/ (WAV files by line index), and
 * once more as captions ask for it: a sentence at a time, with its timing beside it (JSON).
 */
export async function ensureNarration(): Promise<readonly string[]> {
  mkdirSync(mediaDir, { recursive: true });
  const espeak = createEspeakSynthesizer();
  // The spec's defaults (voice, engine) are what a narration row asks for.
  const lines = parseJobSpec({
    assets: { video: { id: 'video', source: join(mediaDir, 'video.mp4') }, audio: [] },
    timeline: NARRATION.map((text) => ({ start: 0, type: 'tts', data: { text } })),
    output: { filename: 'narration.mp4' },
  }).timeline.flatMap((event) => (event.type === 'tts' ? [event.data] : []));
  const paths: string[] = [];
  for (const [index, line] of lines.entries()) {
    const path = join(mediaDir, `narration-${index}.wav`);
    for (const timing of [false, true]) {
      const target = timing ? timedPath(path) : path;
      if (existsSync(target)) continue;
      const work = mkdtempSync(join(tmpdir(), 'auto-vid-bench-speech-'));
      try {
        const speech = await espeak.synthesize({ ...line, timing }, work);
        if (speech.timing) writeFileSync(timingPath(path), JSON.stringify(speech.timing));
        copyFileSync(speech.path, target);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }
    paths.push(path);
  }
  return paths;
}

const timedPath = (path: string) => path.replace(/\.wav$/, '.timed.wav');
const timingPath = (path: string) => path.replace(/\.wav$/, '.timing.json');

/**
 * Speech as a re-render finds it: already made (on AWS, Polly's audio and its marks cached in the
 * bucket). The bench times the render, not a speech engine; each line is copied into the job's
 * folder as the cache's download would be, with its timing when the job asks for it.
 */
export function cachedNarration(paths: readonly string[]): SpeechSynthesizer {
  return {
    name: 'bench-cache',
    synthesize: async (request, directory) => {
      const index = NARRATION.indexOf(request.text);
      const source = paths[index];
      if (source === undefined) throw new Error(`the bench has no narration for "${request.text}"`);
      const path = join(directory, `narration-${index}.wav`);
      if (!request.timing) {
        copyFileSync(source, path);
        return { path, cut: false };
      }
      copyFileSync(timedPath(source), path);
      return { path, cut: false, timing: JSON.parse(readFileSync(timingPath(source), 'utf8')) };
    },
  };
}
