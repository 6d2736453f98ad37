import type { CaptionFiles } from '../captions/write-captions.ts';
import { forcedInputOptions } from '../render/media-formats.ts';
import { buildBurnIn, CAPTIONED_VIDEO } from '../render/plan/burn-in.ts';
import { formatNumber } from '../render/plan/filter-number.ts';
import { type Encoding, SOURCE_VIDEO, videoEncoderArgs } from '../render/plan/output-args.ts';
import type { ChunkRange } from './chunk-plan.ts';

/** What one chunk's encoder run is given. */
export interface ChunkEncode {
  readonly sourcePath: string;
  readonly demuxer: string;
  readonly chunk: Pick<ChunkRange, 'start' | 'outputFrames'>;
  /** Where its encoder seeks in the file (seconds), none for the first chunk. */
  readonly seekTo: number | undefined;
  readonly encoding: Encoding;
  /** The captions to draw, when the job burns them in. */
  readonly burnIn?: NonNullable<CaptionFiles['burnIn']>;
  readonly outputPath: string;
}

/** The label of the chunk's picture as it is encoded. */
const CHUNK_VIDEO = '[chunk]';

/**
 * One chunk's run: its frames from its first on, their times counted from it (so every chunk
 * starts at 0 and the join lines them up end to end), the captions drawn at their times in the whole
 * output, and the job's own encoder settings. It stops after the frames the chunk writes: the
 * next chunk's frames are read only when a new frame rate needs one to fill the chunk's last slots.
 * Numbers only reach the graph, and the caption script's path is the job folder's own.
 */
export function chunkEncodeArgs(run: ChunkEncode): string[] {
  const { chunk } = run;
  const seek = run.seekTo === undefined ? [] : ['-ss', formatNumber(run.seekTo)];
  const rebase = 'setpts=PTS-STARTPTS';
  const graph = run.burnIn
    ? [
        `[${SOURCE_VIDEO}]${rebase}+${formatNumber(chunk.start)}/TB[placed]`,
        buildBurnIn(run.burnIn, '[placed]'),
        `${CAPTIONED_VIDEO}${rebase}${CHUNK_VIDEO}`,
      ].join(';')
    : `[${SOURCE_VIDEO}]${rebase}${CHUNK_VIDEO}`;
  return [
    ...forcedInputOptions(run.demuxer),
    ...seek,
    '-i',
    run.sourcePath,
    '-filter_complex',
    graph,
    '-map',
    CHUNK_VIDEO,
    ...videoEncoderArgs(run.encoding),
    '-frames:v',
    String(chunk.outputFrames),
    '-an',
    '-f',
    'mp4',
    '-y',
    run.outputPath,
  ];
}

/** What the join is given: the chunks' files in order, the audio, the text track when there is one. */
export interface ChunkJoin {
  /** The concat list: one `file '<name>'` line per chunk, names relative to the list's folder. */
  readonly listPath: string;
  readonly audioPath: string;
  readonly subtitles?: { readonly path: string; readonly language: string };
  readonly duration: number;
  readonly outputPath: string;
}

/** The concat list of the chunks' file names (our own names: `part-0000.mp4`, …). */
export function concatList(names: readonly string[]): string {
  return names
    .map((name) => `file '${name}'`)
    .join('\n')
    .concat('\n');
}

/**
 * The join: the chunks' video streams one after the other, copied; the audio track copied; the
 * captions as the MP4's text track. The concat demuxer reads our own list of our own files only.
 */
export function joinArgs(join: ChunkJoin): string[] {
  const track = join.subtitles;
  return [
    '-f',
    'concat',
    '-safe',
    '1',
    '-protocol_whitelist',
    'file',
    '-i',
    join.listPath,
    ...forcedInputOptions('mov'),
    '-i',
    join.audioPath,
    ...(track ? [...forcedInputOptions('srt'), '-i', track.path] : []),
    '-map',
    '0:v:0',
    '-map',
    '1:a:0',
    ...(track ? ['-map', '2:s:0'] : []),
    '-c:v',
    'copy',
    '-c:a',
    'copy',
    ...(track ? ['-c:s', 'mov_text', '-metadata:s:s:0', `language=${track.language}`] : []),
    '-t',
    formatNumber(join.duration),
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    '-y',
    join.outputPath,
  ];
}
