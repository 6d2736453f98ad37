// npm run bench: how fast auto-vid renders and how much memory node holds while it does, against
// bare ffmpeg given the very same arguments. Prints one table.
//
//   npm run bench                  every row (about 19 minutes here, 9 of them the chunked row's,
//                                  once the media is made)
//   npm run bench -- --quick       the rows of 60 s and less
//   npm run bench -- --only <text> the rows whose name contains <text>, e.g. "re-encode", "old" or
//                                  "chunked" (repeat --only for several)
//
// Each auto-vid run happens in a fresh node process so its peak RSS is its own. Rows with several
// runs alternate auto-vid and bare ffmpeg and show medians. Run it under `taskset -c 0` to see one
// core: ffmpeg, x264 and node all read the affinity mask.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobSpec } from '@auto-vid/shared';
import { DEFAULT_MEDIA_LIMITS } from '../src/policy/media-limits.ts';
import {
  DEFAULT_FONTS_DIRECTORY,
  type HeardNarration,
  writeCaptions,
} from '../src/processor/captions/write-captions.ts';
import { planDeliverables } from '../src/processor/deliverables/deliverables-plan.ts';
import { hlsPackageArgs } from '../src/processor/deliverables/hls-package.ts';
import { ffmpegBinary, probeMedia } from '../src/processor/render/ffmpeg.ts';
import { prepareAudio } from '../src/processor/render/gather-media.ts';
import { parseEbur128Summary } from '../src/processor/render/loudness.ts';
import { buildLevellingArgs, levellingGainDb } from '../src/processor/render/plan/levelling.ts';
import { buildFfmpegArgs, buildRenderPlan, type PreparedAudio } from '../src/processor/render/plan.ts';
import { renderJob } from '../src/processor/render-job.ts';
import { benchChunked, CHUNKED_ROW, chunkedRowChosen, runChunkedChild } from './bench/chunked.ts';
import { cachedNarration, ensureMedia, ensureNarration } from './bench/media.ts';
import { buildSpec, SCENARIOS, type Scenario } from './bench/scenarios.ts';
import { median } from './bench/stats.ts';

interface ChildResult {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly copiedVideo: boolean;
  /** The output's video packets are byte for byte the source's. */
  readonly samePackets: boolean;
}

/** MD5 of a file's video packets (not their timestamps), as `ffmpeg -c copy -f md5` prints it. */
function videoPacketsMd5(path: string): string {
  const result = spawnSync(
    ffmpegBinary(),
    ['-v', 'error', '-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'md5', '-'],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not read the video packets of ${path}`);
  return result.stdout.trim();
}

/** Child mode: one auto-vid render in this process; prints what it measured as JSON. */
async function runChild(index: number): Promise<void> {
  const scenario = SCENARIOS[index] as Scenario;
  const media = ensureMedia(scenario.source);
  const speech = cachedNarration(scenario.narration > 0 ? await ensureNarration() : []);
  const spec = buildSpec(scenario, media);
  const out = mkdtempSync(join(tmpdir(), 'auto-vid-bench-out-'));
  try {
    const started = performance.now();
    const result = await renderJob(spec, { speech, localMode: true, outputDirectory: out });
    const seconds = (performance.now() - started) / 1000;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const samePackets = videoPacketsMd5(result.localPath) === videoPacketsMd5(media.video);
    const measured: ChildResult = { seconds, peakRssMb, copiedVideo: result.copiedVideo, samePackets };
    process.stdout.write(`${JSON.stringify(measured)}\n`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const prepared = (path: string, label: string) => prepareAudio(path, label, DEFAULT_MEDIA_LIMITS);

/** Bare ffmpeg: the same plan, the same arguments, spawned directly and timed. */
async function timeBareFfmpeg(scenario: Scenario): Promise<number> {
  const media = ensureMedia(scenario.source);
  const narration = scenario.narration > 0 ? await ensureNarration() : [];
  const spec = buildSpec(scenario, media);
  const work = mkdtempSync(join(tmpdir(), 'auto-vid-bench-bare-'));
  try {
    const probe = await probeMedia(media.video, 'bench video', 'video');
    const audioAssets = new Map<string, PreparedAudio>([
      ['music', await prepared(media.music, 'bench music')],
      ['effect', await prepared(media.effect, 'bench effect')],
    ]);
    // The narration as the render has it (sentence-timed when the row asks for captions), and the
    // caption files the render writes: made before the clock starts, as auto-vid's are not timed either.
    const speech = new Map<number, PreparedAudio>();
    const narrations: HeardNarration[] = [];
    const cache = cachedNarration(narration);
    for (const [index, event] of spec.timeline.entries()) {
      if (event.type !== 'tts') continue;
      const spoken = await cache.synthesize(
        { ...event.data, timing: spec.output.captions !== undefined },
        work,
      );
      const audio = await prepared(spoken.path, 'bench narration');
      speech.set(index, audio);
      if (spoken.timing)
        narrations.push({ timelineIndex: index, seconds: audio.duration, timing: spoken.timing });
    }
    const video = probe.video ?? { width: 0, height: 0 };
    const captions = await writeCaptions({
      spec,
      narrations,
      video: { width: video.width, height: video.height, duration: probe.duration },
      directory: work,
      baseName: 'bare',
      fontsDirectory: DEFAULT_FONTS_DIRECTORY,
    });
    const plan = buildRenderPlan({
      spec,
      video: { path: media.video, probe },
      audioAssets,
      speech,
      outputPath: join(work, 'bare.mp4'),
      workDirectory: work,
      ...(captions ? { captions } : {}),
    });
    const script = join(work, 'filtergraph.txt');
    writeFileSync(script, plan.filterGraph);
    const started = performance.now();
    const log = await spawnFfmpeg(buildFfmpegArgs(plan, script), plan.levelling !== undefined);
    if (plan.levelling) {
      // The two runs of a loudness target, without the corrections a limited mix may need.
      const measured = parseEbur128Summary(log.split('\n'));
      const gain = levellingGainDb(plan.levelling.target, measured?.integrated ?? null);
      await spawnFfmpeg(buildLevellingArgs(plan.levelling, gain, false), false);
    }
    let seconds = (performance.now() - started) / 1000;
    if (spec.output.hls) seconds += await timeBareDeliverables(spec, join(work, 'bare.mp4'), work);
    return seconds;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The deliverables' ffmpeg runs as the renderer plans them (the encodes, then the stream-copy
 * segmenting), spawned directly and timed; the probes and the master playlist left out.
 */
async function timeBareDeliverables(spec: JobSpec, mp4: string, work: string): Promise<number> {
  const probe = await probeMedia(mp4, 'bench output', 'video');
  const video = probe.video ?? { width: 0, height: 0, frameRate: 30 };
  const source = { path: mp4, ...video, duration: probe.duration, hasAudio: probe.hasAudio };
  const plan = planDeliverables(spec.output, source, work, 'bare');
  if (!plan) return 0;
  const started = performance.now();
  if (plan.outputArgs.length > 0) {
    const script = join(work, 'deliverables.txt');
    writeFileSync(script, plan.filterGraph);
    await spawnFfmpeg(['-i', mp4, '-filter_complex_script', script, ...plan.outputArgs], false);
  }
  if (plan.hls) {
    mkdirSync(plan.hls.directory, { recursive: true });
    await spawnFfmpeg(hlsPackageArgs(plan.hls), false);
  }
  return (performance.now() - started) / 1000;
}

/** Runs ffmpeg; returns its log at level info when `info`, else shows its errors. */
function spawnFfmpeg(args: readonly string[], info: boolean): Promise<string> {
  const logLevel = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', info ? 'info' : 'error'];
  return new Promise<string>((resolve, reject) => {
    const child = spawn(ffmpegBinary(), [...logLevel, ...args], {
      stdio: ['ignore', 'ignore', info ? 'pipe' : 'inherit'],
    });
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(log) : reject(new Error(`bare ffmpeg exited ${code}`))));
  });
}

function timeAutoVid(index: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', String(index)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'))
        : reject(new Error(`bench child exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const childIndex = process.argv.indexOf('--child');
  if (childIndex !== -1) return runChild(Number(process.argv[childIndex + 1]));
  const chunkedChild = process.argv.indexOf('--chunked-child');
  if (chunkedChild !== -1) {
    const [workers, chunkSeconds] = process.argv.slice(chunkedChild + 1).map(Number);
    return runChunkedChild(workers ?? 0, chunkSeconds ?? 0);
  }

  const quick = process.argv.includes('--quick');
  const only = process.argv.flatMap((arg, i) => (arg === '--only' ? [process.argv[i + 1] ?? ''] : []));
  const chosen = SCENARIOS.filter(
    (s) =>
      (!quick || s.source.seconds <= 60) && (only.length === 0 || only.some((text) => s.name.includes(text))),
  );
  // The chunked row (scripts/bench/chunked.ts) times the whole local stack, in children of its own:
  // it runs last, its rows in the table, its marks (split, chunks, join, AWS) under it.
  const chunked = chunkedRowChosen(quick, only);
  if (chosen.length === 0 && !chunked) throw new Error(`no bench row matches ${only.join(' or ')}`);
  for (const scenario of chosen) ensureMedia(scenario.source);
  if (chosen.some((scenario) => scenario.narration > 0)) await ensureNarration();

  const rows: string[][] = [];
  const timings = new Map<string, number>();
  for (const scenario of chosen) {
    process.stderr.write(`running: ${scenario.name} …\n`);
    const bare: number[] = [];
    const ours: ChildResult[] = [];
    for (let run = 0; run < scenario.runs; run += 1) {
      bare.push(await timeBareFfmpeg(scenario));
      ours.push(await timeAutoVid(SCENARIOS.indexOf(scenario)));
    }
    const seconds = median(ours.map((r) => r.seconds));
    const bareSeconds = median(bare);
    timings.set(scenario.name, seconds);
    rows.push([
      scenario.name,
      ours.every((r) => r.copiedVideo) ? 'copy' : ours.some((r) => r.copiedVideo) ? 'mixed' : 'libx264',
      ours.every((r) => r.samePackets) ? 'same' : ours.some((r) => r.samePackets) ? 'mixed' : 'new',
      String(scenario.runs),
      seconds.toFixed(2),
      `${(scenario.source.seconds / seconds).toFixed(1)}x`,
      `${Math.max(...ours.map((r) => r.peakRssMb)).toFixed(0)} MB`,
      bareSeconds.toFixed(2),
      (seconds / bareSeconds).toFixed(3),
    ]);
  }

  let chunkedNotes: string[] = [];
  if (chunked) {
    process.stderr.write(`running: ${CHUNKED_ROW} …\n`);
    const measured = await benchChunked(fileURLToPath(import.meta.url));
    rows.push(...measured.rows);
    chunkedNotes = measured.notes;
  }

  const header = [
    'scenario',
    'video',
    'packets',
    'runs',
    'seconds',
    'x realtime',
    'peak RSS (node)',
    'bare ffmpeg s',
    'ratio to bare',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    `auto-vid bench: ${availableParallelism()} of ${cpus().length} cores (${cpu}), ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ffmpeg ${ffmpegVersion()}\n\n`,
  );
  process.stdout.write(`${line(header)}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  for (const label of ['30 s', '3 min']) {
    const few = timings.get(`fast path, ${label}`);
    const many = timings.get(`fast path, ${label}, 300 events`);
    if (few && many) {
      process.stdout.write(`\n300 events vs 10 events (${label}): ${(many / few).toFixed(2)}x the time`);
    }
  }
  const spoken = timings.get('fast path, 3 min, narration');
  const captioned = timings.get('fast path, 3 min, narration, captions');
  if (spoken && captioned) {
    const extra = captioned - spoken;
    process.stdout.write(
      `\ncaptions (3 min, VTT + SRT + track): ${signed(extra)} s, ${((100 * extra) / spoken).toFixed(1)}% over the same job without them`,
    );
  }
  const plain = timings.get('fast path, 3 min');
  const hlsSource = timings.get('fast path, 3 min, HLS source');
  if (plain && hlsSource) {
    process.stdout.write(
      `\nHLS, source only (3 min): ${(hlsSource / plain).toFixed(2)}x the fast path without it (${signed(hlsSource - plain)} s)`,
    );
  }
  const with720 = timings.get('fast path, 3 min, HLS source + 720p');
  const with360 = timings.get('fast path, 3 min, HLS source + 720p + 360p');
  if (hlsSource && with720)
    process.stdout.write(`\nHLS 720p rendition (3 min): ${signed(with720 - hlsSource)} s`);
  if (with720 && with360)
    process.stdout.write(`\nHLS 360p rendition (3 min): ${signed(with360 - with720)} s`);
  const levelled = timings.get('fast path, 3 min, loudness target');
  if (plain && levelled) {
    const extra = levelled - plain;
    process.stdout.write(
      `\nloudness target (3 min): ${signed(extra)} s, ${((100 * extra) / plain).toFixed(1)}% over the same job without one`,
    );
  }
  for (const note of chunkedNotes) process.stdout.write(`\n${note}`);
  process.stdout.write('\n');
}

/** Seconds with their sign, 2 decimals: "+0.22", "-0.08". */
function signed(seconds: number): string {
  return `${seconds >= 0 ? '+' : ''}${seconds.toFixed(2)}`;
}

function ffmpegVersion(): string {
  const result = spawnSync(ffmpegBinary(), ['-version'], { encoding: 'utf8' });
  return /ffmpeg version (\S+)/.exec(result.stdout ?? '')?.[1] ?? 'unknown';
}

await main();
