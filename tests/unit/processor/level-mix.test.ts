import { describe, expect, it } from 'vitest';
import { RenderError } from '../../../src/processor/errors.ts';
import { levelMix } from '../../../src/processor/render/level-mix.ts';
import type { LevellingPlan } from '../../../src/processor/render/plan/levelling.ts';

const levelling: LevellingPlan = {
  target: { integrated: -14, truePeak: -1 },
  mixPath: '/tmp/job/mix.wav',
  video: { path: '/work/video.mp4', options: [] },
  output: { encoding: undefined, copiesVideo: true, duration: 10, outputPath: '/out/o.mp4' },
};

/** ebur128's summary as a levelling run logs it, at this integrated loudness. */
const summary = (lufs: number) => [
  '[Parsed_ebur128_2 @ 0x1] [info] Summary:',
  '',
  `    I:  ${lufs} LUFS`,
  '    LRA: 1.0 LU',
];

/** A stand-in for ffmpeg: records each run's gain and answers with the next loudness. */
function fakeRuns(reached: number[]) {
  const gains: string[] = [];
  const run = async (args: readonly string[]) => {
    const graph = args[args.indexOf('-filter_complex') + 1] ?? '';
    gains.push(/volume=([\d.]+)/.exec(graph)?.[1] ?? '');
    const measured = graph.includes('ebur128');
    const next = reached.shift();
    return measured && next !== undefined ? summary(next) : [];
  };
  return { gains, run };
}

const options = { duration: 10 };

describe('levelMix', () => {
  it('runs once, unmeasured, when the gain keeps the peaks within 1 dB of the limiter', async () => {
    const { gains, run } = fakeRuns([]);
    await levelMix(levelling, { integrated: -24, range: 3, peak: -13.5 }, options, run);
    expect(gains).toEqual(['3.162278']);
  });

  it('gives back what the limiter took, until within 0.1 LU, in at most three runs', async () => {
    const { gains, run } = fakeRuns([-14.6, -14.05]);
    await levelMix(levelling, { integrated: -24, range: 3, peak: -6 }, options, run);
    // +10 dB, then +10.6 dB; -14.05 is close enough.
    expect(gains).toEqual(['3.162278', '3.388442']);

    const stubborn = fakeRuns([-15, -14.5, -14.2]);
    await levelMix(levelling, { integrated: -24, range: 3, peak: -6 }, options, stubborn.run);
    expect(stubborn.gains).toEqual(['3.162278', '3.548134', '3.758374']);
  });

  it('fails the render when a measured run logs no summary', async () => {
    const run = async () => ['[error] something else'];
    await expect(levelMix(levelling, { integrated: -24, range: 3, peak: -6 }, options, run)).rejects.toThrow(
      new RenderError("The mix's loudness could not be measured for output.audio.loudness"),
    );
  });
});
