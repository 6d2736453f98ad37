import { cp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  type CaptionFormat,
  type JobSpec,
  measureProcessingTime,
  resolveOutputFilename,
} from '@auto-vid/shared';
import { DEFAULT_MEDIA_LIMITS, type MediaLimits } from '../policy/media-limits.ts';
import { PlaylistLayoutError } from '../timeline/playlist.ts';
import {
  type CaptionFiles,
  checkBurnIn,
  DEFAULT_FONTS_DIRECTORY,
  type HeardNarration,
  writeCaptions,
} from './captions/write-captions.ts';
import type { HandedOff, RenderChunking } from './chunks/chunk-kit.ts';
import { splitIntoChunks } from './chunks/split-render.ts';
import { type Deliverables, makeDeliverables } from './deliverables/make-deliverables.ts';
import { MediaLimitError } from './errors.ts';
import { probeMedia, runFfmpeg } from './render/ffmpeg.ts';
import { type GatheredMedia, type GatherPorts, gatherMedia } from './render/gather-media.ts';
import { LOG_LINES_FOR_SUMMARY, levelMix, readMixMeasurement } from './render/level-mix.ts';
import { buildAudioPlan, buildFfmpegArgs, buildRenderPlan, type RenderPlan } from './render/plan.ts';
import { selectUsedInputs } from './render/used-inputs.ts';
import { makeTempFolder, partialName } from './temp-folders.ts';

/** What a renderer is built with: the same for every job of a process. */
export interface RendererPorts extends Omit<GatherPorts, 'signal' | 'deadlineAt'> {
  /** Parent folder of the per-job temp folders (the system's temp folder by default). */
  readonly tempRoot?: string;
  /** Where burned-in captions' fonts are read from (`DEFAULT_FONTS_DIRECTORY` when not given). */
  readonly fontsDirectory?: string;
  /** What a source may be (frame size, duration, fps, streams); the defaults when not given. */
  readonly mediaLimits?: MediaLimits;
}

/** What one render is given. */
export interface RenderRun {
  /** Folder the MP4 is written to (created by the caller). */
  readonly outputDirectory: string;
  readonly onProgress?: (percent: number) => void;
  /** Stops the render (a retryable fault) when the host shuts down. */
  readonly signal?: AbortSignal;
  /** Epoch ms after which the render is stopped with a retryable error. */
  readonly deadlineAt?: number;
  /** Long re-encodes are split and handed to the chunk encoders; always one run without. */
  readonly chunking?: RenderChunking;
}

export type { HandedOff, RenderChunking } from './chunks/chunk-kit.ts';

export type RenderPorts = RendererPorts & RenderRun;

export interface RenderResult {
  readonly localPath: string;
  /** Seconds. */
  readonly duration: number;
  /** Bytes. */
  readonly size: number;
  /** Seconds, rounded to 2 decimals. */
  readonly processingTime: number;
  readonly copiedVideo: boolean;
  /** Seconds the ffmpeg runs took, downloads, speech and probes left out: the speed operators watch. */
  readonly renderSeconds: number;
  /** The caption sidecars beside the MP4, and their language, when the job asks for captions. */
  readonly captions?: RenderedCaptions;
  /** The poster, thumbnails, renditions and HLS package beside the MP4, when the job asks for any. */
  readonly deliverables?: Deliverables;
}

export interface RenderedCaptions {
  /** BCP 47: the first narration's language. */
  readonly language: string;
  readonly files: readonly { readonly format: CaptionFormat; readonly localPath: string }[];
  readonly cueCount: number;
}

export type Renderer = (spec: JobSpec, run: RenderRun) => Promise<RenderResult | HandedOff>;

/** Binds the ports once (at wiring), so each job passes only what is its own. */
export function createRenderer(ports: RendererPorts): Renderer {
  return (spec, run) => renderOrSplit(spec, { ...ports, ...run });
}

/**
 * The render use-case shared by the CLI and the processor Lambda: select the inputs in use, gather
 * them as local files, probe them, run the plan (one ffmpeg run, or two and at most two
 * corrections with a loudness target), publish the MP4. The per-job temp
 * folder is removed whatever happens; the MP4 appears in the output folder only once complete.
 */
export async function renderJob(spec: JobSpec, ports: RenderPorts): Promise<RenderResult> {
  const { chunking: _never, ...oneRun } = ports;
  return (await renderOrSplit(spec, oneRun)) as RenderResult;
}

/** `renderJob`, or with `chunking` a long re-encode split and handed to the chunk encoders. */
export async function renderOrSplit(spec: JobSpec, ports: RenderPorts): Promise<RenderResult | HandedOff> {
  const startedAt = new Date();
  // Progress only moves forward, whatever a run reports (a loudness correction run starts over).
  let reached = -1;
  const report = (percent: number) => {
    const rounded = Math.round(percent);
    if (rounded <= reached) return;
    reached = rounded;
    ports.onProgress?.(rounded);
  };
  const workspace = await openWorkspace(spec, ports);
  try {
    report(0);
    const inputs = selectUsedInputs(spec);
    const limits = ports.mediaLimits ?? DEFAULT_MEDIA_LIMITS;
    const fontsDirectory = ports.fontsDirectory ?? DEFAULT_FONTS_DIRECTORY;
    await checkBurnIn(spec, fontsDirectory);
    const media = await gatherMedia(inputs, ports, workspace.directory, limits);
    report(10);
    const captions = await writeCaptions({
      spec,
      narrations: heardNarrations(media),
      video: {
        ...(media.video.probe.video ?? { width: 0, height: 0 }),
        duration: media.video.probe.duration,
      },
      directory: workspace.directory,
      baseName: workspace.baseName,
      fontsDirectory,
    });
    const plan = planOrFail(() =>
      buildRenderPlan({
        spec,
        ...media,
        outputPath: workspace.partialPath,
        workDirectory: workspace.directory,
        ...(captions ? { captions } : {}),
      }),
    );
    const split = ports.chunking
      ? await splitForChunks({ spec, media, plan, captions, workspace, ports, report }, ports.chunking)
      : undefined;
    if (split) return split;
    // The deliverables are made from the finished MP4, after the render; they take the last 30%.
    const wantsMore = hasDeliverables(spec);
    const renderShare = wantsMore ? 0.6 : 0.89;
    const renderSeconds = await runPlan(plan, workspace, ports, (percent) =>
      report(10 + percent * renderShare),
    );
    const deliverables = wantsMore
      ? await makeDeliverables(spec.output, workspace.partialPath, workspace.directory, workspace.baseName, {
          signal: ports.signal,
          deadlineAt: ports.deadlineAt,
          onProgress: (percent) => report(70 + percent * 0.29),
        })
      : undefined;
    const published = await publish(workspace, captions, deliverables);
    report(100);
    return {
      ...published,
      processingTime: measureProcessingTime(startedAt, new Date()),
      copiedVideo: plan.copiesVideo,
      renderSeconds,
    };
  } finally {
    await workspace.remove();
  }
}

export /** The render's state when it may split: what `splitIntoChunks` needs, and its progress. */
interface SplitState {
  readonly spec: JobSpec;
  readonly media: GatheredMedia;
  readonly plan: RenderPlan;
  readonly captions: CaptionFiles | undefined;
  readonly workspace: Workspace;
  readonly ports: RenderPorts;
  readonly report: (percent: number) => void;
}

/** The split of a long re-encode: its audio rendered here (10 to 14%), its picture by chunks. */
function splitForChunks(state: SplitState, chunking: RenderChunking): Promise<HandedOff | undefined> {
  const { spec, media, workspace } = state;
  return splitIntoChunks(
    {
      spec,
      source: { path: media.video.path, demuxer: media.video.probe.demuxer },
      plan: state.plan,
      captions: state.captions,
      directory: workspace.directory,
      renderAudio: async (audioPath) => {
        const audio = buildAudioPlan({
          spec,
          ...media,
          outputPath: audioPath,
          workDirectory: workspace.directory,
        });
        await runPlan(audio, workspace, state.ports, (percent) => state.report(10 + percent * 0.04));
      },
    },
    chunking,
  );
}

export function hasDeliverables(spec: JobSpec): boolean {
  const { poster, thumbnails, renditions, hls } = spec.output;
  return poster !== undefined || thumbnails !== undefined || renditions !== undefined || hls !== undefined;
}

/**
 * Each heard narration with its timing: its speech's length, which stops at the video's end when
 * the speech was cut there.
 */
function heardNarrations(media: GatheredMedia): HeardNarration[] {
  return [...media.speechTiming].flatMap(([timelineIndex, timing]) => {
    const speech = media.speech.get(timelineIndex);
    return speech ? [{ timelineIndex, seconds: speech.duration, timing }] : [];
  });
}

/** The job's temp folder, and the output's name while it is written and once it is complete. */
interface Workspace {
  readonly directory: string;
  /** The output's name without `.mp4`: the caption sidecars' name. */
  readonly baseName: string;
  readonly partialPath: string;
  readonly finalPath: string;
  remove(): Promise<void>;
}

async function openWorkspace(spec: JobSpec, ports: RenderPorts): Promise<Workspace> {
  const directory = await makeTempFolder('job', ports.tempRoot);
  const filename = resolveOutputFilename(spec);
  const partialPath = join(ports.outputDirectory, partialName(filename));
  return {
    directory,
    baseName: filename.slice(0, -'.mp4'.length),
    partialPath,
    finalPath: join(ports.outputDirectory, filename),
    // Cleanup never hides the outcome: a leftover temp folder is not worth a failed job.
    async remove() {
      await rm(directory, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
      await rm(partialPath, { force: true }).catch(() => undefined);
    },
  };
}

function planOrFail(build: () => RenderPlan): RenderPlan {
  try {
    return build();
  } catch (error) {
    // A playlist too short for the video is a limit of what a render takes, like a source's.
    if (error instanceof PlaylistLayoutError) throw new MediaLimitError(error.message);
    throw error;
  }
}

/**
 * The filtergraph goes through a script file: a command line has a length limit, a file has not.
 * With a loudness target the mix is measured in that run and levelled in a second one, over the
 * audio only. Returns the seconds ffmpeg ran, to the millisecond.
 */
async function runPlan(
  plan: RenderPlan,
  workspace: Workspace,
  run: RenderRun,
  onProgress: (percent: number) => void,
): Promise<number> {
  const scriptPath = join(workspace.directory, 'filtergraph.txt');
  await writeFile(scriptPath, plan.filterGraph, 'utf8');
  const startedAt = performance.now();
  const { levelling } = plan;
  const options = { duration: plan.duration, signal: run.signal, deadlineAt: run.deadlineAt };
  // With a target, the first run mixes (and re-encodes, the longest part, when it does) and the
  // second encodes the audio: about half each on the fast path.
  const firstShare = levelling ? (plan.copiesVideo ? 50 : 90) : 100;
  const log = await runFfmpeg(buildFfmpegArgs(plan, scriptPath), {
    ...options,
    onProgress: (percent) => onProgress((percent * firstShare) / 100),
    ...(levelling ? { infoLines: LOG_LINES_FOR_SUMMARY } : {}),
  });
  if (levelling) {
    await levelMix(levelling, readMixMeasurement(log), {
      ...options,
      onProgress: (percent) => onProgress(firstShare + (percent * (100 - firstShare)) / 100),
    });
  }
  return Math.round(performance.now() - startedAt) / 1000;
}

/**
 * Moves the complete MP4 into place, and beside it the caption sidecars and the deliverables made
 * in the job's folder, and measures what was made. Its loudness is measured by the caller
 * (`measureLoudness`), beside the upload where there is one.
 */
async function publish(
  workspace: Workspace,
  captions: CaptionFiles | undefined,
  deliverables: Deliverables | undefined,
): Promise<Pick<RenderResult, 'localPath' | 'duration' | 'size' | 'captions' | 'deliverables'>> {
  await rename(workspace.partialPath, workspace.finalPath);
  const outputDirectory = dirname(workspace.finalPath);
  const files = await Promise.all(
    (captions?.sidecars ?? []).map(async ({ format, path }) => ({
      format,
      localPath: await moveInto(path, outputDirectory),
    })),
  );
  const size = (await stat(workspace.finalPath)).size;
  const output = await probeMedia(workspace.finalPath, 'Rendered output', 'video');
  return {
    localPath: workspace.finalPath,
    duration: Math.round(output.duration * 1000) / 1000,
    size,
    ...(captions ? { captions: { language: captions.language, files, cueCount: captions.cueCount } } : {}),
    ...(deliverables
      ? { deliverables: await publishDeliverables(deliverables, workspace.finalPath, outputDirectory) }
      : {}),
  };
}

/** The deliverables moved beside the MP4; the `source` rendition is the MP4 in its final place. */
export async function publishDeliverables(
  made: Deliverables,
  mp4Path: string,
  directory: string,
): Promise<Deliverables> {
  const moved = async <T extends { readonly localPath: string }>(file: T): Promise<T> => ({
    ...file,
    localPath: await moveInto(file.localPath, directory),
  });
  const renditions = await Promise.all(
    made.renditions.map((rendition) =>
      rendition.source ? { ...rendition, localPath: mp4Path } : moved(rendition),
    ),
  );
  return {
    renditions,
    ...(made.poster ? { poster: await moved(made.poster) } : {}),
    ...(made.thumbnails
      ? {
          thumbnails: {
            ...made.thumbnails,
            sprite: await moved(made.thumbnails.sprite),
            track: await moved(made.thumbnails.track),
          },
        }
      : {}),
    ...(made.hls ? { hls: { ...made.hls, directory: await moveInto(made.hls.directory, directory) } } : {}),
  };
}

/** Moves a file or a folder into `directory` under its own name; returns its new path. */
export async function moveInto(path: string, directory: string): Promise<string> {
  const destination = join(directory, basename(path));
  await rm(destination, { recursive: true, force: true });
  await rename(path, destination).catch(async () => {
    // Another file system (the job folder and the destination folder are not always on one).
    await cp(path, destination, { recursive: true });
  });
  return destination;
}
