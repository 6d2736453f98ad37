// The bench's rows: what each job renders, and the spec that asks for it.
import { type JobSpecInput, parseJobSpec } from '@auto-vid/shared';
import { type BenchMedia, NARRATION, type SourceShape } from './media.ts';

type Encoding = NonNullable<JobSpecInput['output']>['encoding'];
type OutputAudio = NonNullable<JobSpecInput['output']>['audio'];
type Captions = NonNullable<JobSpecInput['output']>['captions'];
type Hls = NonNullable<JobSpecInput['output']>['hls'];

export interface Scenario {
  readonly name: string;
  readonly source: SourceShape;
  /** Sound effects spread over the video, every other one ducking the music. */
  readonly effects: number;
  /** Narration lines (at most NARRATION's), each ducking the music, among the effects. */
  readonly narration: number;
  readonly encoding?: Encoding;
  /** `output.audio`: a loudness target. */
  readonly audio?: OutputAudio;
  /** `output.captions`. */
  readonly captions?: Captions;
  /** `output.hls`. */
  readonly hls?: Hls;
  /** Timed runs of auto-vid and of bare ffmpeg, interleaved; the table shows the medians. */
  readonly runs: number;
}

const p1080 = (seconds: number): SourceShape => ({ seconds, width: 1920, height: 1080, fps: 30 });
const p720 = (seconds: number, fps = 30): SourceShape => ({ seconds, width: 1280, height: 720, fps });
const REENCODE: Encoding = { preset: 'veryfast', bitrate: '8M' };

export const SCENARIOS: readonly Scenario[] = [
  { name: 'fast path, 30 s', source: p1080(30), effects: 10, narration: 0, runs: 3 },
  { name: 'fast path, 30 s, 300 events', source: p1080(30), effects: 300, narration: 0, runs: 3 },
  { name: 're-encode, 30 s', source: p1080(30), effects: 10, narration: 0, encoding: REENCODE, runs: 3 },
  { name: 'fast path, 3 min', source: p1080(180), effects: 10, narration: 0, runs: 3 },
  {
    name: 'fast path, 3 min, loudness target',
    source: p1080(180),
    effects: 10,
    narration: 0,
    audio: { loudness: 'streaming' },
    runs: 3,
  },
  { name: 'fast path, 3 min, narration', source: p1080(180), effects: 10, narration: 6, runs: 3 },
  {
    // Both sidecars and the subtitle track: the default captions.
    name: 'fast path, 3 min, narration, captions',
    source: p1080(180),
    effects: 10,
    narration: 6,
    captions: {},
    runs: 3,
  },
  {
    name: 'fast path, 3 min, HLS source',
    source: p1080(180),
    effects: 10,
    narration: 0,
    hls: { renditions: ['source'] },
    runs: 3,
  },
  {
    name: 'fast path, 3 min, HLS source + 720p',
    source: p1080(180),
    effects: 10,
    narration: 0,
    hls: { renditions: ['source', { height: 720 }] },
    runs: 1,
  },
  {
    name: 'fast path, 3 min, HLS source + 720p + 360p',
    source: p1080(180),
    effects: 10,
    narration: 0,
    hls: { renditions: ['source', { height: 720 }, { height: 360 }] },
    runs: 1,
  },
  { name: 'fast path, 3 min, 300 events', source: p1080(180), effects: 300, narration: 0, runs: 1 },
  { name: 're-encode, 3 min', source: p1080(180), effects: 10, narration: 0, encoding: REENCODE, runs: 1 },
  // Shaped like the old service's own sample jobs (see the README's "Performance").
  {
    name: 'old 01: 16 s 720p, 10 effects, preset medium',
    source: p720(16),
    effects: 10,
    narration: 0,
    encoding: { preset: 'medium' },
    runs: 5,
  },
  {
    name: 'old 02: 58 s, 14 events + narration, ultrafast',
    // 1451 frames at 25 fps, the picture 0.04 s after the sound: a 58.08 s file.
    source: { seconds: 58.04, width: 1280, height: 720, fps: 25, videoStart: 0.04 },
    effects: 8,
    narration: 6,
    encoding: { preset: 'ultrafast' },
    runs: 5,
  },
  {
    name: 'old 03: 60 s 720p, fps = source, ultrafast',
    source: p720(60),
    effects: 10,
    narration: 0,
    encoding: { preset: 'ultrafast', fps: 30 },
    runs: 5,
  },
  {
    name: 'old 03: 60 s 720p, 2500k + fps, ultrafast',
    source: p720(60),
    effects: 10,
    narration: 0,
    encoding: { preset: 'ultrafast', bitrate: '2500k', fps: 30 },
    runs: 5,
  },
];

/**
 * The job of a row: music on a loop under the whole video, then `effects + narration` clips evenly
 * spaced; narration takes the even slots first and, like the old jobs' speech, ducks the music.
 */
export function buildSpec(scenario: Scenario, media: BenchMedia) {
  const count = scenario.effects + scenario.narration;
  const spacing = (scenario.source.seconds - 1) / Math.max(count, 1);
  let spoken = 0;
  const timeline = Array.from({ length: count }, (_, i) => {
    const start = Math.round(i * spacing * 1000) / 1000;
    const text = NARRATION[spoken];
    if (i % 2 === 0 && spoken < scenario.narration && text !== undefined) {
      spoken += 1;
      return { start, type: 'tts' as const, data: { text, duckingLevel: 0.3 } };
    }
    const ducking = i % 2 === 0 ? { duckingLevel: 0.3 } : {};
    return { start, type: 'audio' as const, data: { assetId: 'effect', volume: 0.8, ...ducking } };
  });
  return parseJobSpec({
    assets: {
      video: { id: 'video', source: media.video },
      audio: [
        { id: 'music', source: media.music },
        { id: 'effect', source: media.effect },
      ],
    },
    backgroundMusic: { playlist: ['music'], loop: true, volume: 0.4, crossfadeDuration: 2 },
    timeline,
    output: {
      filename: 'bench.mp4',
      ...(scenario.encoding ? { encoding: scenario.encoding } : {}),
      ...(scenario.audio ? { audio: scenario.audio } : {}),
      ...(scenario.captions ? { captions: scenario.captions } : {}),
      ...(scenario.hls ? { hls: scenario.hls } : {}),
    },
  });
}
