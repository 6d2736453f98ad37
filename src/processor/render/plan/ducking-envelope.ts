import { type DuckingRange, listDuckingRanges, mergeDuckingRanges } from '../../../timeline/ducking.ts';
import { formatNumber } from './filter-number.ts';
import { findTimelineClip, type PlanInput } from './plan-input.ts';

/** Gain of one range as an expression of `t`: ramps down over [start-fade, start], up over [end, end+fade]. */
function rangeGain(range: DuckingRange): string {
  const depth = formatNumber(1 - range.level);
  if (range.fade <= 0) {
    return `(1-${depth}*between(t,${formatNumber(range.start)},${formatNumber(range.end)}))`;
  }
  const fade = formatNumber(range.fade);
  const rampStart = range.start - range.fade;
  const rampDown =
    rampStart < 0 ? `(t+${formatNumber(-rampStart)})/${fade}` : `(t-${formatNumber(rampStart)})/${fade}`;
  const rampUp = `(${formatNumber(range.end + range.fade)}-t)/${fade}`;
  return `(1-${depth}*clip(min(${rampDown},${rampUp}),0,1))`;
}

/** min() of many terms as a balanced tree, so the expression parser never nests deeply. */
function balancedMin(terms: readonly string[]): string {
  if (terms.length === 1) return terms[0] ?? '1';
  const middle = Math.ceil(terms.length / 2);
  return `min(${balancedMin(terms.slice(0, middle))},${balancedMin(terms.slice(middle))})`;
}

/**
 * The music gain over time as an ffmpeg expression of `t` (for `volume=eval=frame`), or undefined
 * when nothing ducks. Built from numbers only.
 */
export function buildDuckingExpression(ranges: readonly DuckingRange[]): string | undefined {
  const merged = mergeDuckingRanges(ranges);
  if (merged.length === 0) return undefined;
  return balancedMin(merged.map(rangeGain));
}

/**
 * Each timeline event with a ducking level lowers what is ducked while its clip plays (up to the
 * video's end), at the event's own level, or at `level` for everything when given.
 */
export function collectDuckingRanges(input: PlanInput, duration: number, level?: number): DuckingRange[] {
  return listDuckingRanges(input.spec.timeline, duration, (i) => findTimelineClip(input, i).duration, level);
}
