import type { JobPlan } from '../../../client/src/contract.ts';

/** A stretch of the timeline drawn as one block. */
export interface Block {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  /** The crossfade with the play before and after (music), seconds. */
  readonly fadeIn: number;
  readonly fadeOut: number;
  /** The timeline event's index (clips), for the spec's `timeline[i]`. */
  readonly index?: number;
  readonly cut: boolean;
}

export interface TimelinePicture {
  readonly duration: number;
  readonly music: readonly Block[];
  readonly narration: readonly Block[];
  readonly effects: readonly Block[];
  /** The music's gain over time as [seconds, multiplier] corners: 1 at full volume, the ducked level under speech. */
  readonly envelope: readonly (readonly [number, number])[];
  readonly warnings: readonly { readonly at: number; readonly message: string }[];
  /** Seconds with a labelled tick. */
  readonly ticks: readonly number[];
}

/** What the dry run's plan looks like drawn: lanes of blocks, the ducking envelope, warnings in place. */
export function pictureOfPlan(
  plan: JobPlan,
  labels: { readonly clip: (index: number) => string },
): TimelinePicture {
  const duration = plan.video.duration;
  const clipBlock = (clip: JobPlan['clips'][number]): Block => ({
    start: clip.start,
    end: clip.end,
    label: labels.clip(clip.index),
    fadeIn: 0,
    fadeOut: 0,
    index: clip.index,
    cut: clip.cutAtEnd,
  });
  return {
    duration,
    music: plan.music.map((play) => ({
      start: play.start,
      end: play.end,
      label: play.assetId,
      fadeIn: play.fadeIn,
      fadeOut: play.fadeOut,
      cut: false,
    })),
    narration: plan.clips.filter((clip) => clip.type === 'tts').map(clipBlock),
    effects: plan.clips.filter((clip) => clip.type === 'audio').map(clipBlock),
    envelope: duckingEnvelope(plan.ducking, duration),
    warnings: plan.warnings.map((warning) => ({
      at: Math.min(duration, warning.at ?? 0),
      message: warning.message,
    })),
    ticks: ticksFor(duration),
  };
}

/**
 * The music's gain multiplier over [0, duration]: 1, ramping down over `fade` to `level` at each
 * range's start and back up over `fade` after its end (the renderer's ducking, from the plan's
 * merged ranges). Corners only: straight lines join them.
 */
export function duckingEnvelope(ranges: JobPlan['ducking'], duration: number): [number, number][] {
  const gainAt = (t: number) =>
    ranges.reduce((gain, { start, end, level, fade }) => {
      if (t >= start && t <= end) return Math.min(gain, level);
      const distance = t < start ? start - t : t - end;
      if (fade <= 0 || distance >= fade) return gain;
      return Math.min(gain, level + (1 - level) * (distance / fade));
    }, 1);
  const corners = new Set<number>([0, duration]);
  for (const { start, end, fade } of ranges) {
    for (const t of [start - fade, start, end, end + fade]) {
      if (t > 0 && t < duration) corners.add(t);
    }
  }
  return [...corners].sort((a, b) => a - b).map((t) => [t, gainAt(t)]);
}

/** Round-number seconds for the axis: about eight ticks whatever the length. */
function ticksFor(duration: number): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  const step = steps.find((s) => duration / s <= 8) ?? 3600;
  const ticks: number[] = [];
  for (let t = 0; t <= duration + 1e-9; t += step) ticks.push(t);
  return ticks;
}
