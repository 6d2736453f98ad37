import { forcedInputOptions } from '../media-formats.ts';
import { formatNumber } from './filter-number.ts';
import type { PreparedAudio } from './plan-input.ts';

/** One `-i` of the ffmpeg run, with the input options that go before it. */
export interface RenderInput {
  readonly path: string;
  readonly options: readonly string[];
}

/**
 * The inputs of the run in `-i` order. The video is input 0; filters refer to every other input by
 * the index `add` returns, never by its path.
 */
export class InputList {
  readonly #inputs: RenderInput[];

  /**
   * `videoStartOffset` is how long after the file's start the first frame comes (probe's
   * `startOffset`). The video is shifted back by it, so the output's second 0 is that frame: the
   * timeline counts from the first picture, and a re-encode neither repeats it nor loses the last.
   */
  constructor(videoPath: string, videoDemuxer: string, videoStartOffset = 0) {
    const shift = videoStartOffset > 0 ? ['-itsoffset', `-${formatNumber(videoStartOffset)}`] : [];
    this.#inputs = [{ path: videoPath, options: [...forcedInputOptions(videoDemuxer), ...shift] }];
  }

  /** Input 0: the source video, with its options. */
  get video(): RenderInput {
    return this.#inputs[0] as RenderInput;
  }

  /** Appends one audio input and returns its index. */
  add(audio: PreparedAudio): number {
    return this.#inputs.push({ path: audio.path, options: inputOptions(audio) }) - 1;
  }

  /** Appends the subtitle track's input (its demuxer forced) and returns its index. */
  addSubtitles(subtitles: RenderInput): number {
    return this.#inputs.push(subtitles) - 1;
  }

  toArray(): RenderInput[] {
    return [...this.#inputs];
  }
}

/**
 * Each input is opened with the demuxer its probe found, and only as a local file. ffmpeg reads up
 * to 5 MB of every input to learn its streams; a WAV header already says all of it, and with
 * hundreds of clips that reading is most of the run.
 */
function inputOptions(audio: PreparedAudio): string[] {
  return [...forcedInputOptions(audio.demuxer), ...(audio.demuxer === 'wav' ? ['-probesize', '32'] : [])];
}
