import { join } from 'node:path';
import type { JobSpec } from '@auto-vid/shared';
import type { CaptionFiles } from '../captions/write-captions.ts';
import type { RenderPlan } from '../render/plan.ts';
import type { ChunkKit, HandedOff, RenderChunking } from './chunk-kit.ts';
import { planChunks, seekTime } from './chunk-plan.ts';
import { probeSourceFrames } from './source-frames.ts';

/** What the render has when it decides whether to split: its probed source and its plan. */
export interface SplitInput {
  readonly spec: JobSpec;
  readonly source: { readonly path: string; readonly demuxer: string };
  readonly plan: RenderPlan;
  readonly captions: CaptionFiles | undefined;
  readonly directory: string;
  /** Runs the audio-only plan written to `audioPath` (the render's own run, with its levelling). */
  readonly renderAudio: (audioPath: string) => Promise<void>;
}

/**
 * Splits a long re-encode: the source's frames probed, chunks planned on its keyframes, the audio
 * rendered once, the kit handed off. Undefined (render in one run) when the job copies its video,
 * is not longer than the threshold, or its keyframes allow only one chunk.
 */
export async function splitIntoChunks(
  input: SplitInput,
  chunking: RenderChunking,
): Promise<HandedOff | undefined> {
  const { plan, spec } = input;
  if (plan.copiesVideo || plan.duration <= chunking.thresholdSeconds) return undefined;
  const frames = await probeSourceFrames(input.source.path, input.source.demuxer);
  const fps = spec.output.encoding?.fps;
  const ranges = planChunks(frames, {
    targetSeconds: chunking.chunkSeconds,
    duration: plan.duration,
    ...(fps ? { fps } : {}),
  });
  if (ranges.length < 2) return undefined;
  const audioPath = join(input.directory, 'audio.m4a');
  await input.renderAudio(audioPath);
  const kit: ChunkKit = {
    sourcePath: input.source.path,
    demuxer: input.source.demuxer,
    duration: plan.duration,
    encoding: spec.output.encoding,
    chunks: ranges.map((range) => {
      const seekTo = seekTime(frames, range);
      return {
        index: range.index,
        start: range.start,
        outputFrames: range.outputFrames,
        ...(seekTo === undefined ? {} : { seekTo }),
      };
    }),
    audioPath,
    ...(input.captions ? { captions: input.captions } : {}),
  };
  await chunking.handOff(kit);
  return { handedOff: true, chunks: ranges.length };
}
