// The chunked row: one 2-minute 1080p re-encode (preset medium, crf 23) through the whole local
// stack, `auto-vid dev` in a fresh node process (the real handlers on dynalite, s3rver and the
// local queues): once in one run (chunking off) and once split on the source's keyframes into
// chunks that local chunk encoders share, against bare ffmpeg with the same encoder settings.
//
// The input is the tests' frame-coded video (every frame shows its index), so each chunked output
// is read back frame by frame. The output goes to a local folder, so no copy of the result to and
// from the local S3 hides the encode; the split's own copies stay in the figure, as on AWS: the
// processor puts the 200 MB source into the local S3 once and every chunk encoder downloads it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startDevServer } from '../../src/local/dev-server/dev-server.ts';
import { ffmpegBinary, ffprobeBinary } from '../../src/processor/render/ffmpeg.ts';
import { perfectJoin, readFrameCodes, summarizeJoin } from '../../tests/support/frame-code.ts';
import { CODED_SOURCE, ensureCodedVideo } from './media.ts';
import { median } from './stats.ts';

/** The row's name, for `--only`: "chunked" matches it. */
export const CHUNKED_ROW = 'chunked, 2 min 1080p, medium';
/** Timed rounds, each bare ffmpeg, then the one-run job, then every chunked variant. */
const RUNS = 2;
const FRAMES = CODED_SOURCE.seconds * CODED_SOURCE.fps;
/** Two encoders at once, as many as this machine has cores. */
const WORKERS = 2;
/** Above the template's 300 s, so the 2-minute input is split at all. */
const THRESHOLD_SECONDS = 60;
/**
 * The chunk lengths timed. 60 s (two chunks, one wave of both encoders) is the row: here (2 cores,
 * 2 runs each) it took 93.1 s against 99.7 s for 30 s chunks (four chunks, two waves), whose second
 * wave downloads the source again and whose chunks ran 41 to 46 s each. Put 30 back in to time both.
 */
const CHUNK_SECONDS: readonly number[] = [60];
/** The template's defaults for the AWS projection: ChunkSeconds, ChunkConcurrency, the timeout. */
const AWS = { chunkSeconds: 60, concurrency: 10, timeoutSeconds: 900 } as const;
const POLL_MS = 250;
/** The log lines the row reads the split, the chunks and the join from. */
const WATCHED = new Set(['Re-encode split into chunks', 'Chunk encoded', 'Job failed']);

interface ChunkTiming {
  readonly index: number;
  readonly frames: number;
  readonly encodeSeconds: number;
  /** Seconds from the submit to its "Chunk encoded" line. */
  readonly encodedAt: number;
}

/** What a child measured: the wall from submit to `completed`, and the chunked path's marks. */
interface StackRun {
  readonly seconds: number;
  readonly peakRssMb: number;
  /** Seconds from the submit to "Re-encode split into chunks"; none for a job in one run. */
  readonly splitAt?: number;
  readonly chunks: readonly ChunkTiming[];
  readonly check?: OutputCheck;
}

interface OutputCheck {
  readonly frames: number;
  readonly duration: string;
  /** Every frame index 0 … FRAMES - 1 read back once, in order. */
  readonly perfectJoin: boolean;
  readonly held: boolean;
}

interface Cpu {
  /** Busy share of every core over the run, 100% a core. */
  readonly mean: number;
  /** The busiest second. */
  readonly peak: number;
}

type Measured = StackRun & { readonly cpu: Cpu };

/** Child mode: the local stack, one job submitted and polled to the end; prints a StackRun. */
export async function runChunkedChild(workers: number, chunkSeconds: number): Promise<void> {
  const source = await ensureCodedVideo();
  const dataDir = mkdtempSync(join(tmpdir(), 'auto-vid-bench-stack-'));
  const out = mkdtempSync(join(tmpdir(), 'auto-vid-bench-out-'));
  // The functions log through Powertools to this process's stdout: read there, never printed.
  const logs = watchStdout();
  try {
    const chunking =
      workers === 0 ? { workers: 0 } : { workers, thresholdSeconds: THRESHOLD_SECONDS, chunkSeconds };
    const stack = await startDevServer({
      dataDir,
      port: 0,
      log: () => {},
      chunking,
      // The template's usage plan (2/s, 50 a day) would refuse the polls within a minute.
      rate: 1e6,
      burst: 1e6,
      quota: 1e9,
    });
    let seconds: number;
    let started = 0;
    try {
      started = performance.now();
      const jobId = await submit(stack.url, stack.apiKey, source, out);
      await waitForCompletion(stack.url, stack.apiKey, jobId, logs.lines);
      seconds = (performance.now() - started) / 1000;
    } finally {
      await stack.close();
      logs.restore();
    }
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const since = (at: number) => (at - started) / 1000;
    const split = logs.lines.find((line) => line.fields.message === 'Re-encode split into chunks');
    const chunks = logs.lines
      .filter((line) => line.fields.message === 'Chunk encoded')
      .map((line) => ({
        index: Number(line.fields.chunk),
        frames: Number(line.fields.frames),
        encodeSeconds: Number(line.fields.encodeSeconds),
        encodedAt: since(line.at),
      }));
    const output = readdirSync(out).find((name) => name.endsWith('.mp4'));
    if (!output) throw new Error(`the job wrote no MP4 to ${out}`);
    const measured: StackRun = {
      seconds,
      peakRssMb,
      chunks,
      ...(split ? { splitAt: since(split.at), check: await checkOutput(join(out, output)) } : {}),
    };
    process.stdout.write(`${JSON.stringify(measured)}\n`);
  } finally {
    logs.restore();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}

interface LogLine {
  /** performance.now() when it was written. */
  readonly at: number;
  readonly fields: Record<string, unknown>;
}

/** Takes over process.stdout.write: the watched JSON lines kept with when they came, the rest dropped. */
function watchStdout(): { lines: LogLine[]; restore: () => void } {
  const stdout = process.stdout;
  const original = stdout.write;
  const lines: LogLine[] = [];
  let partial = '';
  stdout.write = ((chunk: string | Uint8Array) => {
    const at = performance.now();
    const text = partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.startsWith('{')) continue;
      try {
        const fields = JSON.parse(part) as Record<string, unknown>;
        if (WATCHED.has(String(fields.message))) lines.push({ at, fields });
      } catch {
        // Not a log line.
      }
    }
    return true;
  }) as typeof stdout.write;
  const restore = () => {
    stdout.write = original;
  };
  return { lines, restore };
}

async function submit(url: string, apiKey: string, source: string, destination: string): Promise<string> {
  const spec = {
    assets: { video: { id: 'video', source }, audio: [] },
    timeline: [],
    output: {
      filename: 'chunked',
      destination,
      encoding: { video: 'encode', preset: 'medium', crf: 23 },
    },
  };
  const response = await fetch(`${url}/submit`, {
    method: 'POST',
    headers: { 'X-API-Key': apiKey, 'Content-Type': 'application/json' },
    body: JSON.stringify(spec),
  });
  const json = (await response.json()) as { jobId?: string };
  if (!response.ok || !json.jobId)
    throw new Error(`POST /submit answered ${response.status}: ${JSON.stringify(json)}`);
  return json.jobId;
}

/** Polls GET /status every POLL_MS until the job is final; throws unless it completed. */
async function waitForCompletion(url: string, apiKey: string, jobId: string, logs: LogLine[]): Promise<void> {
  for (;;) {
    const response = await fetch(`${url}/status/${jobId}`, { headers: { 'X-API-Key': apiKey } });
    const view = (await response.json()) as { status?: string; error?: unknown };
    if (!response.ok) throw new Error(`GET /status answered ${response.status}: ${JSON.stringify(view)}`);
    if (view.status === 'completed') return;
    if (view.status === 'failed' || view.status === 'cancelled') {
      const failed = logs.find((line) => line.fields.message === 'Job failed');
      throw new Error(`the bench job ${view.status}: ${JSON.stringify(view.error ?? failed?.fields)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The joined output: its packet count (one per frame) and length, and every frame's code read back. */
async function checkOutput(path: string): Promise<OutputCheck> {
  const probe = spawnSync(
    ffprobeBinary(),
    [
      ...['-v', 'error', '-select_streams', 'v:0', '-count_packets'],
      ...['-show_entries', 'stream=nb_read_packets,duration', '-of', 'json', path],
    ],
    { encoding: 'utf8' },
  );
  const stream = (JSON.parse(probe.stdout || '{}').streams?.[0] ?? {}) as {
    nb_read_packets?: string;
    duration?: string;
  };
  const frames = Number(stream.nb_read_packets);
  const duration = Number(stream.duration).toFixed(3);
  const read = await readFrameCodes(path, { unreadable: 'mark' });
  const perfect = isDeepStrictEqual(summarizeJoin(read.codes, FRAMES), perfectJoin(FRAMES));
  const held = frames === FRAMES && duration === (FRAMES / CODED_SOURCE.fps).toFixed(3) && perfect;
  return { frames, duration, perfectJoin: perfect, held };
}

/** The stack's job in a fresh node process (the bench script in child mode), the CPU sampled meanwhile. */
function timeStack(script: string, workers: number, chunkSeconds: number): Promise<Measured> {
  const cpu = sampleCpu();
  return new Promise<Measured>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [script, '--chunked-child', String(workers), String(chunkSeconds)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const used = cpu.stop();
      if (code !== 0) return reject(new Error(`bench child (chunked) exited ${code}`));
      resolve({ ...(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as StackRun), cpu: used });
    });
  });
}

/** Bare ffmpeg: the same encoder settings on the same input, video only (the job's audio is copied). */
function timeBare(source: string): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'auto-vid-bench-bare-'));
  const started = performance.now();
  return new Promise<number>((resolve, reject) => {
    const child = spawn(
      ffmpegBinary(),
      [
        ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-i', source, '-map', '0:v:0'],
        ...['-c:v', 'libx264', '-preset', 'medium', '-crf', '23', '-fps_mode', 'passthrough'],
        ...['-pix_fmt', 'yuv420p', '-an', join(work, 'bare.mp4')],
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      rmSync(work, { recursive: true, force: true });
      if (code === 0) resolve(seconds);
      else reject(new Error(`bare ffmpeg exited ${code}`));
    });
  });
}

/** The machine's busy share from /proc/stat, every second until stopped (zeros where there is none). */
function sampleCpu(): { stop: () => Cpu } {
  const read = (): [busy: number, total: number] | undefined => {
    try {
      const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1);
      const ticks = fields.map(Number);
      const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
      const total = ticks.reduce((sum, value) => sum + value, 0);
      return [total - idle, total];
    } catch {
      return undefined;
    }
  };
  const cores = availableParallelism();
  const share = (from: [number, number], to: [number, number]) =>
    to[1] > from[1] ? (100 * cores * (to[0] - from[0])) / (to[1] - from[1]) : 0;
  const first = read();
  let last = first;
  let peak = 0;
  const timer = setInterval(() => {
    const now = read();
    if (last && now) peak = Math.max(peak, share(last, now));
    last = now;
  }, 1_000);
  return {
    stop: () => {
      clearInterval(timer);
      const end = read();
      return { mean: first && end ? share(first, end) : 0, peak };
    },
  };
}

/** A chunked run's marks: the split, the download before the first wave, the slowest chunk, the join. */
function phases(run: Measured) {
  const splitAt = run.splitAt ?? 0;
  const lastEncoded = Math.max(...run.chunks.map((chunk) => chunk.encodedAt));
  // The first wave starts as the chunks are queued: what its encoders spent before encoding is the
  // source's download (and the queue's hand-over).
  const firstWave = [...run.chunks].sort((a, b) => a.encodedAt - b.encodedAt).slice(0, WORKERS);
  const fetch = Math.min(...firstWave.map((chunk) => chunk.encodedAt - splitAt - chunk.encodeSeconds));
  const slowest = Math.max(...run.chunks.map((chunk) => chunk.encodeSeconds));
  const perChunkSecond = Math.max(
    ...run.chunks.map((chunk) => chunk.encodeSeconds / (chunk.frames / CODED_SOURCE.fps)),
  );
  const longest = Math.max(...run.chunks.map((chunk) => chunk.frames / CODED_SOURCE.fps));
  return { split: splitAt, fetch, slowest, longest, join: run.seconds - lastEncoded, perChunkSecond };
}

function describeCheck(check: OutputCheck | undefined): string {
  if (!check) return 'not split, not checked';
  const codes = check.perfectJoin ? 'codes a perfect join' : 'codes NOT a perfect join';
  return `${check.frames} frames, ${check.duration} s, ${codes}`;
}

/** Whether the row runs: not under --quick (its input is 2 minutes), and --only must name it. */
export function chunkedRowChosen(quick: boolean, only: readonly string[]): boolean {
  return !quick && (only.length === 0 || only.some((text) => CHUNKED_ROW.includes(text)));
}

/**
 * The row: RUNS rounds of bare ffmpeg, the one-run job and each chunked variant, in turn. Returns
 * the table's rows (its columns) and the lines printed under it.
 */
export async function benchChunked(script: string): Promise<{ rows: string[][]; notes: string[] }> {
  const source = await ensureCodedVideo();
  const bare: number[] = [];
  const single: Measured[] = [];
  const chunked = new Map<number, Measured[]>(CHUNK_SECONDS.map((seconds) => [seconds, []]));
  for (let run = 0; run < RUNS; run += 1) {
    bare.push(await timeBare(source));
    single.push(await timeStack(script, 0, 0));
    for (const [seconds, runs] of chunked) runs.push(await timeStack(script, WORKERS, seconds));
  }
  const bareSeconds = median(bare);
  const row = (name: string, runs: readonly Measured[]) => {
    const seconds = median(runs.map((r) => r.seconds));
    return [
      name,
      'libx264',
      'new',
      String(runs.length),
      seconds.toFixed(2),
      `${(CODED_SOURCE.seconds / seconds).toFixed(1)}x`,
      `${Math.max(...runs.map((r) => r.peakRssMb)).toFixed(0)} MB`,
      bareSeconds.toFixed(2),
      (seconds / bareSeconds).toFixed(3),
    ];
  };
  const rows = [row(`${CHUNKED_ROW}: one run (chunking off)`, single)];
  const singleSeconds = median(single.map((r) => r.seconds));
  const fmt = (seconds: number) => seconds.toFixed(1);
  const cpuOf = (runs: readonly Measured[]) =>
    `${median(runs.map((r) => r.cpu.mean)).toFixed(0)}% mean, ${Math.max(...runs.map((r) => r.cpu.peak)).toFixed(0)}% peak`;
  const notes = [
    `\n${CHUNKED_ROW} (frame-coded ${CODED_SOURCE.height}p${CODED_SOURCE.fps}, ${CODED_SOURCE.seconds} s, ` +
      `keyframe every ${CODED_SOURCE.gop} frames; ${WORKERS} local chunk encoders on ${availableParallelism()} cores; ` +
      `medians of ${RUNS}):`,
    `  one run ${fmt(singleSeconds)} s (CPU ${cpuOf(single)}), bare ffmpeg ${fmt(bareSeconds)} s`,
  ];
  for (const [chunkSeconds, runs] of chunked) {
    const count = median(runs.map((r) => r.chunks.length));
    const label = `${count} × ${chunkSeconds} s chunks, ${WORKERS} workers`;
    rows.push(row(`${CHUNKED_ROW}: ${label}`, runs));
    const seconds = median(runs.map((r) => r.seconds));
    const marks = runs.map(phases);
    const m = (pick: (p: ReturnType<typeof phases>) => number) => median(marks.map(pick));
    const checks = runs.map((r) => r.check);
    const held = checks.filter((check) => check?.held).length;
    notes.push(
      `  ${label}: ${fmt(seconds)} s, ${(seconds / singleSeconds).toFixed(2)}x the one run (CPU ${cpuOf(runs)})`,
      `    split (submit → "Re-encode split into chunks") ${fmt(m((p) => p.split))} s; source download before ` +
        `the first wave ${fmt(m((p) => p.fetch))} s; join (last "Chunk encoded" → completed) ${fmt(m((p) => p.join))} s`,
      ...runs.map(
        (r, i) =>
          `    run ${i + 1} chunk encodes (s): ${[...r.chunks]
            .sort((a, b) => a.index - b.index)
            .map((chunk) => `${chunk.index}: ${chunk.encodeSeconds.toFixed(1)}`)
            .join(', ')}`,
      ),
      `    output ${FRAMES} frames, ${(FRAMES / CODED_SOURCE.fps).toFixed(3)} s, codes 0..${FRAMES - 1} each ` +
        `once in order: ${held === runs.length ? 'held' : 'FAILED'} in ${held} of ${runs.length} runs` +
        (held === runs.length ? '' : ` (${checks.map(describeCheck).join('; ')})`),
    );
    notes.push(...projection(count, m, bareSeconds, singleSeconds));
  }
  return { rows, notes };
}

/**
 * Lambda's wall for a chunked job: the split, then each wave of at most `concurrency` encoders (the
 * source's download, then the slowest chunk), then the join. On AWS every chunk encoder is a Lambda
 * of the processor's size (3008 MB, about 1.7 vCPU: near this machine's 2 cores for one encode).
 *
 * Assumptions: the split, the download and the join grow in step with the input's length from the
 * 2-minute run here (the local S3 standing in for S3, the output written to a folder, so the
 * output's upload to S3 is not in it); a chunk takes the measured seconds per chunk-second of the
 * slowest chunk. Measured here two encoders shared two cores, about one core each, so this is
 * pessimistic for Lambda; the figure in brackets takes bare ffmpeg's rate (one encode with the
 * whole machine) instead. The one-run figure scales the one-run job here the same way.
 */
function projection(
  count: number,
  m: (pick: (p: ReturnType<typeof phases>) => number) => number,
  bareSeconds: number,
  singleSeconds: number,
): string[] {
  const measuredRate = m((p) => p.perChunkSecond);
  const bareRate = bareSeconds / CODED_SOURCE.seconds;
  const wall = (inputSeconds: number, chunkSeconds: number, concurrency: number, rate: number) => {
    const scale = inputSeconds / CODED_SOURCE.seconds;
    const chunks = Math.ceil(inputSeconds / chunkSeconds);
    const waves = Math.ceil(chunks / concurrency);
    return (
      scale * (m((p) => p.split) + m((p) => p.join)) +
      waves * (scale * m((p) => p.fetch) + rate * chunkSeconds)
    );
  };
  const around = m((p) => p.split) + m((p) => p.fetch) + m((p) => p.join);
  const lines = [
    `    AWS projection: a Lambda of the processor's size per encoder; chunks at the seconds per ` +
      `chunk-second measured here [in brackets: at bare ffmpeg's, one encode with ${availableParallelism()} cores]; ` +
      'split, download and join grown with the length',
    `    AWS, these ${count} chunks at once: split + download + slowest chunk + join ≈ ` +
      `${(around + m((p) => p.slowest)).toFixed(0)} s [${(around + bareRate * m((p) => p.longest)).toFixed(0)} s] ` +
      `against ${singleSeconds.toFixed(0)} s in one run`,
  ];
  for (const minutes of [10, 30]) {
    const input = minutes * 60;
    const chunks = Math.ceil(input / AWS.chunkSeconds);
    const one = singleSeconds * (input / CODED_SOURCE.seconds);
    lines.push(
      `    AWS, ${minutes} min 1080p, ChunkSeconds ${AWS.chunkSeconds}, ChunkConcurrency ${AWS.concurrency} ` +
        `(${chunks} chunks, ${plural(Math.ceil(chunks / AWS.concurrency), 'wave')}): ≈ ${wall(input, AWS.chunkSeconds, AWS.concurrency, measuredRate).toFixed(0)} s ` +
        `[${wall(input, AWS.chunkSeconds, AWS.concurrency, bareRate).toFixed(0)} s]; in one run ≈ ${one.toFixed(0)} s` +
        `${one > AWS.timeoutSeconds ? ` (past Lambda's ${AWS.timeoutSeconds} s)` : ''}`,
    );
  }
  return lines;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
