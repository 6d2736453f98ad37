import { parseJobSpec } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import { selectUsedInputs } from '../../../src/processor/render/used-inputs.ts';

function specWith(extra: Record<string, unknown>) {
  return parseJobSpec({
    assets: {
      video: { id: 'v', source: '/m/v.mp4' },
      audio: [
        { id: 'music', source: '/m/music.wav' },
        { id: 'unused', source: '/m/unused.wav' },
        { id: 'sfx', source: '/m/sfx.wav' },
      ],
    },
    timeline: [],
    output: { filename: 'out' },
    ...extra,
  });
}

describe('selectUsedInputs', () => {
  it('keeps the video and only the audio assets the music or the timeline play', () => {
    // Prepare
    const spec = specWith({
      backgroundMusic: { playlist: ['music'] },
      timeline: [{ start: 1, type: 'audio', data: { assetId: 'sfx' } }],
    });
    // Act
    const inputs = selectUsedInputs(spec);
    // Assess
    expect(inputs.assets.map((a) => a.id)).toEqual(['v', 'music', 'sfx']);
  });

  it('lists each asset once however often it plays', () => {
    const spec = specWith({
      backgroundMusic: { playlist: ['music', 'music'] },
      timeline: [
        { start: 1, type: 'audio', data: { assetId: 'music' } },
        { start: 2, type: 'audio', data: { assetId: 'music' } },
      ],
    });
    expect(selectUsedInputs(spec).assets.map((a) => a.id)).toEqual(['v', 'music']);
  });

  it('keeps the narration with its place in the timeline', () => {
    const spec = specWith({
      timeline: [
        { start: 1, type: 'audio', data: { assetId: 'sfx' } },
        { start: 2, type: 'tts', data: { text: 'One.' } },
        { start: 5, type: 'tts', data: { text: 'Two.' } },
      ],
    });
    const speech = selectUsedInputs(spec).speech;
    expect(speech.map((s) => [s.timelineIndex, s.event.data.text])).toEqual([
      [1, 'One.'],
      [2, 'Two.'],
    ]);
  });
});
