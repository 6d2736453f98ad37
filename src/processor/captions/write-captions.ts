import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaptionFont, CaptionFormat, CaptionsSettings, JobSpec } from '@auto-vid/shared';
import { PermanentError } from '../errors.ts';
import { speechLanguage } from '../speech/speech-synthesizer.ts';
import { intlLocale, type SpeechTiming } from '../speech/speech-timing.ts';
import { formatAss, formatSrt, formatWebVtt } from './caption-files.ts';
import { buildCues, type TimedNarration } from './cues.ts';
import { trackLanguage } from './languages.ts';

/** Where Debian's fonts-dejavu-core puts the DejaVu fonts; the processor image sets its own. */
export const DEFAULT_FONTS_DIRECTORY = '/usr/share/fonts/truetype/dejavu';

/** Each caption font's files, regular and bold, as fonts-dejavu-core and the image name them. */
export const FONT_FILES: Record<CaptionFont, readonly [string, string]> = {
  'DejaVu Sans': ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'],
  'DejaVu Serif': ['DejaVuSerif.ttf', 'DejaVuSerif-Bold.ttf'],
  'DejaVu Sans Mono': ['DejaVuSansMono.ttf', 'DejaVuSansMono-Bold.ttf'],
};

/** A narration of the job (its timeline index), heard for `seconds`, with its timing. */
export interface HeardNarration {
  readonly timelineIndex: number;
  readonly seconds: number;
  readonly timing: SpeechTiming;
}

/** What the captions step wrote into the job folder, for the run and for publishing. */
export interface CaptionFiles {
  /** BCP 47, as the job view states it: the first narration's language. */
  readonly language: string;
  /** ISO 639-2, as the MP4's subtitle track is tagged. */
  readonly trackLanguage: string;
  /** The sidecars asked for, named as they are published (`<name>.vtt`, `<name>.srt`). */
  readonly sidecars: readonly { readonly format: CaptionFormat; readonly path: string }[];
  /** SubRip muxed into the MP4 as its subtitle track, when `track` is true. */
  readonly trackPath?: string;
  /** The ASS script libass draws, when `burnIn` is true, and the folder its font is read from. */
  readonly burnIn?: { readonly path: string; readonly fontsDirectory: string };
  readonly cueCount: number;
}

export interface CaptionContext {
  readonly spec: JobSpec;
  readonly narrations: readonly HeardNarration[];
  readonly video: { readonly width: number; readonly height: number; readonly duration: number };
  /** The job folder. */
  readonly directory: string;
  /** The output's name without `.mp4`. */
  readonly baseName: string;
  readonly fontsDirectory: string;
}

/** Builds the cues of a job that asks for captions and writes its files; undefined when it asks none. */
export async function writeCaptions(context: CaptionContext): Promise<CaptionFiles | undefined> {
  const settings = context.spec.output.captions;
  if (!settings) return undefined;
  const cues = buildCues(toTimedNarrations(context), {
    maxCharsPerLine: settings.maxCharsPerLine,
    maxLines: settings.maxLines,
    until: context.video.duration,
  });
  const file = (name: string) => join(context.directory, name);
  const sidecars = settings.formats.map((format) => ({
    format,
    path: file(`${context.baseName}.${format}`),
  }));
  const writes = sidecars.map(({ format, path }) =>
    writeFile(path, format === 'vtt' ? formatWebVtt(cues) : formatSrt(cues), 'utf8'),
  );
  // The track is the SubRip sidecar when there is one (publish moves it only after the run).
  const srtSidecar = sidecars.find((sidecar) => sidecar.format === 'srt')?.path;
  const trackPath = settings.track ? (srtSidecar ?? file('captions-track.srt')) : undefined;
  if (trackPath && !srtSidecar) writes.push(writeFile(trackPath, formatSrt(cues), 'utf8'));
  const assPath = settings.burnIn ? file('captions.ass') : undefined;
  if (assPath) {
    const { width, height } = context.video;
    writes.push(writeFile(assPath, formatAss(cues, settings.style, width, height), 'utf8'));
  }
  await Promise.all(writes);
  const language = captionLanguage(context.spec);
  return {
    language,
    trackLanguage: trackLanguage(language),
    sidecars,
    ...(trackPath ? { trackPath } : {}),
    ...(assPath ? { burnIn: { path: assPath, fontsDirectory: context.fontsDirectory } } : {}),
    cueCount: cues.length,
  };
}

/** The narrations heard: one at volume 0 is left out of the mix, so it has no captions either. */
function toTimedNarrations(context: CaptionContext): TimedNarration[] {
  return context.narrations.flatMap(({ timelineIndex, seconds, timing }) => {
    const event = context.spec.timeline[timelineIndex];
    return event && event.data.volume > 0 ? [{ start: event.start, seconds, timing }] : [];
  });
}

/**
 * The first narration's language (a job's captions are one track) as a BCP 47 tag; en-US when there
 * is none.
 */
function captionLanguage(spec: JobSpec): string {
  const first = spec.timeline.find((event) => event.type === 'tts');
  return first?.type === 'tts' ? intlLocale(speechLanguage(first.data)) : 'en-US';
}

/**
 * What a burn-in needs before anything is downloaded or spoken (speech is paid for): a script the
 * fonts draw and the font installed. The renderer asks first; writeCaptions counts on it.
 */
export async function checkBurnIn(spec: JobSpec, fontsDirectory: string): Promise<void> {
  const settings = spec.output.captions;
  if (!settings?.burnIn) return;
  checkScripts(spec);
  await checkFont(settings, fontsDirectory);
}

/** Languages whose script the DejaVu fonts do not draw (Chinese, Japanese, Korean, Devanagari). */
const UNDRAWN_LANGUAGES = new Set(['cmn', 'yue', 'ja', 'ko', 'hi']);

/** Burn-in of a narration in a script the fonts lack would draw empty boxes: it is refused, named. */
function checkScripts(spec: JobSpec): void {
  for (const event of spec.timeline) {
    if (event.type !== 'tts') continue;
    const language = speechLanguage(event.data);
    if (UNDRAWN_LANGUAGES.has(language.split('-')[0] ?? '')) {
      throw new PermanentError(
        `Burned-in captions cannot draw ${language}: the caption fonts have no glyphs for its script (sidecars and the track can carry it)`,
      );
    }
  }
}

/** Burn-in draws with an installed font only: a missing one is a deployment fault, never a fallback. */
async function checkFont(settings: CaptionsSettings, directory: string): Promise<void> {
  const file = FONT_FILES[settings.style.font][settings.style.bold ? 1 : 0];
  try {
    await access(join(directory, file));
  } catch {
    throw new PermanentError(
      `The captions font ${settings.style.font} is not installed: ${file} is not in the fonts folder`,
    );
  }
}
