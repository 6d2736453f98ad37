import { spawn } from 'node:child_process';
import { ffmpegBinary, ffprobeBinary } from '../../src/processor/render/ffmpeg.ts';

/**
 * Frame-coded test video: every frame carries its own index as a row of black and white blocks
 * across the top eighth of the picture, so a video that was split, encoded in chunks and joined can
 * be checked frame by frame (none lost, none doubled, none out of order) without OCR, and its
 * sound checked against its picture with a beep at every whole second.
 *
 * The code band, left to right: a white guard block, the 16 bits of the frame index (most
 * significant first; white is 1) and a black guard block. 18 blocks, each 1/18 of the width and
 * the band's full height (1/8 of the picture), survive x264 at crf 35 and a downscale to 160x90.
 * Below the band, testsrc2 moves so the encoder does real work (and shows the time and frame).
 */

/** A frame rate: a whole number (25, 30) or a fraction as ffmpeg writes it ("30000/1001"). */
export type FrameRate = number | `${number}/${number}`;

export interface FrameCodedOptions {
  /** Even, in pixels. 320 by default. */
  readonly width?: number;
  /** Even, in pixels. 180 by default. */
  readonly height?: number;
  /** 30 by default. */
  readonly fps?: FrameRate;
  /** The picture's length: round(seconds × fps) frames. At most 65 536 frames. */
  readonly seconds: number;
  /**
   * A keyframe every `gop` frames, exactly (frames 0, gop, 2·gop…), and none between, so chunk
   * boundaries are known in advance. Twice the frame rate (rounded) by default.
   */
  readonly gop?: number;
  /** x264's constant rate factor; 23 by default. The preset is always ultrafast (no B-frames). */
  readonly crf?: number;
  /**
   * Seconds between the file's start (its audio) and its first picture, as some camera and editor
   * files have: the picture's frames are at videoStart + n / fps. Kept to 1/90 000 s (the video's
   * time base). 0 by default.
   */
  readonly videoStart?: number;
  /**
   * A stereo 48 kHz AAC track from file time 0 to the picture's end: silence, with a 1 kHz beep
   * one frame long starting at every whole second (exactly, to the sample). Off by default.
   */
  readonly audio?: boolean;
}

export interface FrameCodedVideo {
  readonly path: string;
  /** How many frames the picture holds: frame n carries code n. */
  readonly frames: number;
  /** Frames per second, as a number (29.97… for "30000/1001"). */
  readonly fps: number;
  readonly gop: number;
  readonly videoStart: number;
  /** The file's length in seconds: videoStart + frames / fps. */
  readonly seconds: number;
}

/** What readFrameCodes decodes: per frame, in presentation order. */
export interface FrameCodes {
  /** The index each frame carries (-1 for an unreadable frame, when asked to mark them). */
  readonly codes: number[];
  /** Each frame's presentation time in seconds on the file's timeline (as ffprobe's pts_time). */
  readonly times: number[];
}

export interface ReadFrameCodesOptions {
  /**
   * What to do with a frame whose band cannot be read (a block neither black nor white, or guard
   * blocks missing, as in a fade or a frame from another source): `throw` (the default) raises an
   * error naming the frame; `mark` gives it the code -1.
   */
  readonly unreadable?: 'throw' | 'mark';
}

/** What went wrong in a list of codes, against the frames 0 … expectedCount - 1 it should hold. */
export interface JoinSummary {
  /** How many frames were decoded. */
  readonly count: number;
  /** Indices below expectedCount that no frame carries. */
  readonly missing: number[];
  /** Indices carried by more than one frame (each listed once). */
  readonly duplicated: number[];
  /**
   * Where the codes go backwards: the frame at `position` carries `code`, lower than the `after`
   * carried by the frame before it. Two equal neighbours are a duplicate, not listed here.
   */
  readonly outOfOrder: { position: number; code: number; after: number }[];
  /** Codes outside 0 … expectedCount - 1 (-1 for unreadable frames), each listed once. */
  readonly unexpected: number[];
}

const BLOCKS = 18;
const DATA_BITS = 16;
const MAX_FRAMES = 2 ** DATA_BITS;
/** The reader scales the band to 4 × 4 samples per block and keeps the centre 2 × 2. */
const CELL = 4;
const AUDIO_RATE = 48_000;
const BEEP_HZ = 1_000;
const BEEP_AMPLITUDE = 0.5;
/** The video's time base: 90 kHz holds frame times of 25, 30 and 30000/1001 fps exactly. */
const TICKS = 90_000;
/** Block levels (0-255) between these are neither black nor white. */
const DARK = 64;
const LIGHT = 192;

/** Writes an H.264 (and optionally AAC) MP4 whose frame n shows the code of n. */
export async function makeFrameCodedVideo(
  path: string,
  options: FrameCodedOptions,
): Promise<FrameCodedVideo> {
  const width = options.width ?? 320;
  const height = options.height ?? 180;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 2 * BLOCKS || value % 2 !== 0) {
      throw new Error(
        `makeFrameCodedVideo: ${name} must be an even whole number ≥ ${2 * BLOCKS}, not ${value}`,
      );
    }
  }
  const rate = parseRate(options.fps ?? 30);
  const frames = Math.round(options.seconds * rate.value);
  if (!(frames >= 1 && frames <= MAX_FRAMES)) {
    throw new Error(`makeFrameCodedVideo: ${frames} frames; the code holds 1 to ${MAX_FRAMES}`);
  }
  const gop = options.gop ?? Math.max(1, Math.round(2 * rate.value));
  const crf = options.crf ?? 23;
  const startTicks = Math.round((options.videoStart ?? 0) * TICKS);
  for (const [name, value] of [
    ['gop', gop],
    ['crf', crf],
    ['videoStart ticks', startTicks],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new Error(`makeFrameCodedVideo: ${name} must be a whole number ≥ 0, not ${value}`);
    }
  }
  const videoStart = startTicks / TICKS;
  const seconds = videoStart + (frames * rate.den) / rate.num;
  // The band is drawn at one pixel per block by geq (cheap at any size), blown up without
  // smoothing and stacked on testsrc2.
  const band = 2 * Math.floor(height / 16);
  const graph = [
    `color=c=black:s=${BLOCKS}x2:r=${rate.text},format=gray,` +
      `geq=lum='if(eq(X,0),255,if(eq(X,${BLOCKS - 1}),0,255*mod(floor(N/pow(2,${DATA_BITS}-X)),2)))',` +
      `scale=${width}:${band}:flags=neighbor,setsar=1,format=yuv420p[code]`,
    `testsrc2=s=${width}x${height - band}:r=${rate.text},format=yuv420p,setsar=1[picture]`,
    `[code][picture]vstack=inputs=2,trim=end_frame=${frames},settb=1/${TICKS},` +
      `setpts=PTS-STARTPTS+${startTicks}[v]`,
  ];
  const audio: string[] = [];
  if (options.audio) {
    const beepSamples = Math.round((AUDIO_RATE * rate.den) / rate.num);
    const samples = Math.round(seconds * AUDIO_RATE);
    graph.push(
      `aevalsrc=exprs='if(lt(mod(n,${AUDIO_RATE}),${beepSamples}),` +
        `${BEEP_AMPLITUDE}*sin(2*PI*${BEEP_HZ}*n/${AUDIO_RATE}),0)':s=${AUDIO_RATE}:c=stereo,` +
        `atrim=end_sample=${samples}[a]`,
    );
    audio.push('-map', '[a]', '-c:a', 'aac', '-b:a', '128k');
  }
  await run(ffmpegBinary(), [
    ...['-hide_banner', '-nostdin', '-v', 'error', '-y', '-filter_complex', graph.join(';')],
    // Frames keep their times (no frame is repeated to fill a late start) in a 90 kHz time base.
    ...['-map', '[v]', '-fps_mode:v', 'passthrough', '-enc_time_base:v', `1/${TICKS}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', String(crf), '-pix_fmt', 'yuv420p'],
    ...['-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'],
    ...audio,
    ...['-f', 'mp4', path],
  ]);
  return { path, frames, fps: rate.value, gop, videoStart, seconds };
}

/**
 * Decodes the first video stream and reads the code of every frame, in presentation order, with
 * its presentation time. Throws when a frame's band is unreadable (see the option), naming the
 * frame, its time and the blocks' levels. The band is found by proportion (the top eighth, full
 * width), so a scaled copy reads as well as the original.
 */
export async function readFrameCodes(path: string, options: ReadFrameCodesOptions = {}): Promise<FrameCodes> {
  const frameBytes = BLOCKS * CELL * CELL;
  const levels: Uint8Array[] = [];
  let pending: Buffer = Buffer.alloc(0);
  const ticks: number[] = [];
  let timeBase: [number, number] | undefined;
  const showinfo = /\bn:\s*\d+\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:(\S+)/;
  await run(
    ffmpegBinary(),
    [
      ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-copyts', '-i', path],
      ...['-map', '0:v:0', '-an', '-sn', '-dn'],
      '-vf',
      `crop=w=iw:h=ih/8:x=0:y=0,scale=${BLOCKS * CELL}:${CELL}:flags=area,format=gray,showinfo`,
      // Every decoded frame once, as it is: no frame repeated or dropped to keep a rate.
      ...['-fps_mode', 'passthrough', '-f', 'rawvideo', '-'],
    ],
    {
      onStdout: (chunk) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let offset = 0;
        for (; offset + frameBytes <= pending.length; offset += frameBytes) {
          levels.push(blockLevels(pending.subarray(offset, offset + frameBytes)));
        }
        pending = Buffer.from(pending.subarray(offset));
      },
      onStderrLine: (line) => {
        const frame = showinfo.exec(line);
        if (frame) {
          ticks.push(frame[1] === 'NOPTS' ? Number.NaN : Number(frame[1]));
          return;
        }
        const base = /config in time_base: (\d+)\/(\d+)/.exec(line);
        if (base && !timeBase) timeBase = [Number(base[1]), Number(base[2])];
      },
    },
  );
  if (ticks.length !== levels.length || pending.length !== 0 || timeBase === undefined) {
    throw new Error(
      `readFrameCodes: ${path}: ${levels.length} frames of pixels but ${ticks.length} frame times`,
    );
  }
  const [num, den] = timeBase;
  const times = ticks.map((pts) => (pts * num) / den);
  const codes = levels.map((frame, index) => {
    const code = decodeCode(frame);
    if (typeof code === 'number') return code;
    if (options.unreadable === 'mark') return -1;
    throw new Error(
      `readFrameCodes: ${path}: frame ${index} (at ${times[index]} s) is unreadable: ${code.reason}; ` +
        `block levels ${[...frame].join(' ')}`,
    );
  });
  return { codes, times };
}

/**
 * The mean level of the centre of each block: the middle 2 × 2 of its 4 × 4 area-averaged
 * samples, away from the band's edges and the blocks' borders, where the encoder blurs.
 */
function blockLevels(samples: Buffer): Uint8Array {
  const stride = BLOCKS * CELL;
  const levels = new Uint8Array(BLOCKS);
  for (let block = 0; block < BLOCKS; block++) {
    let sum = 0;
    for (let row = 1; row <= 2; row++) {
      for (let column = 1; column <= 2; column++) sum += samples[row * stride + block * CELL + column] ?? 0;
    }
    levels[block] = Math.round(sum / 4);
  }
  return levels;
}

function decodeCode(levels: Uint8Array): number | { reason: string } {
  const grey = levels.findIndex((level) => level > DARK && level < LIGHT);
  if (grey !== -1) {
    return { reason: `block ${grey} is grey (${levels[grey]}), neither black nor white` };
  }
  if ((levels[0] ?? 0) < LIGHT || (levels[BLOCKS - 1] ?? 0) > DARK) {
    return { reason: 'its guard blocks are not white (first) and black (last): it carries no code' };
  }
  let code = 0;
  for (let bit = 1; bit <= DATA_BITS; bit++) code = code * 2 + ((levels[bit] ?? 0) >= 128 ? 1 : 0);
  return code;
}

export interface FindBeepsOptions {
  /**
   * Sound below this amplitude (of full scale 1) counts as silence between beeps; 0.003 (-50 dBFS)
   * by default. The beeps must stand on silence, as makeFrameCodedVideo writes them.
   */
  readonly floor?: number;
}

/**
 * The times (seconds, on the file's timeline) at which the first audio stream's beeps start.
 * Each run of sound between silences is one beep; its start is the first sample reaching a
 * quarter of the run's peak, so the codec's pre-echo (a faint ramp a few ms ahead) is not taken
 * for it, and the beep's level does not matter. For a 1 kHz beep that starts at phase 0, the
 * quarter peak comes 2 samples (0.04 ms) after the true start. Throws on sound that lasts more
 * than half a second: that is no beep.
 */
export async function findBeeps(path: string, options: FindBeepsOptions = {}): Promise<number[]> {
  const floor = options.floor ?? 0.003;
  const quietToEnd = Math.round(AUDIO_RATE * 0.01);
  const longest = AUDIO_RATE / 2;
  const start = await audioStart(path);
  const onsets: number[] = [];
  let index = 0;
  let burst: number[] | undefined;
  let burstStart = 0;
  let quiet = 0;
  const endBurst = () => {
    if (!burst) return;
    const peak = Math.max(...burst);
    if (peak >= 2 * floor) onsets.push(burstStart + burst.findIndex((level) => level >= peak / 4));
    burst = undefined;
  };
  let pending: Buffer = Buffer.alloc(0);
  await run(
    ffmpegBinary(),
    [
      ...['-hide_banner', '-nostdin', '-v', 'error', '-i', path, '-map', '0:a:0'],
      ...['-ac', '1', '-ar', String(AUDIO_RATE), '-f', 'f32le', '-'],
    ],
    {
      onStdout: (chunk) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        const count = Math.floor(pending.length / 4);
        for (let i = 0; i < count; i++, index++) {
          const level = Math.abs(pending.readFloatLE(i * 4));
          if (!burst) {
            if (level <= floor) continue;
            burst = [level];
            burstStart = index;
            quiet = 0;
            continue;
          }
          burst.push(level);
          quiet = level <= floor ? quiet + 1 : 0;
          if (quiet >= quietToEnd) endBurst();
          else if (burst.length > longest) {
            throw new Error(
              `findBeeps: ${path}: sound from ${start + burstStart / AUDIO_RATE} s lasts over 0.5 s: no beep`,
            );
          }
        }
        pending = Buffer.from(pending.subarray(count * 4));
      },
    },
  );
  endBurst();
  return onsets.map((sample) => start + sample / AUDIO_RATE);
}

/** When the first audio stream's first sample plays, on the file's timeline. */
async function audioStart(path: string): Promise<number> {
  const { stdout } = await run(ffprobeBinary(), [
    ...['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=start_time'],
    ...['-of', 'csv=p=0', path],
  ]);
  const start = Number.parseFloat(stdout.trim());
  if (stdout.trim() === '') throw new Error(`findBeeps: ${path} has no audio stream`);
  return Number.isFinite(start) ? start : 0;
}

/**
 * The index of the frame that lines up with the beep at `second` of the audio (file time; the
 * audio starts at 0): the frame whose presentation time, videoStart + n / fps, is nearest the beep,
 * round((second - videoStart) × fps). With no video start that is the frame starting with the beep,
 * second × fps at a whole frame rate; at 30000/1001 the beep at 1 s lines up with frame 30 (at
 * 1.001 s). A negative index means the beep comes before the picture.
 */
export function frameAtBeep(second: number, fps: FrameRate, videoStart = 0): number {
  const value = typeof fps === 'number' ? fps : parseRate(fps).value;
  return Math.round((second - videoStart) * value);
}

/**
 * The code of the frame whose presentation time is nearest `time` (the later one on a tie), to
 * compare with frameAtBeep: `codeNearest(read, beep) === frameAtBeep(Math.round(beep), fps, start)`
 * says sound and picture are in step to within half a frame.
 */
export function codeNearest(read: FrameCodes, time: number): number | undefined {
  let best: number | undefined;
  let distance = Number.POSITIVE_INFINITY;
  read.times.forEach((at, index) => {
    const gap = Math.abs(at - time);
    if (gap <= distance) {
      distance = gap;
      best = read.codes[index];
    }
  });
  return best;
}

/** Missing, doubled, out-of-order and unexpected codes, for a readable test failure. */
export function summarizeJoin(codes: readonly number[], expectedCount: number): JoinSummary {
  const seen = new Map<number, number>();
  const outOfOrder: JoinSummary['outOfOrder'] = [];
  codes.forEach((code, position) => {
    seen.set(code, (seen.get(code) ?? 0) + 1);
    const after = codes[position - 1];
    if (after !== undefined && code < after) outOfOrder.push({ position, code, after });
  });
  const missing: number[] = [];
  for (let index = 0; index < expectedCount; index++) if (!seen.has(index)) missing.push(index);
  const sorted = [...seen.keys()].sort((a, b) => a - b);
  return {
    count: codes.length,
    missing,
    duplicated: sorted.filter((code) => (seen.get(code) ?? 0) > 1),
    outOfOrder,
    unexpected: sorted.filter((code) => !(code >= 0 && code < expectedCount)),
  };
}

/** The summary of a perfect join of `count` frames, for `toEqual`. */
export function perfectJoin(count: number): JoinSummary {
  return { count, missing: [], duplicated: [], outOfOrder: [], unexpected: [] };
}

/**
 * The indices, in presentation order, of the first video stream's keyframes, read from packet
 * flags (no decoding): where a stream-copy cut can start a chunk.
 */
export async function keyframeIndices(path: string): Promise<number[]> {
  const { stdout } = await run(ffprobeBinary(), [
    ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts,flags'],
    ...['-of', 'csv=p=0', path],
  ]);
  const packets = stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [pts, flags] = line.split(',');
      return { pts: Number(pts), key: (flags ?? '').includes('K') };
    })
    .sort((a, b) => a.pts - b.pts);
  return packets.flatMap((packet, index) => (packet.key ? [index] : []));
}

function parseRate(fps: FrameRate): { num: number; den: number; value: number; text: string } {
  const [num, den] = typeof fps === 'number' ? [fps, 1] : fps.split('/').map(Number);
  if (!(Number.isInteger(num) && Number.isInteger(den) && (num ?? 0) > 0 && (den ?? 0) > 0)) {
    throw new Error(`frame rate ${fps} is not a whole number or a fraction of whole numbers`);
  }
  const n = num as number;
  const d = den as number;
  return { num: n, den: d, value: n / d, text: `${n}/${d}` };
}

interface RunHooks {
  /** Receives stdout as bytes; without it stdout is collected as text and returned. */
  readonly onStdout?: (chunk: Buffer) => void;
  readonly onStderrLine?: (line: string) => void;
}

/**
 * Runs a tool with an argument array (no shell). Rejects on a non-zero exit, with the last lines
 * of its stderr, or when a hook throws (the tool is then stopped).
 */
function run(command: string, args: readonly string[], hooks: RunHooks = {}): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const tail: string[] = [];
    let partial = '';
    let failure: unknown;
    const guard = (work: () => void) => {
      if (failure !== undefined) return;
      try {
        work();
      } catch (error) {
        failure = error;
        child.kill('SIGKILL');
      }
    };
    const onLine = (line: string) => {
      if (hooks.onStderrLine) guard(() => hooks.onStderrLine?.(line));
      if (!/\bn:\s*\d+\s+pts:/.test(line)) {
        tail.push(line);
        if (tail.length > 12) tail.shift();
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (hooks.onStdout) guard(() => hooks.onStdout?.(chunk));
      else stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      const lines = (partial + text).split(/\r?\n|\r/);
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (partial !== '') onLine(partial);
      if (failure !== undefined) reject(failure);
      else if (code !== 0) {
        reject(new Error(`${command} failed (exit ${code}): ${tail.join('\n').trim()}\n${args.join(' ')}`));
      } else resolve({ stdout: Buffer.concat(stdout).toString('utf8') });
    });
  });
}
