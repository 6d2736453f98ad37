import { describe, expect, it } from 'vitest';
import { buildClipLanes } from '../../../src/processor/render/plan/clip-lanes.ts';
import { InputList } from '../../../src/processor/render/plan/input-list.ts';
import { NORM, planInput, spec } from './plan-fixtures.ts';

const threeSeconds = new Map([['b', { path: '/work/b.wav', duration: 3, demuxer: 'wav' }]]);
const at = (start: number) => ({ start, type: 'audio' as const, data: { assetId: 'b' } });

describe('buildClipLanes', () => {
  it('puts a clip that overlaps another on a second lane, each lane of one clip mixed as it is', () => {
    // Prepare
    const input = planInput(spec({ timeline: [at(0), at(1)] }), threeSeconds);

    // Act
    const lanes = buildClipLanes(input, 10, new InputList('/work/video.mp4', 'mov'));

    // Assess
    expect(lanes).toEqual({
      chains: [
        `[1:a]${NORM},atrim=end_sample=144000,apad=whole_len=144000,volume=0.5,adelay=delays=0S:all=1[e0]`,
        `[2:a]${NORM},atrim=end_sample=144000,apad=whole_len=144000,volume=0.5,adelay=delays=48000S:all=1[e1]`,
      ],
      outputs: ['[e0]', '[e1]'],
    });
  });

  it('chains clips in order of start, not of the timeline, with the gap after the earlier clip', () => {
    // Prepare
    const input = planInput(spec({ timeline: [at(5), at(0)] }), threeSeconds);

    // Act
    const lanes = buildClipLanes(input, 10, new InputList('/work/video.mp4', 'mov'));

    // Assess
    expect(lanes).toEqual({
      chains: [
        `[1:a]${NORM},atrim=end_sample=144000,apad=whole_len=144000,volume=0.5,adelay=delays=0S:all=1[e1]`,
        `[2:a]${NORM},atrim=end_sample=144000,apad=whole_len=144000,volume=0.5,adelay=delays=96000S:all=1[e0]`,
        '[e1][e0]concat=n=2:v=0:a=1[lane0]',
      ],
      outputs: ['[lane0]'],
    });
  });

  it("cuts a clip that runs past the video's end to the samples that remain", () => {
    // Prepare
    const input = planInput(spec({ timeline: [at(9.5)] }), threeSeconds);

    // Act
    const lanes = buildClipLanes(input, 10, new InputList('/work/video.mp4', 'mov'));

    // Assess
    expect(lanes.chains).toEqual([
      `[1:a]${NORM},atrim=end_sample=24000,apad=whole_len=24000,volume=0.5,adelay=delays=456000S:all=1[e0]`,
    ]);
  });
});
