import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobSpecInput, parseJobSpec } from '@auto-vid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AssetFetchError,
  MediaLimitError,
  MediaProbeError,
  SpeechSynthesisError,
} from '../../src/processor/errors.ts';
import { measureLoudness } from '../../src/processor/render/ffmpeg.ts';
import { type RenderPorts, renderJob } from '../../src/processor/render-job.ts';
import { createEspeakSynthesizer } from '../../src/processor/speech/espeak.ts';
import type { SpeechSynthesizer } from '../../src/processor/speech/speech-synthesizer.ts';
import {
  countFrames,
  frameMd5s,
  levelDb,
  makeLateVideo,
  makeTone,
  makeVideo,
  onsetSeconds,
  probeDuration,
  probeStreams,
  readPcm,
  TONE_DB,
  videoPacketsMd5,
} from '../support/media.ts';

const dir = mkdtempSync(join(tmpdir(), 'auto-vid-render-'));
const media = {
  video12: '',
  a440: '',
  b880: '',
  sfx1500: '',
  short1500: '',
};

beforeAll(() => {
  media.video12 = makeVideo(dir, 'video12.mp4', 12);
  media.a440 = makeTone(dir, 'a440.wav', 440, 4);
  media.b880 = makeTone(dir, 'b880.wav', 880, 4);
  media.sfx1500 = makeTone(dir, 'sfx1500.wav', 1500, 2);
  media.short1500 = makeTone(dir, 'short1500.wav', 1500, 0.5);
});

function spec(partial: Partial<JobSpecInput>) {
  return parseJobSpec({
    assets: {
      video: { id: 'video', source: media.video12 },
      audio: [
        { id: 'a440', source: media.a440 },
        { id: 'b880', source: media.b880 },
        { id: 'sfx', source: media.sfx1500 },
        { id: 'blip', source: media.short1500 },
      ],
    },
    timeline: [],
    output: { filename: 'out.mp4' },
    ...partial,
  });
}

function ports(extra: Partial<RenderPorts> = {}): RenderPorts {
  const outputDirectory = mkdtempSync(join(dir, 'out-'));
  return { speech: createEspeakSynthesizer(), localMode: true, outputDirectory, ...extra };
}

describe('output', () => {
  it('has the video duration, H.264 + AAC, and replaces the source audio with silence', async () => {
    const result = await renderJob(spec({}), ports());
    const streams = probeStreams(result.localPath);
    expect(streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:h264', 'audio:aac']);
    expect(Math.abs(probeDuration(result.localPath) - 12)).toBeLessThanOrEqual(1 / 30);
    expect(result.duration).toBeCloseTo(12, 1);
    expect(levelDb(readPcm(result.localPath), 0, 12)).toBeLessThan(-90);
  });

  it('measures the loudness of its audio on the file: a full-length 1 kHz tone, and silence', async () => {
    const tone = makeTone(dir, 'k1000.wav', 1000, 12);
    const toned = await renderJob(
      parseJobSpec({
        assets: { video: { id: 'video', source: media.video12 }, audio: [{ id: 'k', source: tone }] },
        timeline: [{ start: 0, type: 'audio', data: { assetId: 'k', volume: 1 } }],
        output: { filename: 'k1000' },
      }),
      ports(),
    );
    const loudness = await measureLoudness(toned.localPath);
    // The mono sine peaks at 1/8 (-18.06 dBFS) and reaches each stereo channel 3.01 dB lower; a
    // 1 kHz sine in both channels reads its peak level in LUFS by BS.1770: -21.07, as TONE_DB.
    expect(Math.abs((loudness.integratedLufs ?? 0) - TONE_DB)).toBeLessThanOrEqual(0.3);
    expect(Math.abs((loudness.truePeakDbtp ?? 0) - TONE_DB)).toBeLessThanOrEqual(0.3);
    expect(loudness.loudnessRange).toBeLessThanOrEqual(0.5);
    const silent = await renderJob(spec({}), ports());
    expect(await measureLoudness(silent.localPath)).toEqual({
      integratedLufs: null,
      truePeakDbtp: null,
      loudnessRange: null,
    });
  });

  it('keeps the video packets byte-identical when nothing asks for a re-encode', async () => {
    const result = await renderJob(spec({ backgroundMusic: { playlist: ['a440'] } }), ports());
    expect(result.copiedVideo).toBe(true);
    expect(videoPacketsMd5(result.localPath)).toBe(videoPacketsMd5(media.video12));
  });

  it('re-encodes with the spec encoding and honours its fps', async () => {
    const result = await renderJob(
      spec({ output: { filename: 'fps', encoding: { preset: 'ultrafast', fps: 24, audio_bitrate: '96k' } } }),
      ports(),
    );
    expect(result.localPath.endsWith('/fps.mp4')).toBe(true);
    expect(result.copiedVideo).toBe(false);
    const video = probeStreams(result.localPath).find((s) => s.codec_type === 'video');
    expect(video?.codec_name).toBe('h264');
    expect(video?.avg_frame_rate).toBe('24/1');
    expect(countFrames(result.localPath)).toBe(12 * 24);
    expect(Math.abs(probeDuration(result.localPath) - 12)).toBeLessThanOrEqual(1 / 24);
  });
});

describe('copy or re-encode', () => {
  /** x264 writes its settings into the stream; "crf=23.0" among them tells the rate factor used. */
  const x264Crf = (path: string) => /crf=(\d+\.\d)/.exec(readFileSync(path, 'latin1'))?.[1];

  it.each([
    ['a preset alone', { preset: 'ultrafast' }],
    ['the source fps', { preset: 'medium', fps: 30 }],
    ['video "copy"', { video: 'copy' }],
  ] as const)('copies the video packets byte for byte with %s', async (_, encoding) => {
    const result = await renderJob(spec({ output: { filename: 'copy', encoding } }), ports());
    expect(result.copiedVideo).toBe(true);
    expect(videoPacketsMd5(result.localPath)).toBe(videoPacketsMd5(media.video12));
  });

  it('re-encodes at CRF 23 by default when told to, and at the crf given', async () => {
    const plain = await renderJob(
      spec({ output: { filename: 'enc', encoding: { video: 'encode' } } }),
      ports(),
    );
    expect(plain.copiedVideo).toBe(false);
    expect(videoPacketsMd5(plain.localPath)).not.toBe(videoPacketsMd5(media.video12));
    expect(x264Crf(plain.localPath)).toBe('23.0');
    const crf = await renderJob(
      spec({ output: { filename: 'crf', encoding: { preset: 'ultrafast', crf: 30 } } }),
      ports(),
    );
    expect(crf.copiedVideo).toBe(false);
    expect(x264Crf(crf.localPath)).toBe('30.0');
    expect(probeStreams(crf.localPath).find((s) => s.codec_type === 'video')?.avg_frame_rate).toBe('30/1');
  });

  it('fails a video "copy" that would need another frame rate, naming why', async () => {
    const error = await renderJob(
      spec({ output: { filename: 'nocopy', encoding: { video: 'copy', fps: 24 } } }),
      ports(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaLimitError);
    expect((error as Error).message).toBe(
      `output.encoding.video is "copy", but the video cannot be copied: fps 24 differs from the source's 30`,
    );
  });
});

describe('background playlist', () => {
  const playlist = (loop: boolean) =>
    spec({ backgroundMusic: { playlist: ['a440', 'b880'], loop, volume: 1, crossfadeDuration: 1 } });

  // Track a plays 0-4 s, b 3-7 s (crossfade 3-4 s), a again 6-10 s, b 9-12 s.
  it('plays each track alone, both in the crossfade, and loops back', async () => {
    const out = (await renderJob(playlist(true), ports())).localPath;
    const a = readPcm(out, 440);
    const b = readPcm(out, 880);
    expect(levelDb(a, 0.5, 2.5)).toBeCloseTo(TONE_DB, 0);
    expect(levelDb(b, 0.5, 2.5)).toBeLessThan(TONE_DB - 20);
    expect(levelDb(a, 3.3, 3.7)).toBeGreaterThan(TONE_DB - 12);
    expect(levelDb(b, 3.3, 3.7)).toBeGreaterThan(TONE_DB - 12);
    expect(levelDb(b, 4.5, 5.5)).toBeCloseTo(TONE_DB, 0);
    expect(levelDb(a, 4.5, 5.5)).toBeLessThan(TONE_DB - 20);
    expect(levelDb(a, 7.2, 8.5)).toBeCloseTo(TONE_DB, 0);
    expect(levelDb(b, 10.2, 11.8)).toBeCloseTo(TONE_DB, 0);
  });

  it('leaves silence after the playlist when loop is false', async () => {
    const out = (await renderJob(playlist(false), ports())).localPath;
    expect(levelDb(readPcm(out, 880), 4.5, 5.5)).toBeCloseTo(TONE_DB, 0);
    expect(levelDb(readPcm(out), 7.3, 11.9)).toBeLessThan(-90);
    expect(Math.abs(probeDuration(out) - 12)).toBeLessThanOrEqual(1 / 30);
  });

  it('plays music at the spec volume', async () => {
    const out = (await renderJob(spec({ backgroundMusic: { playlist: ['a440'], volume: 0.3 } }), ports()))
      .localPath;
    expect(levelDb(readPcm(out, 440), 1, 3)).toBeCloseTo(TONE_DB + 20 * Math.log10(0.3), 0);
  });
});

describe('ducking', () => {
  const music = { playlist: ['a440'], volume: 1, crossfadeDuration: 0 };

  /** The 440 Hz music band of a render with these ducking sound effects (each `sfx` at `start`). */
  async function duckedMusic(effects: { start: number; volume: number; level: number; fade: number }[]) {
    const timeline = effects.map((e) => ({
      start: e.start,
      type: 'audio' as const,
      data: { assetId: 'sfx', volume: e.volume, duckingLevel: e.level, duckingFadeDuration: e.fade },
    }));
    const result = await renderJob(spec({ backgroundMusic: music, timeline }), ports());
    return readPcm(result.localPath, 440);
  }

  it('ducks to the level inside the range, ramps gradually, and recovers after', async () => {
    const a = await duckedMusic([{ start: 4, volume: 0.5, level: 0.25, fade: 1 }]);
    const base = levelDb(a, 1, 2.8);
    expect(base).toBeCloseTo(TONE_DB, 0);
    const depth = levelDb(a, 4.2, 5.8) - base;
    expect(Math.abs(depth - 20 * Math.log10(0.25))).toBeLessThan(2);
    // Ramp down over 3-4 s and up over 6-7 s, measured in 0.2 s windows.
    const down = [3.1, 3.4, 3.7].map((t) => levelDb(a, t, t + 0.2) - base);
    expect(down[0]).toBeGreaterThan(down[1] as number);
    expect(down[1]).toBeGreaterThan(down[2] as number);
    expect(down[1]).toBeLessThan(-1);
    expect(down[1]).toBeGreaterThan(depth + 1);
    const up = [6.1, 6.4, 6.7].map((t) => levelDb(a, t, t + 0.2) - base);
    expect(up[0]).toBeLessThan(up[1] as number);
    expect(up[1]).toBeLessThan(up[2] as number);
    expect(Math.abs(levelDb(a, 7.5, 11.5) - base)).toBeLessThan(0.5);
  });

  it('merges overlapping ranges at the lowest level', async () => {
    const a = await duckedMusic([
      { start: 3, volume: 0, level: 0.5, fade: 0 },
      { start: 4, volume: 0, level: 0.1, fade: 0 },
    ]);
    const base = levelDb(a, 0.5, 2.5);
    for (const start of [3.2, 4.2, 5.2]) {
      expect(Math.abs(levelDb(a, start, start + 0.6) - base - 20 * Math.log10(0.1))).toBeLessThan(2);
    }
    expect(Math.abs(levelDb(a, 6.5, 8) - base)).toBeLessThan(0.5);
  });
});

describe('timed clips', () => {
  it('plays a sound effect at its start and volume, cut at the video end', async () => {
    const out = (
      await renderJob(
        spec({
          timeline: [
            { start: 2.5, type: 'audio', data: { assetId: 'blip', volume: 0.5 } },
            { start: 11, type: 'audio', data: { assetId: 'sfx', volume: 1 } },
          ],
        }),
        ports(),
      )
    ).localPath;
    const s = readPcm(out, 1500);
    expect(Math.abs((onsetSeconds(s, TONE_DB - 20) ?? -1) - 2.5)).toBeLessThan(0.05);
    expect(levelDb(s, 2.55, 2.95)).toBeCloseTo(TONE_DB + 20 * Math.log10(0.5), 0);
    expect(levelDb(s, 3.1, 10.9)).toBeLessThan(-60);
    expect(levelDb(s, 11.1, 11.9)).toBeCloseTo(TONE_DB, 0);
    expect(Math.abs(probeDuration(out) - 12)).toBeLessThanOrEqual(1 / 30);
  });

  it('speaks TTS where scheduled', async () => {
    const out = (
      await renderJob(
        spec({ timeline: [{ start: 5, type: 'tts', data: { text: 'Testing one two three.' } }] }),
        ports(),
      )
    ).localPath;
    const all = readPcm(out);
    expect(levelDb(all, 0, 4.95)).toBeLessThan(-90);
    expect(Math.abs((onsetSeconds(all, -50) ?? -1) - 5)).toBeLessThan(0.15);
    expect(levelDb(all, 5, 6.5)).toBeGreaterThan(-40);
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

describe('hostile strings in a spec', () => {
  it("change nothing in the render: ids, texts and the file name with ; [ ' $() and newlines", async () => {
    const hostile = "x'];[0:a]volume=0[m];$(touch /tmp/pwned)\n`id`";
    const result = await renderJob(
      parseJobSpec({
        assets: {
          video: { id: `v${hostile}`, source: media.video12 },
          audio: [
            { id: `music${hostile}`, source: media.a440 },
            { id: `sfx${hostile}`, source: media.sfx1500 },
          ],
        },
        backgroundMusic: { playlist: [`music${hostile}`], loop: true, volume: 1, crossfadeDuration: 0 },
        timeline: [
          {
            start: 2,
            type: 'tts',
            data: { text: `Say ${hostile} aloud; [brackets] and $(dollars)\nnew line.` },
          },
          { start: 8, type: 'audio', data: { assetId: `sfx${hostile}`, volume: 1 } },
        ],
        output: { filename: "out;[a]'$(b)" },
      }),
      ports(),
    );
    expect(result.localPath.endsWith("out;[a]'$(b).mp4")).toBe(true);
    expect(Math.abs(result.duration - 12)).toBeLessThanOrEqual(1 / 30);
    // The music plays at full volume throughout: no injected volume=0 reached the graph.
    expect(levelDb(readPcm(result.localPath, 440), 0.5, 1.5)).toBeCloseTo(TONE_DB, 0);
    expect(levelDb(readPcm(result.localPath, 1500), 8.2, 9)).toBeGreaterThan(TONE_DB - 3);
    expect(existsSync('/tmp/pwned')).toBe(false);
  });
});

describe('failures', () => {
  function emptyTempRoot() {
    const root = join(dir, `tmp-${Math.random().toString(36).slice(2)}`);
    mkdirSync(root);
    return root;
  }

  it('names a missing file and leaves no temp files', async () => {
    const tempRoot = emptyTempRoot();
    const p = ports({ tempRoot });
    const bad = spec({ assets: { video: { id: 'video', source: join(dir, 'nope.mp4') }, audio: [] } });
    const error = await renderJob(bad, p).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssetFetchError);
    expect((error as Error).message).toBe(
      `Asset 'video' (${join(dir, 'nope.mp4')}) could not be fetched: no such file`,
    );
    expect((error as AssetFetchError).retryable).toBe(false);
    expect(readdirSync(tempRoot)).toEqual([]);
    expect(readdirSync(p.outputDirectory)).toEqual([]);
  });

  it('stops narration still being spoken when an asset fails, and reports the asset', async () => {
    const tempRoot = emptyTempRoot();
    const bad = spec({
      assets: { video: { id: 'video', source: join(dir, 'gone.mp4') }, audio: [] },
      timeline: Array.from({ length: 6 }, (_, i) => ({
        start: i,
        type: 'tts' as const,
        data: { text: 'A sentence long enough to keep espeak busy for a moment. '.repeat(20) },
      })),
    });
    const error = await renderJob(bad, ports({ tempRoot })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssetFetchError);
    expect((error as Error).message).toBe(
      `Asset 'video' (${join(dir, 'gone.mp4')}) could not be fetched: no such file`,
    );
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('refuses file paths outside local mode', async () => {
    const error = await renderJob(spec({}), ports({ localMode: false })).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `Asset 'video' (${media.video12}) could not be fetched: file paths are accepted only in local mode`,
    );
  });

  it('reports an unreachable URL as retryable, without its query string', async () => {
    const port = await closedPort();
    const bad = spec({
      assets: {
        video: { id: 'video', source: `http://127.0.0.1:${port}/video.mp4?token=secret` },
        audio: [],
      },
    });
    const error = await renderJob(
      bad,
      ports({ httpPolicy: { attempts: 2, backoffSeconds: [0], timeoutMs: 2000 } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssetFetchError);
    expect((error as Error).message).toBe(
      `Asset 'video' (http://127.0.0.1:${port}/video.mp4) could not be fetched: ECONNREFUSED`,
    );
    expect((error as AssetFetchError).retryable).toBe(true);
  });

  it('rejects corrupt media with a clear error and no temp files', async () => {
    const corrupt = join(dir, 'corrupt.mp4');
    writeFileSync(corrupt, 'this is not a video');
    const tempRoot = emptyTempRoot();
    const error = await renderJob(
      spec({ assets: { video: { id: 'video', source: corrupt }, audio: [] } }),
      ports({ tempRoot }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaProbeError);
    expect((error as Error).message).toMatch(/^Video asset 'video' is not readable media: /);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('reports a failed synthesis and cleans up', async () => {
    const tempRoot = emptyTempRoot();
    const failing: SpeechSynthesizer = {
      name: 'failing',
      synthesize: async () => {
        throw new SpeechSynthesisError('Polly said no', false);
      },
    };
    const error = await renderJob(
      spec({ timeline: [{ start: 0, type: 'tts', data: { text: 'Hi' } }] }),
      ports({ tempRoot, speech: failing }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechSynthesisError);
    expect(readdirSync(tempRoot)).toEqual([]);
  });
});

describe('a video that starts after its own audio', () => {
  // 151 frames at 25 fps: a 6.04 s video stream in a 6.08 s file, the first frame at 0.04 s. The
  // old service's 58 s explainer had this shape; its re-encode repeated the first frame and lost
  // the last.
  const frames = 151;
  let late = '';
  beforeAll(() => {
    late = makeLateVideo(dir, 'late.mp4', { frames, fps: 25, videoStart: 0.04 });
  });

  const lateSpec = (encoding: NonNullable<JobSpecInput['output']>['encoding']) =>
    parseJobSpec({
      assets: { video: { id: 'video', source: late }, audio: [{ id: 'sfx', source: media.sfx1500 }] },
      timeline: [{ start: 0, type: 'audio', data: { assetId: 'sfx' } }],
      output: { filename: 'late.mp4', encoding },
    });

  /** Start and duration of the output's video and audio streams, in seconds. */
  const streamTimes = (path: string) =>
    probeStreams(path).map((s) => [s.codec_type, Number(s.start_time), Number(s.duration)]);

  it('re-encodes every frame once, in order, and ends the audio with the last', async () => {
    const result = await renderJob(lateSpec({ video: 'encode', preset: 'ultrafast', crf: 0 }), ports());
    expect(result.copiedVideo).toBe(false);
    expect(countFrames(result.localPath)).toBe(frames);
    // CRF 0 is lossless: the decoded pictures are the source's, none repeated, none lost.
    expect(frameMd5s(result.localPath)).toEqual(frameMd5s(late));
    expect(streamTimes(result.localPath)).toEqual([
      ['video', 0, 6.04],
      ['audio', 0, 6.04],
    ]);
  });

  it('copies the packets, starts the picture at second 0 and ends the audio with it', async () => {
    const result = await renderJob(lateSpec({ preset: 'ultrafast' }), ports());
    expect(result.copiedVideo).toBe(true);
    expect(videoPacketsMd5(result.localPath)).toBe(videoPacketsMd5(late));
    expect(streamTimes(result.localPath)).toEqual([
      ['video', 0, 6.04],
      ['audio', 0, 6.04],
    ]);
  });

  it('measures a late Matroska video, which has no stream durations, from its first frame', async () => {
    const mkv = makeLateVideo(dir, 'late.mkv', { frames, fps: 25, videoStart: 0.04, container: 'matroska' });
    const result = await renderJob(
      parseJobSpec({
        assets: { video: { id: 'video', source: mkv }, audio: [] },
        timeline: [],
        output: { filename: 'late-mkv.mp4', encoding: { preset: 'ultrafast' } },
      }),
      ports(),
    );
    expect(result.copiedVideo).toBe(false);
    expect(result.duration).toBe(6.04);
    expect(countFrames(result.localPath)).toBe(frames);
    expect(streamTimes(result.localPath)).toEqual([
      ['video', 0, 6.04],
      ['audio', 0, 6.04],
    ]);
  });

  it('times the timeline from the first picture: a sound at 0 starts with it', async () => {
    const result = await renderJob(lateSpec({ preset: 'ultrafast' }), ports());
    const [picture] = streamTimes(result.localPath);
    const onset = onsetSeconds(readPcm(result.localPath, 1500), -40) ?? Number.NaN;
    expect(Math.abs(onset - Number(picture?.[1]))).toBeLessThan(0.005);
  });
});
