import type { JobSpec } from '@auto-vid/shared';
import { findCopyObstacle, type VideoStreamFacts } from '../../../policy/video-copy.ts';
import { MediaLimitError } from '../../errors.ts';
import type { MediaProbe } from '../probe.ts';
import { SAMPLE_RATE } from './audio-filters.ts';
import { formatNumber } from './filter-number.ts';
import { FINAL_AUDIO } from './final-mix.ts';

export const DEFAULT_AUDIO_BITRATE = '192k';

export type Encoding = JobSpec['output']['encoding'];

export interface OutputSettings {
  readonly encoding: Encoding;
  /** True when the video stream is copied untouched. */
  readonly copiesVideo: boolean;
  readonly duration: number;
  readonly outputPath: string;
  /** What the output's video is: the source's stream (`0:v:0`, the default) or a filtergraph label. */
  readonly video?: string;
  /** The audio alone, into an M4A: a chunked re-encode's track, which the join muxes. */
  readonly audioOnly?: boolean;
  /** A subtitle input of the run, muxed as the MP4's text track (mov_text) with its language. */
  readonly subtitles?: { readonly input: number; readonly language: string };
}

/** The output's video when nothing is drawn into it: the source's first video stream. */
export const SOURCE_VIDEO = '0:v:0';

/** x264's own default, as the old service used: a re-encode without a bitrate or crf. */
const DEFAULT_CRF = 23;

/**
 * Whether the output copies the source's video stream. `auto` copies unless the spec asks for
 * something a copy cannot give (a bitrate, a crf, another frame rate, burned-in captions) or MP4 cannot hold the
 * stream as it is; a preset alone, or the source's own fps, changes nothing a copy does not already
 * give. `encode` never copies; `copy` always does, and fails the job when it cannot.
 */
export function copiesVideo(spec: JobSpec, probe: MediaProbe): boolean {
  const mode = spec.output.encoding?.video ?? 'auto';
  if (mode === 'encode') return false;
  const obstacle = findCopyObstacle(spec, probedStream(probe));
  if (mode === 'copy' && obstacle) {
    throw new MediaLimitError(
      `output.encoding.video is "copy", but the video cannot be copied: ${obstacle.why}`,
    );
  }
  return obstacle === undefined;
}

/** The probe's video stream as the copy decision reads it. */
function probedStream(probe: MediaProbe): VideoStreamFacts | undefined {
  const video = probe.video;
  if (!video) return undefined;
  const container = probe.formatName.split(',');
  return {
    codec: video.codec,
    isH264: video.codec === 'h264',
    pixelFormat: video.pixelFormat,
    container: probe.formatName,
    isMp4: container.includes('mp4') || container.includes('mov'),
    frameRate: video.frameRate,
  };
}

/**
 * Output options of the run: the video and the mixed audio (and the subtitle track, when there is
 * one), into one MP4.
 */
export function buildOutputArgs(settings: OutputSettings): string[] {
  const subtitles = settings.subtitles;
  const picture = settings.audioOnly ? [] : ['-map', settings.video ?? SOURCE_VIDEO];
  return [
    ...picture,
    '-map',
    FINAL_AUDIO,
    ...(subtitles ? ['-map', `${subtitles.input}:s:0`] : []),
    ...(settings.audioOnly ? ['-vn'] : videoCodecArgs(settings)),
    ...audioCodecArgs(settings.encoding),
    ...(subtitles ? ['-c:s', 'mov_text', '-metadata:s:s:0', `language=${subtitles.language}`] : []),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    '-y',
    settings.outputPath,
  ];
}

/** The re-encoded video alone, into an MP4 a later run copies it from. */
export function videoOnlyOutputArgs(settings: Omit<OutputSettings, 'copiesVideo' | 'subtitles'>): string[] {
  return [
    '-map',
    settings.video ?? SOURCE_VIDEO,
    ...videoCodecArgs({ ...settings, copiesVideo: false }),
    '-an',
    '-f',
    'mp4',
    '-y',
    settings.outputPath,
  ];
}

function videoCodecArgs(settings: OutputSettings): string[] {
  if (settings.copiesVideo) return ['-c:v', 'copy'];
  return [...videoEncoderArgs(settings.encoding), '-t', formatNumber(settings.duration)];
}

/**
 * The re-encode's settings, the same in a single run and in every chunk of a chunked one (which
 * cuts by frame count instead of by time).
 */
export function videoEncoderArgs(encoding: Encoding): string[] {
  const rate = encoding?.fps;
  return [
    '-c:v',
    'libx264',
    '-preset',
    encoding?.preset ?? 'medium',
    ...(encoding?.bitrate ? ['-b:v', encoding.bitrate] : ['-crf', String(encoding?.crf ?? DEFAULT_CRF)]),
    // Every source frame once, at its own time, unless a new rate is asked for: then frames are
    // repeated or dropped to that rate, and the cut below keeps round(duration × fps) of them.
    ...(rate ? ['-r', formatNumber(rate), '-fps_mode:v', 'cfr'] : ['-fps_mode:v', 'passthrough']),
    '-pix_fmt',
    'yuv420p',
  ];
}

function audioCodecArgs(encoding: Encoding): string[] {
  return [
    '-c:a',
    'aac',
    // ffmpeg's fast AAC search: 0.22 s against 0.37 s for the default two-loop search on 30 s of
    // stereo at 192k; on the fast path the audio encode is a large part of the run.
    '-aac_coder',
    'fast',
    '-b:a',
    encoding?.audio_bitrate ?? DEFAULT_AUDIO_BITRATE,
    '-ar',
    String(SAMPLE_RATE),
    '-ac',
    '2',
  ];
}
