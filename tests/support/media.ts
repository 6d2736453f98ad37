import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Test media made with ffmpeg's lavfi sources; measurements read decoded PCM. */

export const RATE = 48_000;

/** ffmpeg's sine source peaks at 1/8: an RMS level of -21.07 dBFS at volume 1. */
export const TONE_DB = 20 * Math.log10(0.125 / Math.SQRT2);

function ffmpeg(...args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { maxBuffer: 1 << 30 });
}

/** An H.264/yuv420p MP4 of testsrc2 with its own 300 Hz audio track (to prove it is replaced). */
export function makeVideo(
  dir: string,
  name: string,
  seconds: number,
  options: { fps?: number; size?: string } = {},
): string {
  const path = join(dir, name);
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${options.size ?? '320x180'}:rate=${options.fps ?? 30}`,
    '-f',
    'lavfi',
    '-i',
    `sine=f=300:r=${RATE}`,
    '-t',
    String(seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    path,
  );
  return path;
}

/** A sine tone WAV at full scale of ffmpeg's sine source (peak 1/8). */
export function makeTone(dir: string, name: string, frequency: number, seconds: number): string {
  const path = join(dir, name);
  ffmpeg('-f', 'lavfi', '-i', `sine=f=${frequency}:r=${RATE}`, '-t', String(seconds), path);
  return path;
}

export function probeStreams(
  path: string,
): { codec_name: string; codec_type: string; avg_frame_rate: string; duration: string }[] {
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
