// npm run bench: how fast auto-vid renders and how much memory node holds while it does, against
// bare ffmpeg given the very same arguments. Prints one table; each figure is one measured run.
//
//   npm run bench              all scenarios (30 s and 3 min 1080p30 inputs; about 15 minutes here)
//   npm run bench -- --quick   the 30 s scenarios only
//
// Each auto-vid run happens in a fresh node process so its peak RSS is its own.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseJobSpec } from '@auto-vid/shared';
import { ffmpegBinary, probeMedia } from '../src/processor/render/ffmpeg.ts';
import { buildFfmpegArgs, buildRenderPlan, type PreparedAudio } from '../src/processor/render/plan.ts';
import { renderJob } from '../src/processor/render-job.ts';
import type { SpeechSynthesizer } from '../src/processor/speech/speech-synthesizer.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const mediaDir = join(root, '.bench');

interface Scenario {
  readonly name: string;
  readonly seconds: number;
  /** Timeline clips (sound effects every few seconds, half of them ducking the music). */
  readonly events: number;
  readonly reencode: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'fast path, 30 s', seconds: 30, events: 10, reencode: false },
  { name: 'fast path, 30 s, 300 events', seconds: 30, events: 300, reencode: false },
  { name: 're-encode, 30 s', seconds: 30, events: 10, reencode: true },
  { name: 'fast path, 3 min', seconds: 180, events: 10, reencode: false },
  { name: 'fast path, 3 min, 300 events', seconds: 180, events: 300, reencode: false },
  { name: 're-encode, 3 min', seconds: 180, events: 10, reencode: true },
];

function ffmpeg(args: string[]): void {
  const result = spawnSync(ffmpegBinary(), ['-v', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`ffmpeg failed making bench media: ${args.join(' ')}`);
}

/** Inputs made once and kept in .bench/: a 1080p30 H.264 camera-like file, music, an effect. */
function ensureMedia(seconds: number): { video: string; music: string; effect: string } {
  mkdirSync(mediaDir, { recursive: true });
  const video = join(mediaDir, `video-1080p30-${seconds}s.mp4`);
  const music = join(mediaDir, 'music-60s-v2.m4a');
  const effect = join(mediaDir, 'effect-1s-v2.wav');
  if (!existsSync(video)) {
    process.stderr.write(`making ${video} …\n`);
    const partial = `${video}.partial.mp4`;
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080:rate=30'],
      ...['-f', 'lavfi', '-i', 'sine=f=300:r=48000'],
      ...['-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-g', '60'],
      ...['-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', partial],
    ]);
    renameSync(partial, video);
  }
  // Pure tones are a pathological case for the AAC encoder (it searches far longer on them than on
  // music), so the bench's music and effect are noise-rich, like real recordings.
  if (!existsSync(music)) {
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'anoisesrc=color=pink:r=48000:a=0.2:seed=7'],
      ...['-f', 'lavfi', '-i', 'sine=f=220:r=48000', '-f', 'lavfi', '-i', 'sine=f=277:r=48000'],
      ...[
        '-filter_complex',
        '[0][1]amerge=inputs=2,pan=stereo|c0=c0+0.5*c1|c1=0.5*c0+c1[l];[l][2]amix=inputs=2',
      ],
      ...['-t', '60', '-c:a', 'aac', '-b:a', '192k', music],
    ]);
  }
  if (!existsSync(effect)) {
    ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=color=white:r=48000:a=0.3:seed=3:d=1', '-ac', '2', effect]);
  }
  return { video, music, effect };
}

function buildSpec(scenario: Scenario, media: { video: string; music: string; effect: string }) {
  const spacing = (scenario.seconds - 1) / scenario.events;
  return parseJobSpec({
    assets: {
      video: { id: 'video', source: media.video },
      audio: [
        { id: 'music', source: media.music },
        { id: 'effect', source: media.effect },
      ],
    },
    backgroundMusic: { playlist: ['music'], loop: true, volume: 0.4, crossfadeDuration: 2 },
    timeline: Array.from({ length: scenario.events }, (_, i) => ({
      start: Math.round(i * spacing * 1000) / 1000,
      type: 'audio' as const,
      data: { assetId: 'effect', volume: 0.8, ...(i % 2 === 0 ? { duckingLevel: 0.3 } : {}) },
    })),
    output: {
      filename: 'bench.mp4',
      ...(scenario.reencode ? { encoding: { preset: 'veryfast', bitrate: '8M' } } : {}),
    },
  });
}

const noSpeech: SpeechSynthesizer = {
  name: 'none',
  synthesize: () => Promise.reject(new Error('the bench has no narration')),
};

/** Child mode: one auto-vid render in this process; prints seconds and peak RSS as JSON. */
async function runChild(index: number): Promise<void> {
  const scenario = SCENARIOS[index] as Scenario;
  const spec = buildSpec(scenario, ensureMedia(scenario.seconds));
  const out = mkdtempSync(join(tmpdir(), 'auto-vid-bench-out-'));
  const started = performance.now();
  const result = await renderJob(spec, { speech: noSpeech, localMode: true, outputDirectory: out });
  const seconds = (performance.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `${JSON.stringify({ seconds, peakRssMb, copiedVideo: result.copiedVideo, duration: result.duration })}\n`,
  );
}

/** Bare ffmpeg: the same plan, the same arguments, spawned directly and timed. */
async function timeBareFfmpeg(scenario: Scenario): Promise<number> {
  const media = ensureMedia(scenario.seconds);
  const spec = buildSpec(scenario, media);
  const work = mkdtempSync(join(tmpdir(), 'auto-vid-bench-bare-'));
  try {
    const probe = await probeMedia(media.video, 'bench video', 'video');
    const music = await probeMedia(media.music, 'bench music', 'audio');
    const effect = await probeMedia(media.effect, 'bench effect', 'audio');
    const audioAssets = new Map<string, PreparedAudio>([
      ['music', { path: media.music, duration: music.duration, demuxer: music.demuxer }],
      ['effect', { path: media.effect, duration: effect.duration, demuxer: effect.demuxer }],
    ]);
    const plan = buildRenderPlan({
      spec,
      video: { path: media.video, probe },
      audioAssets,
      speech: new Map(),
      outputPath: join(work, 'bare.mp4'),
    });
    const script = join(work, 'filtergraph.txt');
    writeFileSync(script, plan.filterGraph);
    const args = [
      '-hide_banner',
      '-nostdin',
      '-nostats',
      '-loglevel',
      'error',
      ...buildFfmpegArgs(plan, script),
    ];
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(ffmpegBinary(), args, { stdio: ['ignore', 'ignore', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bare ffmpeg exited ${code}`))));
    });
    return (performance.now() - started) / 1000;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function timeAutoVid(index: number): Promise<{ seconds: number; peakRssMb: number; copiedVideo: boolean }> {
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

  const quick = process.argv.includes('--quick');
  const chosen = SCENARIOS.filter((s) => !quick || s.seconds <= 30);
  for (const seconds of new Set(chosen.map((s) => s.seconds))) ensureMedia(seconds);

  const rows: string[][] = [];
  const timings = new Map<string, number>();
  for (const scenario of chosen) {
    process.stderr.write(`running: ${scenario.name} …\n`);
    const bare = await timeBareFfmpeg(scenario);
    const ours = await timeAutoVid(SCENARIOS.indexOf(scenario));
    timings.set(scenario.name, ours.seconds);
    rows.push([
      scenario.name,
      ours.copiedVideo ? 'copy' : 'libx264',
      ours.seconds.toFixed(2),
      `${(scenario.seconds / ours.seconds).toFixed(1)}x`,
      `${ours.peakRssMb.toFixed(0)} MB`,
      bare.toFixed(2),
      (ours.seconds / bare).toFixed(3),
    ]);
  }

  const header = [
    'scenario',
    'video',
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
    `auto-vid bench: ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}\n\n`,
  );
  process.stdout.write(`${line(header)}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  for (const seconds of new Set(chosen.map((s) => s.seconds))) {
    const label = seconds >= 60 ? `${seconds / 60} min` : `${seconds} s`;
    const few = timings.get(`fast path, ${label}`);
    const many = timings.get(`fast path, ${label}, 300 events`);
    if (few && many) {
      process.stdout.write(`\n300 events vs 10 events (${label}): ${(many / few).toFixed(2)}x the time`);
    }
  }
  process.stdout.write('\n');
}

await main();
