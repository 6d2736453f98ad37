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

type DuckingRange = JobPlan['ducking'][number];

/** One range's gain at `t`: 1 away from it, `level` inside, straight ramps of `fade` seconds between. */
function rangeGain({ start, end, level, fade }: DuckingRange, t: number): number {
  if (t >= start && t <= end) return level;
  const distance = t < start ? start - t : t - end;
  return fade <= 0 || distance >= fade ? 1 : level + (1 - level) * (distance / fade);
}

/** How close two times must be to count as one corner, seconds. */
const SAME_TIME = 1e-9;

/**
 * The music's gain multiplier over [0, duration], as the renderer applies it: the lowest of the
 * ranges' gains at each moment (the plan's ranges are merged already). Corners only, joined by
 * straight lines: each range's ends and ramps, where two ramps cross (the peak between two close
 * lines), and both sides of a jump (a range without fade), so a 0 s fade is drawn as a step.
 */
export function duckingEnvelope(ranges: readonly DuckingRange[], duration: number): [number, number][] {
  const gainAt = (t: number) => ranges.reduce((gain, range) => Math.min(gain, rangeGain(range, t)), 1);
  const times = new Set<number>([0, duration]);
  for (const { start, end, fade } of ranges)
    for (const t of [start - fade, start, end, end + fade]) times.add(t);
  const breaks = [...times].filter((t) => t >= 0 && t <= duration).sort((a, b) => a - b);
  const corners: [number, number][] = [];
  breaks.forEach((t, index) => {
    const before = t > 0 ? gainAt(t - SAME_TIME) : gainAt(t);
    const after = t < duration ? gainAt(t + SAME_TIME) : gainAt(t);
    if (Math.abs(before - after) > 1e-6) corners.push([t, round(before)], [t, round(after)]);
    else corners.push([t, round(gainAt(t))]);
    const next = breaks[index + 1];
    if (next !== undefined)
      corners.push(...crossings(ranges, t, next).map((c): [number, number] => [c, round(gainAt(c))]));
  });
  return corners;
}

/** Where, strictly between two corners, two ranges' ramps cross while both are the lowest. */
function crossings(ranges: readonly DuckingRange[], from: number, to: number): number[] {
  const a = from + SAME_TIME;
  const b = to - SAME_TIME;
  if (b <= a) return [];
  const lines = ranges.map((range) => ({
    at: rangeGain(range, a),
    slope: (rangeGain(range, b) - rangeGain(range, a)) / (b - a),
  }));
  const found: number[] = [];
  for (const [i, p] of lines.entries()) {
    for (const q of lines.slice(i + 1)) {
      if (p.slope === q.slope) continue;
      const t = a + (q.at - p.at) / (p.slope - q.slope);
      if (t > a && t < b) found.push(t);
    }
  }
  return found.sort((x, y) => x - y);
}

/** Gains to a millionth: what a drawing can show, without float noise. */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Round-number seconds for the axis: about eight ticks whatever the length. */
function ticksFor(duration: number): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  const step = steps.find((s) => duration / s <= 8) ?? 3600;
  const ticks: number[] = [];
  for (let t = 0; t <= duration + 1e-9; t += step) ticks.push(t);
  return ticks;
}
