import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { ffprobeBinary, runFfmpeg } from '../render/ffmpeg.ts';
import { forcedInputOptions } from '../render/media-formats.ts';
import { formatNumber } from '../render/plan/filter-number.ts';
import type { PlannedHls } from './deliverables-plan.ts';

/** The master playlist's file name, in the package's folder. */
export const MASTER_PLAYLIST = 'master.m3u8';
/** The shared audio rendition's name: its playlist is `audio.m3u8`. */
export const AUDIO_RENDITION = 'audio';

/** What one variant's segments weigh: what a master playlist states of it. */
export interface VariantMeasure {
  /** Bits per second of its heaviest segment. */
  readonly peakBitsPerSecond: number;
  /** Bits per second over all its segments. */
  readonly averageBitsPerSecond: number;
  /** Seconds, the segments' durations summed. */
  readonly duration: number;
  readonly segmentCount: number;
}

/** A variant of the package as made. */
export interface HlsVariant extends VariantMeasure {
  readonly name: string;
  readonly source: boolean;
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  /** RFC 6381 codecs of the video and, when there is one, the shared audio: `avc1.64001f,mp4a.40.2`. */
  readonly codecs: string;
  /** The master playlist's BANDWIDTH and AVERAGE-BANDWIDTH: the video's with the audio's added. */
  readonly bandwidth: number;
  readonly averageBandwidth: number;
}

export interface HlsPackage {
  readonly directory: string;
  readonly segmentSeconds: number;
  readonly variants: readonly HlsVariant[];
  readonly audio?: VariantMeasure & { readonly codecs: string; readonly channels: number };
  /** Every file of the package, names relative to its folder, the master playlist among them. */
  readonly files: readonly string[];
}

const runFile = promisify(execFile);

/**
 * The one ffmpeg run that segments the package: each variant's video copied from its MP4 (the
 * main one for `source`, an encode otherwise) and the audio once, into fMP4 segments of about
 * `segmentSeconds`; a segment starts on a keyframe, so the copied source follows its own GOP.
 */
export function hlsPackageArgs(plan: PlannedHls): string[] {
  const inputs = [
    ...new Set([
      ...plan.variants.map((variant) => variant.from),
      ...(plan.audioFrom ? [plan.audioFrom] : []),
    ]),
  ];
  const args = inputs.flatMap((path) => [...forcedInputOptions('mov'), '-i', path]);
  const segmenter = (name: string, independent: boolean) => [
    '-c',
    'copy',
    '-f',
    'hls',
    '-hls_time',
    formatNumber(plan.segmentSeconds),
    '-hls_playlist_type',
    'vod',
    '-hls_segment_type',
    'fmp4',
    ...(independent ? ['-hls_flags', 'independent_segments'] : []),
    '-hls_fmp4_init_filename',
    `${name}_init.mp4`,
    '-hls_segment_filename',
    join(plan.directory, `${name}_%05d.m4s`),
    '-y',
    join(plan.directory, `${name}.m3u8`),
  ];
  for (const variant of plan.variants) {
    args.push('-map', `${inputs.indexOf(variant.from)}:v:0`, ...segmenter(variant.name, true));
  }
  if (plan.audioFrom) {
    args.push('-map', `${inputs.indexOf(plan.audioFrom)}:a:0`, ...segmenter(AUDIO_RENDITION, false));
  }
  return args;
}

/** Segments the package and writes its master playlist; what it made, measured. */
export async function packageHls(
  plan: PlannedHls,
  run: { readonly duration: number; readonly signal?: AbortSignal; readonly deadlineAt?: number },
): Promise<HlsPackage> {
  await mkdir(plan.directory, { recursive: true });
  await runFfmpeg(hlsPackageArgs(plan), run);
  // Each MP4 probed once: the main one gives the source variant and the audio.
  const probes = new Map<string, Promise<FileStreams>>();
  const streamsOf = (path: string) => {
    const probe = probes.get(path) ?? probeStreams(path);
    probes.set(path, probe);
    return probe;
  };
  const audio = plan.audioFrom ? await describeAudio(plan, await streamsOf(plan.audioFrom)) : undefined;
  const variants = await Promise.all(
    plan.variants.map(async (variant): Promise<HlsVariant> => {
      const measure = await measureVariant(plan.directory, variant.name);
      const facts = (await streamsOf(variant.from)).video;
      const codecs = [avcCodec(facts), ...(audio ? [audio.codecs] : [])].join(',');
      return {
        name: variant.name,
        source: variant.source,
        width: variant.width,
        height: variant.height,
        frameRate: facts.frameRate,
        codecs,
        ...measure,
        bandwidth: measure.peakBitsPerSecond + (audio?.peakBitsPerSecond ?? 0),
        averageBandwidth: measure.averageBitsPerSecond + (audio?.averageBitsPerSecond ?? 0),
      };
    }),
  );
  await writeFile(join(plan.directory, MASTER_PLAYLIST), formatMasterPlaylist(variants, audio), 'utf8');
  const files = (await readdir(plan.directory)).sort();
  return {
    directory: plan.directory,
    segmentSeconds: plan.segmentSeconds,
    variants,
    ...(audio ? { audio } : {}),
    files,
  };
}

async function describeAudio(
  plan: PlannedHls,
  streams: FileStreams,
): Promise<NonNullable<HlsPackage['audio']>> {
  const facts = streams.audio ?? { profile: '', level: 0, channels: 2, frameRate: 0 };
  const measure = await measureVariant(plan.directory, AUDIO_RENDITION);
  return { ...measure, codecs: aacCodec(facts.profile), channels: facts.channels };
}

/**
 * The master playlist: the shared audio as one rendition group, then each variant in the spec's
 * order (players start with the first) with the figures players choose by.
 */
export function formatMasterPlaylist(
  variants: readonly HlsVariant[],
  audio: HlsPackage['audio'] | undefined,
): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  if (audio) {
    lines.push(
      `#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="${audio.channels}",URI="${AUDIO_RENDITION}.m3u8"`,
    );
  }
  for (const variant of variants) {
    const attributes = [
      `BANDWIDTH=${variant.bandwidth}`,
      `AVERAGE-BANDWIDTH=${variant.averageBandwidth}`,
      `RESOLUTION=${variant.width}x${variant.height}`,
      `CODECS="${variant.codecs}"`,
      `FRAME-RATE=${variant.frameRate.toFixed(3)}`,
      ...(audio ? ['AUDIO="audio"'] : []),
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, `${variant.name}.m3u8`);
  }
  return `${lines.join('\n')}\n`;
}

/** A media playlist's segments: each `#EXTINF` duration and the URI on the line after it. */
export function readMediaPlaylist(text: string): { readonly duration: number; readonly uri: string }[] {
  const segments: { duration: number; uri: string }[] = [];
  let duration: number | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) duration = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (line && !line.startsWith('#') && duration !== undefined) {
      segments.push({ duration, uri: line });
      duration = undefined;
    }
  }
  return segments;
}

async function measureVariant(directory: string, name: string): Promise<VariantMeasure> {
  const segments = readMediaPlaylist(await readFile(join(directory, `${name}.m3u8`), 'utf8'));
  const sized = await Promise.all(
    segments.map(async (segment) => ({ ...segment, bytes: (await stat(join(directory, segment.uri))).size })),
  );
  const duration = sized.reduce((sum, s) => sum + s.duration, 0);
  const bytes = sized.reduce((sum, s) => sum + s.bytes, 0);
  const peak = Math.max(0, ...sized.map((s) => (s.duration > 0 ? (s.bytes * 8) / s.duration : 0)));
  return {
    peakBitsPerSecond: Math.ceil(peak),
    averageBitsPerSecond: duration > 0 ? Math.ceil((bytes * 8) / duration) : 0,
    duration: Math.round(duration * 1000) / 1000,
    segmentCount: sized.length,
  };
}

const streamFacts = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string(),
        profile: z.string().optional(),
        level: z.coerce.number().optional(),
        channels: z.coerce.number().optional(),
        avg_frame_rate: z.string().optional(),
      }),
    )
    .min(1),
});

interface StreamFacts {
  readonly profile: string;
  readonly level: number;
  readonly channels: number;
  readonly frameRate: number;
}

/** The first video and audio stream of a file ffmpeg made. */
interface FileStreams {
  readonly video: StreamFacts;
  readonly audio?: StreamFacts;
}

/** The codec profile, level, channels and frame rate of a file's first video and audio streams, in one ffprobe run. */
async function probeStreams(path: string): Promise<FileStreams> {
  const { stdout } = await runFile(ffprobeBinary(), [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_type,profile,level,channels,avg_frame_rate',
    '-of',
    'json',
    ...forcedInputOptions('mov'),
    path,
  ]);
  const { streams } = streamFacts.parse(JSON.parse(stdout));
  const factsOf = (type: string): StreamFacts | undefined => {
    const facts = streams.find((stream) => stream.codec_type === type);
    if (!facts) return undefined;
    const [num, den] = (facts.avg_frame_rate ?? '0/1').split('/').map(Number);
    return {
      profile: facts.profile ?? '',
      level: facts.level ?? 0,
      channels: facts.channels ?? 2,
      frameRate: num && den ? num / den : 0,
    };
  };
  const video = factsOf('video');
  if (!video) throw new Error(`${path} has no video stream to package`);
  const audio = factsOf('audio');
  return audio ? { video, audio } : { video };
}

/** H.264's profile_idc and constraint flags by ffprobe's profile name, as RFC 6381 writes them. */
const AVC_PROFILES: Readonly<Record<string, string>> = {
  'Constrained Baseline': '42e0',
  Baseline: '4200',
  Main: '4d40',
  High: '6400',
};

/** `avc1.PPCCLL`: profile, constraint flags and level in hex. */
export function avcCodec(facts: Pick<StreamFacts, 'profile' | 'level'>): string {
  const profile = AVC_PROFILES[facts.profile] ?? AVC_PROFILES.High;
  return `avc1.${profile}${Math.max(0, facts.level).toString(16).padStart(2, '0')}`;
}

/** `mp4a.40.<audio object type>`: 2 for AAC-LC, 5 for HE-AAC, 29 for HE-AAC v2. */
export function aacCodec(profile: string): string {
  const objectType = profile === 'HE-AACv2' ? 29 : profile === 'HE-AAC' ? 5 : 2;
  return `mp4a.40.${objectType}`;
}
