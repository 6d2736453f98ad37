import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseEbur128Summary } from '../../src/processor/render/loudness.ts';

/** Test media made with ffmpeg's lavfi sources; measurements read decoded PCM. */

export const RATE = 48_000;

/** ffmpeg's sine source peaks at 1/8: an RMS level of -21.07 dBFS at volume 1. */
export const TONE_DB = 20 * Math.log10(0.125 / Math.SQRT2);

function ffmpeg(...args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { maxBuffer: 1 << 30 });
}

/**
 * An H.264/yuv420p MP4 of testsrc2 with its own 300 Hz audio track (to prove it is replaced, or
 * kept): the whole length by default, only between `tone.start` and `tone.end` seconds (silence
 * around it), or no audio stream at all with `tone: false`. With `blackFor`, its first seconds are
 * black.
 */
export function makeVideo(
  dir: string,
  name: string,
  seconds: number,
  options: {
    fps?: number;
    size?: string;
    tone?: false | { start: number; end: number };
    blackFor?: number;
  } = {},
): string {
  const path = join(dir, name);
  const tone = options.tone;
  const black = options.blackFor
    ? [`-vf`, `drawbox=color=black:t=fill:enable='lt(t,${options.blackFor})'`]
    : [];
  const gate = tone ? `,volume='between(t,${tone.start},${tone.end})':eval=frame` : '';
  const audio = tone === false ? [] : ['-f', 'lavfi', '-i', `sine=f=300:r=${RATE}${gate}`];
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${options.size ?? '320x180'}:rate=${options.fps ?? 30}`,
    ...audio,
    '-t',
    String(seconds),
    ...black,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    ...(tone === false ? [] : ['-c:a', 'aac']),
    path,
  );
  return path;
}

/** The mean luma (0-255) of an image or of a video's frames, as ffmpeg's signalstats reads it. */
export function meanLuma(path: string): number {
  const run = spawnSync(
    'ffmpeg',
    [
      '-v',
      'info',
      '-i',
      path,
      '-vf',
      'signalstats,metadata=print:key=lavfi.signalstats.YAVG',
      '-f',
      'null',
      '-',
    ],
    { encoding: 'utf8' },
  );
  return Number(/YAVG=([\d.]+)/.exec(run.stderr)?.[1] ?? Number.NaN);
}

/**
 * A sine tone WAV at full scale of ffmpeg's sine source (peak 1/8); silent for its first
 * `silentFor` seconds when given.
 */
export function makeTone(
  dir: string,
  name: string,
  frequency: number,
  seconds: number,
  silentFor = 0,
): string {
  const path = join(dir, name);
  const gate = silentFor > 0 ? [`-af`, `volume='gte(t,${silentFor})':eval=frame`] : [];
  ffmpeg('-f', 'lavfi', '-i', `sine=f=${frequency}:r=${RATE}`, ...gate, '-t', String(seconds), path);
  return path;
}

export function probeStreams(path: string): {
  codec_name: string;
  codec_type: string;
  width?: number;
  height?: number;
  bit_rate?: string;
  avg_frame_rate: string;
  duration: string;
  start_time: string;
}[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-of', 'json', path], {
    encoding: 'utf8',
  });
  return JSON.parse(out).streams;
}

export function probeDuration(path: string): number {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path],
    {
      encoding: 'utf8',
    },
  );
  return Number(out.trim());
}

/**
 * An MP4 whose video starts `videoStart` s after its audio, so the container outlasts the video
 * stream: `frames` frames of testsrc2 at `fps`, audio that runs to the video's end. Cameras and
 * editors write such files; the first picture is not at the file's second 0.
 */
export function makeLateVideo(
  dir: string,
  name: string,
  options: { frames: number; fps: number; videoStart: number; container?: 'mp4' | 'matroska' },
): string {
  const video = join(dir, `${name}.video.mp4`);
  const audio = join(dir, `${name}.audio.m4a`);
  const path = join(dir, name);
  const size = '320x180';
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${size}:rate=${options.fps}`,
    '-frames:v',
    String(options.frames),
    '-c:v',
    'libx264',
    '-preset',
    // B-frames, so the file carries an edit list, as camera and editor files do.
    'veryfast',
    '-pix_fmt',
    'yuv420p',
    video,
  );
  const seconds = options.videoStart + options.frames / options.fps;
  ffmpeg('-f', 'lavfi', '-i', `sine=f=300:r=${RATE}:d=${seconds}`, '-c:a', 'aac', audio);
  ffmpeg(
    '-itsoffset',
    String(options.videoStart),
    '-i',
    video,
    '-i',
    audio,
    '-map',
    '0:v',
    '-map',
    '1:a',
    '-c',
    'copy',
    '-f',
    options.container ?? 'mp4',
    path,
  );
  return path;
}

/** The MD5 of every decoded video frame, in order: equal lists mean the same pictures, none lost. */
export function frameMd5s(path: string): string[] {
  return ffmpeg('-i', path, '-map', '0:v:0', '-f', 'framemd5', '-')
    .toString()
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(',').at(-1)?.trim() ?? '');
}

/** How many frames the first video stream holds, counted by decoding it. */
export function countFrames(path: string): number {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=nb_read_frames',
      '-of',
      'csv=p=0',
      path,
    ],
    { encoding: 'utf8' },
  );
  return Number(out.trim());
}

/** MD5 of the video packets, as `ffmpeg -c copy -f md5` prints it. */
export function videoPacketsMd5(path: string): string {
  return ffmpeg('-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'md5', '-').toString().trim();
}

/** Mono PCM of the audio, optionally narrowed to a band around `frequency` Hz. */
export function readPcm(path: string, frequency?: number): Float32Array {
  const filter = frequency
    ? ['-af', `bandpass=f=${frequency}:width_type=q:w=30,bandpass=f=${frequency}:width_type=q:w=30`]
    : [];
  const raw = ffmpeg('-i', path, '-vn', ...filter, '-ac', '1', '-ar', String(RATE), '-f', 'f32le', '-');
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

/** RMS level in dBFS of [start, end) seconds. */
export function levelDb(samples: Float32Array, start: number, end: number): number {
  const from = Math.floor(start * RATE);
  const to = Math.min(samples.length, Math.floor(end * RATE));
  let sum = 0;
  for (let i = from; i < to; i++) sum += (samples[i] ?? 0) ** 2;
  const rms = Math.sqrt(sum / Math.max(1, to - from));
  return rms === 0 ? -200 : 20 * Math.log10(rms);
}

/** First time (s) at which 10 ms windows rise above `thresholdDb`. */
export function onsetSeconds(samples: Float32Array, thresholdDb: number): number | undefined {
  const step = 0.01;
  for (let t = 0; t < samples.length / RATE; t += step) {
    if (levelDb(samples, t, t + step) > thresholdDb) return t;
  }
  return undefined;
}

/**
 * Pink noise rolled off above 8 kHz, as music and speech are, as a 32-bit float WAV `gainDb` above
 * ffmpeg's default amplitude: float, so a mix meant to be too loud is not clipped on its way in.
 * (Without the roll-off, the AAC encoder's own low-pass would take 0.5 LU off the noise.)
 */
export function makePinkNoise(dir: string, name: string, seconds: number, gainDb: number): string {
  const path = join(dir, name);
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    `anoisesrc=color=pink:seed=7:r=${RATE}:d=${seconds}`,
    '-af',
    `lowpass=f=8000:poles=2,volume=${gainDb}dB,aformat=sample_fmts=flt`,
    '-c:a',
    'pcm_f32le',
    path,
  );
  return path;
}

/** Integrated loudness (LUFS) and true peak (dBTP) of any audio file, by ffmpeg's ebur128. */
export function measureFile(path: string): { integrated: number; truePeak: number } {
  const result = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-i', path, '-map', '0:a:0', '-af', 'ebur128=peak=true', '-f', 'null', '-'],
    { encoding: 'utf8' },
  );
  const summary = parseEbur128Summary(result.stderr.split('\n'));
  return { integrated: summary?.integrated ?? Number.NaN, truePeak: summary?.peak ?? Number.NaN };
}
