import { describe, expect, it } from 'vitest';
import { PlaylistTooShortError, schedulePlaylist } from '../../../src/processor/render/plan/playlist.ts';

describe('playlist schedule', () => {
  it('overlaps tracks by the crossfade and loops until the end', () => {
    expect(schedulePlaylist({ trackDurations: [6, 4], loop: true, crossfade: 1, until: 14 })).toEqual([
      { playlistIndex: 0, start: 0, length: 6, fadeIn: 0, fadeOut: 1 },
      { playlistIndex: 1, start: 5, length: 4, fadeIn: 1, fadeOut: 1 },
      { playlistIndex: 0, start: 8, length: 6, fadeIn: 1, fadeOut: 1 },
      { playlistIndex: 1, start: 13, length: 1, fadeIn: 1, fadeOut: 0 },
    ]);
  });

  it('stops after the last track without loop, leaving silence', () => {
    expect(schedulePlaylist({ trackDurations: [3, 3], loop: false, crossfade: 1, until: 20 })).toEqual([
      { playlistIndex: 0, start: 0, length: 3, fadeIn: 0, fadeOut: 1 },
      { playlistIndex: 1, start: 2, length: 3, fadeIn: 1, fadeOut: 0 },
    ]);
  });

  it('caps the crossfade at half a track', () => {
    const [first] = schedulePlaylist({ trackDurations: [2], loop: true, crossfade: 5, until: 3 });
    expect(first).toEqual({ playlistIndex: 0, start: 0, length: 2, fadeIn: 0, fadeOut: 1 });
  });

  it('refuses a playlist that would repeat hundreds of times', () => {
    expect(() => schedulePlaylist({ trackDurations: [0.5], loop: true, crossfade: 0, until: 3600 })).toThrow(
      new PlaylistTooShortError('The playlist would have to repeat more than 400 times to fill the video'),
    );
  });
});
