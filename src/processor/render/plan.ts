import type { JobSpec } from '@auto-vid/shared';
import { buildDuckingExpression, type DuckingRange } from './ducking-envelope.ts';
import { formatNumber } from './filter-number.ts';
import { schedulePlaylist } from './playlist.ts';
import type { MediaProbe } from './probe.ts';

export const SAMPLE_RATE = 48_000;
export const DEFAULT_AUDIO_BITRATE = '192k';
/** Peak ceiling of the limiter after the mix (about -0.2 dBFS). */
export const LIMITER_CEILING = 0.977;

/** A local file with its length in seconds. */
export interface PreparedAudio {
  readonly path: string;
  readonly duration: number;
}

export interface PlanInput {
  readonly spec: JobSpec;
  readonly video: { readonly path: string; readonly probe: MediaProbe };
  /** Downloaded audio assets by asset id. */
  readonly audioAssets: ReadonlyMap<string, PreparedAudio>;
  /** Synthesised speech by timeline index. */
  readonly speech: ReadonlyMap<number, PreparedAudio>;
  readonly outputPath: string;
}

export interface RenderPlan {
  /** Output duration in seconds: exactly the source video's. */
  readonly duration: number;
  /** True when the video stream is copied untouched. */
  readonly copiesVideo: boolean;
  readonly inputs: readonly string[];
  readonly filterGraph: string;
  readonly outputArgs: readonly string[];
}

const NORMALIZE_AUDIO = `aformat=sample_fmts=fltp:sample_rates=${SAMPLE_RATE}:channel_layouts=stereo`;

function delay(seconds: number): string {
  return `adelay=delays=${Math.round(seconds * SAMPLE_RATE)}S:all=1`;
}

/** The video stream can be copied when nothing asks for a re-encode and MP4 can hold it as it is. */
export function canCopyVideo(spec: JobSpec, probe: MediaProbe): boolean {
  const video = probe.video;
  if (spec.output.encoding !== undefined || !video) return false;
  const container = probe.formatName.split(',');
  return (
    video.codec === 'h264' &&
    (video.pixelFormat === 'yuv420p' || video.pixelFormat === 'yuvj420p') &&
    (container.includes('mp4') || container.includes('mov'))
  );
}

function videoCodecArgs(spec: JobSpec, copy: boolean, duration: number): string[] {
  if (copy) return ['-c:v', 'copy'];
  const encoding = spec.output.encoding;
  return [
    '-c:v',
    'libx264',
    '-preset',
    encoding?.preset ?? 'medium',
    ...(encoding?.bitrate ? ['-b:v', encoding.bitrate] : ['-crf', '20']),
    ...(encoding?.fps ? ['-r', formatNumber(encoding.fps)] : []),
    '-pix_fmt',
    'yuv420p',
    // A frame-rate change can round up to an extra frame or two past the source's end.
    '-t',
    formatNumber(duration),
  ];
}

/**
 * Spec + probed media → one ffmpeg run: inputs, one filtergraph, output options. Pure. Inputs are
 * referred to by index only, so no user string (id, text, path) ever reaches the filtergraph.
 */
export function buildRenderPlan(input: PlanInput): RenderPlan {
  const { spec, video } = input;
  const duration = video.probe.duration;
  const inputs: string[] = [video.path];
  const chains: string[] = [];
  const mixLabels: string[] = [];

  const addInput = (path: string): number => inputs.push(path) - 1;
  const cut = (start: number, length: number) =>
    start + length > duration ? `,atrim=end=${formatNumber(Math.max(0, duration - start))}` : '';

  // Background music: every play of a track is its own input, faded and delayed into place.
  const music = spec.backgroundMusic;
  if (music && music.playlist.length > 0 && music.volume > 0) {
    const tracks = music.playlist.map((id) => lookup(input.audioAssets, id, 'audio asset'));
    const plays = schedulePlaylist({
      trackDurations: tracks.map((t) => t.duration),
      loop: music.loop,
      crossfade: music.crossfadeDuration,
      until: duration,
    });
    const playLabels = plays.map((play, k) => {
      const track = tracks[play.playlistIndex] as PreparedAudio;
      const index = addInput(track.path);
      const fades = [
        play.fadeIn > 0 ? `afade=t=in:st=0:d=${formatNumber(play.fadeIn)}` : '',
        play.fadeOut > 0
          ? `afade=t=out:st=${formatNumber(track.duration - play.fadeOut)}:d=${formatNumber(play.fadeOut)}`
          : '',
      ].filter(Boolean);
      const label = `m${k}`;
      chains.push(
        `[${index}:a]${[NORMALIZE_AUDIO, `atrim=end=${formatNumber(play.length)}`, ...fades, delay(play.start)].join(',')}[${label}]`,
      );
      return `[${label}]`;
    });
    if (playLabels.length > 0) {
      const ducking = buildDuckingExpression(collectDuckingRanges(input, duration));
      const gain = ducking ? `${formatNumber(music.volume)}*${ducking}` : formatNumber(music.volume);
      const bed =
        playLabels.length === 1 ? `${playLabels[0]}anull` : `${playLabels.join('')}${mix(playLabels.length)}`;
      chains.push(`${bed},volume='${gain}':eval=frame[music]`);
      mixLabels.push('[music]');
    }
  }

  // Timed clips: narration and sound effects at their start and volume, cut at the video's end.
  spec.timeline.forEach((event, i) => {
    if (event.start >= duration || event.data.volume === 0) return;
    const clip = clipOf(input, i);
    const index = addInput(clip.path);
    const label = `e${i}`;
    chains.push(
      `[${index}:a]${NORMALIZE_AUDIO}${cut(event.start, clip.duration)},volume=${formatNumber(event.data.volume)},${delay(event.start)}[${label}]`,
    );
    mixLabels.push(`[${label}]`);
  });

  const end = formatNumber(duration);
  if (mixLabels.length === 0) {
    chains.push(`anullsrc=r=${SAMPLE_RATE}:cl=stereo,atrim=end=${end}[aout]`);
  } else {
    const mixed =
      mixLabels.length === 1 ? `${mixLabels[0]}anull` : `${mixLabels.join('')}${mix(mixLabels.length)}`;
    chains.push(
      `${mixed},alimiter=limit=${LIMITER_CEILING}:level=0:latency=1,apad=whole_dur=${end},atrim=end=${end},asetpts=N/SR/TB[aout]`,
    );
  }

  const copy = canCopyVideo(spec, video.probe);
  const encoding = spec.output.encoding;
  return {
    duration,
    copiesVideo: copy,
    inputs,
    filterGraph: chains.join(';\n'),
    outputArgs: [
      '-map',
      '0:v:0',
      '-map',
      '[aout]',
      ...videoCodecArgs(spec, copy, duration),
      '-c:a',
      'aac',
      '-b:a',
      encoding?.audio_bitrate ?? DEFAULT_AUDIO_BITRATE,
      '-ar',
      String(SAMPLE_RATE),
      '-ac',
      '2',
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      '-y',
      input.outputPath,
    ],
  };
}

function mix(count: number): string {
  return `amix=inputs=${count}:normalize=0:duration=longest:dropout_transition=0`;
}

/** The full ffmpeg argument list; the filtergraph is read from a script file (no length limit). */
export function buildFfmpegArgs(plan: RenderPlan, filterScriptPath: string): string[] {
  return [
    ...plan.inputs.flatMap((path) => ['-i', path]),
    '-filter_complex_script',
    filterScriptPath,
    ...plan.outputArgs,
  ];
}

function clipOf(input: PlanInput, index: number): PreparedAudio {
  const event = input.spec.timeline[index];
  if (event?.type === 'audio') return lookup(input.audioAssets, event.data.assetId, 'audio asset');
  return lookup(input.speech, index, 'speech for timeline event');
}

function collectDuckingRanges(input: PlanInput, duration: number): DuckingRange[] {
  return input.spec.timeline.flatMap((event, i) => {
    const level = event.data.duckingLevel;
    if (level === undefined || event.start >= duration) return [];
    const clip = clipOf(input, i);
    return [
      {
        start: event.start,
        end: Math.min(duration, event.start + clip.duration),
        level,
        fade: event.data.duckingFadeDuration,
      },
    ];
  });
}

function lookup<K>(map: ReadonlyMap<K, PreparedAudio>, key: K, what: string): PreparedAudio {
  const found = map.get(key);
  if (!found) throw new Error(`No prepared ${what} ${String(key)}`);
  return found;
}
