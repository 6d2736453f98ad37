import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobSpecInput, parseJobSpec } from '@auto-vid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderJob } from '../../src/processor/render-job.ts';
import { createEspeakSynthesizer } from '../../src/processor/speech/espeak.ts';
import {
  levelDb,
  makeVideo,
  probeDuration,
  probeStreams,
  RATE,
  readPcm,
  videoPacketsMd5,
} from '../support/media.ts';

/**
 * Captions on espeak-ng: sidecars a parser reads, cues where the narration is heard (measured in
 * the rendered audio), the subtitle track on the fast path, and burn-in changing only the caption area.
 */

const dir = mkdtempSync(join(tmpdir(), 'auto-vid-captions-'));
const SECONDS = 14;
const NARRATION = 'The first sentence starts here. A second one follows it. And then the third one ends it.';
let video = '';

beforeAll(() => {
  video = makeVideo(dir, 'video.mp4', SECONDS, { tone: false, size: '640x360' });
});

async function render(
  output: Partial<JobSpecInput['output']>,
  timeline?: JobSpecInput['timeline'],
  tempRoot?: string,
) {
  const spec = parseJobSpec({
    assets: { video: { id: 'video', source: video }, audio: [] },
    timeline: timeline ?? [{ start: 1.5, type: 'tts', data: { text: NARRATION } }],
    output: { filename: 'captioned.mp4', ...output },
  });
  const outputDirectory = mkdtempSync(join(dir, 'out-'));
  return renderJob(spec, {
    speech: createEspeakSynthesizer(),
    localMode: true,
    outputDirectory,
    ...(tempRoot ? { tempRoot } : {}),
  });
}

interface ParsedCue {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Cues as ffmpeg's own WebVTT or SubRip demuxer reads them, re-written as SubRip. */
function readCues(path: string, demuxer: 'webvtt' | 'srt' | 'mp4'): ParsedCue[] {
  const input = demuxer === 'mp4' ? ['-i', path, '-map', '0:s:0'] : ['-f', demuxer, '-i', path];
  const srt = execFileSync('ffmpeg', ['-v', 'error', ...input, '-f', 'srt', '-'], { encoding: 'utf8' });
  const seconds = (clock: string) => {
    const [h, m, s] = clock.replace(',', '.').split(':').map(Number);
    return (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
  };
  return srt
    .trim()
    .split(/\n\n+/)
    .map((block) => {
      const [, times, ...lines] = block.split('\n');
      const [from, to] = (times ?? '').split(' --> ');
      return { start: seconds(from ?? ''), end: seconds(to ?? ''), text: lines.join(' ') };
    });
}

/**
 * Where each sentence of the narration starts in the rendered audio: the first 10 ms window above
 * -45 dBFS after at least 150 ms under it (espeak pauses between sentences, not between words).
 */
function sentenceOnsets(samples: Float32Array): number[] {
  const step = 0.01;
  const onsets: number[] = [];
  let quiet = Number.POSITIVE_INFINITY;
  for (let t = 0; t < samples.length / RATE; t += step) {
    if (levelDb(samples, t, t + step) > -45) {
      if (quiet >= 0.15) onsets.push(Math.round(t * 1000) / 1000);
      quiet = 0;
    } else {
      quiet += step;
    }
  }
  return onsets;
}

describe('captions from espeak narration', () => {
  it('writes VTT and SRT beside the MP4 whose cues start within 150 ms of each sentence heard', async () => {
    const result = await render({ captions: {} });
    const files = result.captions?.files ?? [];
    expect(files.map((file) => file.format)).toEqual(['vtt', 'srt']);
    expect(files.map((file) => file.localPath)).toEqual([
      result.localPath.replace(/\.mp4$/, '.vtt'),
      result.localPath.replace(/\.mp4$/, '.srt'),
    ]);
    expect(result.captions?.language).toBe('en-US');
    expect(readFileSync(files[0]?.localPath as string, 'utf8').startsWith('WEBVTT\n')).toBe(true);

    const cues = readCues(files[0]?.localPath as string, 'webvtt');
    expect(cues.map((cue) => cue.text)).toEqual([
      'The first sentence starts here.',
      'A second one follows it.',
      'And then the third one ends it.',
    ]);
    expect(readCues(files[1]?.localPath as string, 'srt')).toEqual(cues);

    const onsets = sentenceOnsets(readPcm(result.localPath));
    expect(onsets).toHaveLength(3);
    const heardUntil = probeDuration(result.localPath);
    cues.forEach((cue, i) => {
      expect(Math.abs(cue.start - (onsets[i] ?? 0))).toBeLessThanOrEqual(0.15);
      expect(cue.end).toBeGreaterThan(cue.start);
      expect(cue.end).toBeLessThanOrEqual(heardUntil);
    });
  });

  it('muxes a tagged subtitle track that ffmpeg extracts, the video packets those of the source', async () => {
    const result = await render({ captions: { formats: [] }, audio: { loudness: 'streaming' } });
    expect(result.copiedVideo).toBe(true);
    expect(result.captions?.files).toEqual([]);
    const streams = probeStreams(result.localPath);
    expect(streams.map((stream) => stream.codec_name)).toEqual(['h264', 'aac', 'mov_text']);
    const tags = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        's:0',
        '-show_entries',
        'stream_tags=language',
        '-of',
        'csv=p=0',
        result.localPath,
      ],
      { encoding: 'utf8' },
    );
    expect(tags.trim()).toBe('eng');
    expect(readCues(result.localPath, 'mp4').map((cue) => cue.text)).toHaveLength(3);
    expect(videoPacketsMd5(result.localPath)).toBe(videoPacketsMd5(video));
  });

  it('cuts cues at the video end and keeps overlapping narrations apart, in order', async () => {
    const result = await render({ captions: { track: false, formats: ['vtt'] } }, [
      {
        start: 9,
        type: 'tts',
        data: {
          text: 'Late words run past the end of this short video, for they go on and on without a pause until long after the picture stops.',
        },
      },
      { start: 0.5, type: 'tts', data: { text: 'Early words.' } },
      { start: 1, type: 'tts', data: { text: 'Overlapping voice.', providerConfig: { voiceId: 'Brian' } } },
    ]);
    expect(probeStreams(result.localPath).map((stream) => stream.codec_name)).toEqual(['h264', 'aac']);
    const cues = readCues(result.captions?.files[0]?.localPath as string, 'webvtt');
    expect(cues.slice(0, 2).map((cue) => cue.text)).toEqual(['Early words.', 'Overlapping voice.']);
    // The two first narrations overlap in time; each keeps its own cue.
    expect(cues[0]?.end).toBeGreaterThan(cues[1]?.start as number);
    // The late one is split into cues of two lines; what is said after the video's end is gone.
    const late = cues.slice(2);
    expect(late[0]?.text.startsWith('Late words run past')).toBe(true);
    expect(late.map((cue) => cue.text).join(' ')).not.toContain('picture stops.');
    for (const cue of cues) expect(cue.end).toBeLessThanOrEqual(SECONDS);
    expect(late.at(-1)?.end).toBeCloseTo(SECONDS, 2);
  });
});

/** One decoded frame as 8-bit grey, `width` × `height`. */
function greyFrame(path: string, at: number, width: number, height: number): Buffer {
  const frame = execFileSync('ffmpeg', [
    '-v',
    'error',
    '-ss',
    String(at),
    '-i',
    path,
    '-frames:v',
    '1',
    '-vf',
    'format=gray',
    '-f',
    'rawvideo',
    '-',
  ]);
  expect(frame.length).toBe(width * height);
  return frame;
}

/** Mean absolute difference of two grey frames over rows [from, to). */
function meanDifference(a: Buffer, b: Buffer, width: number, from: number, to: number): number {
  let sum = 0;
  for (let i = from * width; i < to * width; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / ((to - from) * width);
}

describe('burned-in captions', () => {
  it('change the frame in the caption area and nowhere else', async () => {
    // Lossless x264 (crf 0) on both sides: any difference is the captions, not the encoder.
    const encoding = { video: 'encode', crf: 0, preset: 'ultrafast' } as const;
    const plain = await render({ encoding, captions: { formats: ['srt'], track: false } });
    // The job folder's path reaches the filtergraph (the ASS file libass reads): one full of the
    // characters a filtergraph treats specially is escaped, not misread.
    const awkward = mkdtempSync(join(dir, "it's [a], b;c:d \\ e-"));
    const burned = await render(
      { encoding, captions: { formats: ['srt'], track: false, burnIn: true } },
      undefined,
      awkward,
    );
    expect(burned.copiedVideo).toBe(false);
    const [cue] = readCues(burned.captions?.files[0]?.localPath as string, 'srt');
    const midpoint = ((cue?.start ?? 0) + (cue?.end ?? 0)) / 2;
    const [width, height] = [640, 360];
    const before = greyFrame(plain.localPath, midpoint, width, height);
    const after = greyFrame(burned.localPath, midpoint, width, height);
    // Captions sit at the bottom (margin 60 of 1080 lines: 20 rows here, text about 19 rows high).
    const captionTop = Math.round(height * 0.8);
    expect(meanDifference(before, after, width, 0, captionTop)).toBe(0);
    expect(meanDifference(before, after, width, captionTop, height)).toBeGreaterThan(5);
  });
});
