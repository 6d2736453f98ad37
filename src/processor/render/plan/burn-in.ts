import type { CaptionFiles } from '../../captions/write-captions.ts';
import { SOURCE_VIDEO } from './output-args.ts';

/** The label of the picture with the captions drawn into it. */
export const CAPTIONED_VIDEO = '[captioned]';

/**
 * A value as one option of a filter in a filtergraph: first escaped as an option value (`\`, `'`,
 * `:`), then as part of the graph's text (`\`, `'`, `[`, `]`, `,`, `;`), as ffmpeg's filter docs
 * describe the two levels. Only the job folder's own paths reach it, never a user string.
 */
function escapeFilterValue(value: string): string {
  const option = value.replace(/[\\':]/g, '\\$&');
  return option.replace(/[\\'[\],;]/g, '\\$&');
}

/**
 * The chain that draws the captions: libass's `ass` filter, which reads the ASS script itself (no
 * demuxer is opened) with the fonts of the given folder. It draws on the source's picture, or on
 * the `input` label (a chunk's picture placed at its time in the whole video).
 */
export function buildBurnIn(
  burnIn: NonNullable<CaptionFiles['burnIn']>,
  input = `[${SOURCE_VIDEO}]`,
): string {
  const file = escapeFilterValue(burnIn.path);
  const fonts = escapeFilterValue(burnIn.fontsDirectory);
  return `${input}ass=filename=${file}:fontsdir=${fonts}${CAPTIONED_VIDEO}`;
}
