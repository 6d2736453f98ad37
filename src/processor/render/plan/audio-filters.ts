/** Filter pieces every step shares: one sample format, delays in whole samples, mixing. */

export const SAMPLE_RATE = 48_000;

/** Every input is converted to this before it meets another, so mixing and concat line up. */
export const NORMALIZE_AUDIO = `aformat=sample_fmts=fltp:sample_rates=${SAMPLE_RATE}:channel_layouts=stereo`;

/** A step's part of the filtergraph: its chains, and the labels it leaves for the final mix. */
export interface FilterSection {
  readonly chains: readonly string[];
  readonly outputs: readonly string[];
}

export const EMPTY_SECTION: FilterSection = { chains: [], outputs: [] };

export function countSamples(seconds: number): number {
  return Math.round(seconds * SAMPLE_RATE);
}

/** `all=1`: without it only the first channel is delayed. */
export function delayBySamples(samples: number): string {
  return `adelay=delays=${samples}S:all=1`;
}

/** The labelled streams as one: a single stream passes through, several go through `amix`. */
export function mixLabels(labels: readonly string[]): string {
  if (labels.length === 1) return `${labels[0]}anull`;
  // normalize=0: amix would otherwise divide every input by the input count.
  return `${labels.join('')}amix=inputs=${labels.length}:normalize=0:duration=longest:dropout_transition=0`;
}
