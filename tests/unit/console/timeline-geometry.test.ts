import { describe, expect, it } from 'vitest';
import type { JobPlan } from '../../../client/src/contract.ts';
import { duckingEnvelope, pictureOfPlan } from '../../../console/src/timeline/timeline-geometry.ts';

type Clip = JobPlan['clips'][number];

/** A dry run's plan for a 20 s video with nothing on it, built as the contract types it. */
function buildPlan(overrides: Partial<JobPlan> = {}): JobPlan {
  return {
    video: { source: 's3://media-bucket/v.mp4', duration: 20, width: 1280, height: 720 },
    music: [],
    clips: [],
    ducking: [],
    warnings: [],
    speech: {
      synthesizer: 'aws-polly',
      characters: { standard: 0, neural: 0, 'long-form': 0, generative: 0 },
    },
    estimate: {
      videoPath: 'copy',
      videoPathReason: 'the source is H.264 in MP4',
      renderSeconds: 12,
      memoryMb: 3008,
      cost: { lambdaUsd: 0.0006, speechUsd: 0, totalUsd: 0.0006 },
      prices: {
        lambdaGbSecondUsd: 0.0000133334,
        pollyPerMillionCharactersUsd: { neural: 16 },
        asOf: '2026-01-01',
      },
    },
    ...overrides,
  };
}

function buildClip(overrides: Partial<Clip> & Pick<Clip, 'index' | 'type' | 'start' | 'end'>): Clip {
  return {
    duration: overrides.end - overrides.start,
    durationSource: overrides.type === 'tts' ? 'estimated' : 'measured',
    volume: 1,
    cutAtEnd: false,
    ...overrides,
  };
}

const labels = { clip: (index: number) => `timeline[${index}]` };

describe('duckingEnvelope', () => {
  it('ramps down over the fade to the level, holds it, and ramps back up', () => {
    expect(duckingEnvelope([{ start: 1, end: 5, level: 0.25, fade: 0.5 }], 10)).toEqual([
      [0, 1],
      [0.5, 1],
      [1, 0.25],
      [5, 0.25],
      [5.5, 1],
      [10, 1],
    ]);
  });

  it('is full volume from start to end when nothing ducks', () => {
    expect(duckingEnvelope([], 10)).toEqual([
      [0, 1],
      [10, 1],
    ]);
  });

  it('starts at the ramp value when a range ramps down before the video starts', () => {
    // 0.2 s of a 0.5 s ramp from 1 to 0.25 remain at 0: 0.25 + 0.75 × 0.4.
    expect(duckingEnvelope([{ start: 0.2, end: 5, level: 0.25, fade: 0.5 }], 10)).toEqual([
      [0, 0.55],
      [0.2, 0.25],
      [5, 0.25],
      [5.5, 1],
      [10, 1],
    ]);
  });

  it('starts at the level when a range starts with the video', () => {
    expect(duckingEnvelope([{ start: 0, end: 5, level: 0.25, fade: 0.5 }], 10)).toEqual([
      [0, 0.25],
      [5, 0.25],
      [5.5, 1],
      [10, 1],
    ]);
  });

  it('ends at the ramp value when a range ramps up after the video ends', () => {
    expect(duckingEnvelope([{ start: 8, end: 9.75, level: 0.5, fade: 0.5 }], 10)).toEqual([
      [0, 1],
      [7.5, 1],
      [8, 0.5],
      [9.75, 0.5],
      [10, 0.75],
    ]);
  });

  it('ends at the level when a range lasts to the end of the video', () => {
    expect(duckingEnvelope([{ start: 8, end: 10, level: 0.5, fade: 0.5 }], 10)).toEqual([
      [0, 1],
      [7.5, 1],
      [8, 0.5],
      [10, 0.5],
    ]);
  });

  it('draws two separate ranges each with its own level and fade', () => {
    expect(
      duckingEnvelope(
        [
          { start: 1, end: 3, level: 0.25, fade: 0.5 },
          { start: 6, end: 8, level: 0.5, fade: 1 },
        ],
        10,
      ),
    ).toEqual([
      [0, 1],
      [0.5, 1],
      [1, 0.25],
      [3, 0.25],
      [3.5, 1],
      [5, 1],
      [6, 0.5],
      [8, 0.5],
      [9, 1],
      [10, 1],
    ]);
  });
});

describe('duckingEnvelope at a jump and between close lines', () => {
  it('draws a range without fade as a step: both gains at the same moment', () => {
    expect(duckingEnvelope([{ start: 1, end: 5, level: 0.25, fade: 0 }], 10)).toEqual([
      [0, 1],
      [1, 1],
      [1, 0.25],
      [5, 0.25],
      [5, 1],
      [10, 1],
    ]);
  });

  it('keeps the peak where the ramps of two close lines cross', () => {
    // Up from 0.25 after 3 s and down again before 3.6 s: the lower ramp rules, 0.7 at 3.3 s.
    expect(
      duckingEnvelope(
        [
          { start: 1, end: 3, level: 0.25, fade: 0.5 },
          { start: 3.6, end: 6, level: 0.25, fade: 0.5 },
        ],
        10,
      ),
    ).toEqual([
      [0, 1],
      [0.5, 1],
      [1, 0.25],
      [3, 0.25],
      [3.1, 0.4],
      [3.3, 0.7],
      [3.5, 0.4],
      [3.6, 0.25],
      [6, 0.25],
      [6.5, 1],
      [10, 1],
    ]);
  });
});

describe('pictureOfPlan', () => {
  it('puts speech clips in the narration lane and audio clips in the effects lane, labelled by the callback', () => {
    // Prepare
    const plan = buildPlan({
      clips: [
        buildClip({ index: 0, type: 'tts', start: 1, end: 4 }),
        buildClip({ index: 1, type: 'audio', start: 5, end: 6, volume: 0.8 }),
        buildClip({ index: 2, type: 'tts', start: 18, end: 20, duration: 3.5, cutAtEnd: true }),
      ],
    });
    // Act
    const picture = pictureOfPlan(plan, labels);
    // Assess
    expect(picture.narration).toEqual([
      { start: 1, end: 4, label: 'timeline[0]', fadeIn: 0, fadeOut: 0, index: 0, cut: false },
      { start: 18, end: 20, label: 'timeline[2]', fadeIn: 0, fadeOut: 0, index: 2, cut: true },
    ]);
    expect(picture.effects).toEqual([
      { start: 5, end: 6, label: 'timeline[1]', fadeIn: 0, fadeOut: 0, index: 1, cut: false },
    ]);
  });

  it('draws each music play labelled with its asset id, with its crossfades', () => {
    // Prepare
    const plan = buildPlan({
      music: [
        { trackIndex: 0, assetId: 'track-a', start: 0, end: 12, offset: 0, fadeIn: 0, fadeOut: 2 },
        { trackIndex: 1, assetId: 'track-b', start: 10, end: 20, offset: 0, fadeIn: 2, fadeOut: 0 },
      ],
    });
    // Act
    const picture = pictureOfPlan(plan, labels);
    // Assess
    expect(picture.music).toEqual([
      { start: 0, end: 12, label: 'track-a', fadeIn: 0, fadeOut: 2, cut: false },
      { start: 10, end: 20, label: 'track-b', fadeIn: 2, fadeOut: 0, cut: false },
    ]);
  });

  it("draws the plan's ducking ranges as the envelope over the video's duration", () => {
    const plan = buildPlan({ ducking: [{ start: 1, end: 4, level: 0.25, fade: 0.5 }] });

    expect(pictureOfPlan(plan, labels).envelope).toEqual([
      [0, 1],
      [0.5, 1],
      [1, 0.25],
      [4, 0.25],
      [4.5, 1],
      [20, 1],
    ]);
  });

  it('pins each warning where it happens, at the end past the video, and at 0 without a place', () => {
    // Prepare
    const plan = buildPlan({
      warnings: [
        {
          code: 'narration-overlap',
          message: 'timeline[1] starts before timeline[0] ends',
          timelineIndex: 1,
          at: 3,
        },
        {
          code: 'clip-after-video-end',
          message: 'timeline[2] starts after the video ends',
          timelineIndex: 2,
          at: 25,
        },
        { code: 'music-ends-early', message: 'The music ends before the video' },
      ],
    });
    // Act
    const picture = pictureOfPlan(plan, labels);
    // Assess
    expect(picture.warnings).toEqual([
      { at: 3, message: 'timeline[1] starts before timeline[0] ends' },
      { at: 20, message: 'timeline[2] starts after the video ends' },
      { at: 0, message: 'The music ends before the video' },
    ]);
  });

  it.each([
    [8, [0, 1, 2, 3, 4, 5, 6, 7, 8]],
    [20, [0, 5, 10, 15, 20]],
    [95, [0, 15, 30, 45, 60, 75, 90]],
    [600, [0, 120, 240, 360, 480, 600]],
  ])('gives a %s s video round-number ticks', (duration, ticks) => {
    const plan = buildPlan({ video: { source: 's3://media-bucket/v.mp4', duration } });

    const picture = pictureOfPlan(plan, labels);

    expect(picture.duration).toBe(duration);
    expect(picture.ticks).toEqual(ticks);
  });
});
