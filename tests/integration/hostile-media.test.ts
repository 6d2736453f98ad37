import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobSpecInput, parseJobSpec } from '@auto-vid/shared';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEDIA_LIMITS, type MediaLimits } from '../../src/policy/media-limits.ts';
import { MediaLimitError, MediaProbeError } from '../../src/processor/errors.ts';
import { type RenderPorts, renderJob } from '../../src/processor/render-job.ts';
import { createEspeakSynthesizer } from '../../src/processor/speech/espeak.ts';
import type { SpeechAudio, SpeechSynthesizer } from '../../src/processor/speech/speech-synthesizer.ts';
import { useEmulators } from '../support/emulators.ts';
import { makeTone, makeVideo, probeDuration } from '../support/media.ts';

/** Files a hostile client uploads as media: each must be refused before ffmpeg reads anything else. */

const stack = useEmulators();
const dir = mkdtempSync(join(tmpdir(), 'auto-vid-hostile-'));
const media = { video: '', tone: '', secret: '' };

function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
}

beforeAll(() => {
  media.video = makeVideo(dir, 'video.mp4', 12);
  media.tone = makeTone(dir, 'tone.wav', 440, 4);
  // A file on the processor that no job may read: a red picture, to be recognised if it leaks.
  media.secret = join(dir, 'secret.ts');
  ffmpeg('-f', 'lavfi', '-i', 'color=red:size=320x180:rate=30', '-t', '2', '-c:v', 'libx264', media.secret);
});

function spec(partial: Partial<JobSpecInput> = {}) {
  return parseJobSpec({
    assets: { video: { id: 'video', source: media.video }, audio: [{ id: 'music', source: media.tone }] },
    timeline: [],
    output: { filename: 'out.mp4' },
    ...partial,
  });
}

function ports(extra: Partial<RenderPorts> = {}): RenderPorts {
  const tempRoot = join(dir, `tmp-${Math.random().toString(36).slice(2)}`);
  mkdirSync(tempRoot);
  return {
    speech: createEspeakSynthesizer(),
    localMode: true,
    outputDirectory: mkdtempSync(join(dir, 'out-')),
    tempRoot,
    ...extra,
  };
}

function writeFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const hlsPlaylist = (segment: string) =>
  `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\n${segment}\n#EXT-X-ENDLIST\n`;

const NOT_A_VIDEO = (format: string) =>
  `Video asset 'video' is ${format} media, a format auto-vid does not open: a video must be MP4/MOV, Matroska/WebM or AVI`;

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the render to fail');
  return error;
}

describe('formats: only allowlisted demuxers are opened', () => {
  it('refuses an HLS playlist uploaded as video.mp4 to S3, with local mode off, naming the asset', async () => {
    const bucket = await stack.createBucket();
    const body = hlsPlaylist(media.secret);
    await stack.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'assets/video.mp4', Body: body }));
    const p = ports({ localMode: false, s3: stack.s3 });
    const hostile = spec({
      assets: { video: { id: 'video', source: `s3://${bucket}/assets/video.mp4` }, audio: [] },
    });

    const error = await failure(renderJob(hostile, p));

    expect(error).toBeInstanceOf(MediaProbeError);
    expect(error.message).toBe(NOT_A_VIDEO('hls'));
    expect(readdirSync(p.outputDirectory)).toEqual([]);
    expect(readdirSync(p.tempRoot as string)).toEqual([]);
  });

  it('gives the same answer whether the playlist points at a file that exists or not', async () => {
    const existing = writeFile('exists.mp4', hlsPlaylist(media.secret));
    const missing = writeFile('missing.mp4', hlsPlaylist(join(dir, 'no-such-file.ts')));
    const messages = await Promise.all(
      [existing, missing].map(async (source) => {
        const hostile = spec({ assets: { video: { id: 'video', source }, audio: [] } });
        return (await failure(renderJob(hostile, ports()))).message;
      }),
    );
    expect(messages).toEqual([NOT_A_VIDEO('hls'), NOT_A_VIDEO('hls')]);
  });

  it('refuses a concat script as music, a PNG as video and an image sequence, by format', async () => {
    const concat = writeFile('music.mp3', `ffconcat version 1.0\nfile '${media.secret}'\n`);
    const png = join(dir, 'picture.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'color=red:size=64x64', '-frames:v', '1', '-c:v', 'png', '-f', 'image2', png);
    const sequence = join(dir, 'frame%03d.png');
    ffmpeg('-f', 'lavfi', '-i', 'color=red:size=64x64', '-frames:v', '3', sequence);
    copyFileSync(join(dir, 'frame001.png'), join(dir, 'frame%03d.png'));

    const concatError = await failure(
      renderJob(
        spec({
          assets: { video: { id: 'video', source: media.video }, audio: [{ id: 'music', source: concat }] },
          backgroundMusic: { playlist: ['music'] },
        }),
        ports(),
      ),
    );
    const pngError = await failure(
      renderJob(spec({ assets: { video: { id: 'video', source: png }, audio: [] } }), ports()),
    );
    const sequenceError = await failure(
      renderJob(spec({ assets: { video: { id: 'video', source: sequence }, audio: [] } }), ports()),
    );

    expect(concatError.message).toBe(
      "Audio asset 'music' is concat media, a format auto-vid does not open: an audio file must be MP3, WAV, M4A/AAC, FLAC or Ogg",
    );
    expect(pngError.message).toBe(NOT_A_VIDEO('png_pipe'));
    expect(sequenceError.message).toBe(NOT_A_VIDEO('image2'));
  });

  it('never shows the temp folder in an error about a file', async () => {
    const corrupt = writeFile('corrupt.mp4', 'this is not a video');
    const p = ports();
    const error = await failure(
      renderJob(spec({ assets: { video: { id: 'video', source: corrupt }, audio: [] } }), p),
    );
    expect(error.message).toBe(
      "Video asset 'video' is not readable media: moov atom not found; Invalid data found when processing input",
    );
    expect(error.message).not.toContain(dir);
  });
});

describe('resource limits: checked after probing, before anything is decoded', () => {
  const limited = (limits: Partial<MediaLimits>) =>
    ports({ mediaLimits: { ...DEFAULT_MEDIA_LIMITS, ...limits } });

  it.each([
    [
      { maxVideoPixels: 320 * 180 - 1 },
      "Video asset 'video' has 320×180 frames (57600 pixels), above the limit of 57599 pixels per frame (MAX_VIDEO_PIXELS)",
    ],
    [{ maxVideoSeconds: 10 }, "Video asset 'video' lasts 12 s, above the limit of 10 s (MAX_VIDEO_SECONDS)"],
    [{ maxVideoFps: 25 }, "Video asset 'video' runs at 30 fps, above the limit of 25 fps (MAX_VIDEO_FPS)"],
    [
      { maxStreamsPerFile: 1 },
      "Video asset 'video' has 2 streams, above the limit of 1 (MAX_STREAMS_PER_FILE)",
    ],
    [{ maxAudioSeconds: 3 }, "Audio asset 'music' lasts 4 s, above the limit of 3 s (MAX_AUDIO_SECONDS)"],
  ])('refuses a source beyond %o as a permanent failure naming the limit', async (limits, message) => {
    const p = limited(limits);
    const error = await failure(renderJob(spec({ backgroundMusic: { playlist: ['music'] } }), p));
    expect(error).toBeInstanceOf(MediaLimitError);
    expect(error.message).toBe(message);
    expect(readdirSync(p.tempRoot as string)).toEqual([]);
  });
});

describe('which problem a job reports when several inputs have one', () => {
  it("names the source video's own problem, though the audio is probed side by side with it", async () => {
    // Both are beyond their limits; each input is probed as it arrives, in no fixed order.
    const limits = { ...DEFAULT_MEDIA_LIMITS, maxVideoSeconds: 10, maxAudioSeconds: 3 };
    const tones = Array.from({ length: 4 }, (_, i) => ({ id: `tone${i}`, source: media.tone }));
    const both = spec({
      assets: { video: { id: 'video', source: media.video }, audio: tones },
      backgroundMusic: { playlist: tones.map((tone) => tone.id) },
    });
    for (let run = 0; run < 8; run += 1) {
      const p = ports({ mediaLimits: limits });
      const error = await failure(renderJob(both, p));
      expect(error.message).toBe(
        "Video asset 'video' lasts 12 s, above the limit of 10 s (MAX_VIDEO_SECONDS)",
      );
      // Every sibling was awaited: nothing was left writing in the job folder when it was removed.
      expect(readdirSync(p.tempRoot as string)).toEqual([]);
    }
  });
});

describe('speech: never more than fits before the video ends', () => {
  /** espeak-ng, with every result it made kept for the test to measure. */
  function recordingEspeak() {
    const made: {
      request: { maxSeconds?: number };
      audio: SpeechAudio;
      seconds: number;
      header: { dataBytes: number; fileBytes: number };
    }[] = [];
    const espeak = createEspeakSynthesizer();
    const synthesizer: SpeechSynthesizer = {
      name: espeak.name,
      async synthesize(request, directory, signal) {
        const audio = await espeak.synthesize(request, directory, signal);
        const wav = readFileSync(audio.path);
        const header = { dataBytes: wav.readUInt32LE(40), fileBytes: wav.length };
        made.push({ request, audio, seconds: probeDuration(audio.path), header });
        return audio;
      },
    };
    return { synthesizer, made };
  }

  it('cuts 60 s of SSML pauses at the 2 s left, and never speaks a narration that starts after the end', async () => {
    const pauses = '<break time="10s"/>'.repeat(6);
    const { synthesizer, made } = recordingEspeak();
    const narrated = spec({
      timeline: [
        {
          start: 10,
          type: 'tts',
          data: { text: `<speak>Hi${pauses}</speak>`, providerConfig: { textType: 'ssml' } },
        },
        { start: 12.5, type: 'tts', data: { text: 'Never heard.' } },
      ],
    });

    const result = await renderJob(narrated, ports({ speech: synthesizer }));

    expect(made.map(({ request }) => request.maxSeconds)).toEqual([2]);
    expect(made[0]?.audio.cut).toBe(true);
    expect(made[0]?.seconds).toBeCloseTo(2, 2);
    expect(result.duration).toBeCloseTo(12, 1);
  });

  it('keeps the whole narration when it fits, and its WAV header gives its real length', async () => {
    const { synthesizer, made } = recordingEspeak();
    await renderJob(
      spec({ timeline: [{ start: 1, type: 'tts', data: { text: 'Short and sweet.' } }] }),
      ports({ speech: synthesizer }),
    );
    expect(made[0]?.audio.cut).toBe(false);
    expect(made[0]?.header.dataBytes).toBe((made[0]?.header.fileBytes ?? 0) - 44);
    expect(made[0]?.seconds).toBeGreaterThan(0.5);
    expect(made[0]?.seconds).toBeLessThan(11);
  });
});
