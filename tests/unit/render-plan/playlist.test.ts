import { describe, expect, it } from 'vitest';
import { PlaylistLayoutError, schedulePlaylist } from '../../../src/timeline/playlist.ts';

describe('playlist schedule', () => {
  it('overlaps tracks by the crossfade and loops until the end', () => {
    expect(schedulePlaylist({ trackDurations: [6, 4], loop: true, crossfade: 1, until: 14 })).toEqual([
      { playlistIndex: 0, offset: 0, start: 0, length: 6, fadeIn: 0, fadeOut: 1 },
      { playlistIndex: 1, offset: 0, start: 5, length: 4, fadeIn: 1, fadeOut: 1 },
      { playlistIndex: 0, offset: 0, start: 8, length: 6, fadeIn: 1, fadeOut: 1 },
      { playlistIndex: 1, offset: 0, start: 13, length: 1, fadeIn: 1, fadeOut: 0 },
    ]);
  });

  it('stops after the last track without loop, leaving silence', () => {
    expect(schedulePlaylist({ trackDurations: [3, 3], loop: false, crossfade: 1, until: 20 })).toEqual([
      { playlistIndex: 0, offset: 0, start: 0, length: 3, fadeIn: 0, fadeOut: 1 },
      { playlistIndex: 1, offset: 0, start: 2, length: 3, fadeIn: 1, fadeOut: 0 },
    ]);
  });

  it('caps the crossfade at half a track', () => {
    const [first] = schedulePlaylist({ trackDurations: [2], loop: true, crossfade: 5, until: 3 });
    expect(first).toEqual({ playlistIndex: 0, offset: 0, start: 0, length: 2, fadeIn: 0, fadeOut: 1 });
  });

  it('refuses a playlist that would repeat hundreds of times', () => {
    expect(() => schedulePlaylist({ trackDurations: [0.5], loop: true, crossfade: 0, until: 3600 })).toThrow(
      new PlaylistLayoutError('The playlist would have to repeat more than 400 times to fill the video'),
    );
  });

  it('begins the first play startAt seconds into its track, and every later play at 0', () => {
    expect(
      schedulePlaylist({ trackDurations: [6, 4], loop: true, crossfade: 1, until: 12, startAt: 2 }),
    ).toEqual([
      { playlistIndex: 0, offset: 2, start: 0, length: 4, fadeIn: 0, fadeOut: 1 },
      { playlistIndex: 1, offset: 0, start: 3, length: 4, fadeIn: 1, fadeOut: 1 },
      { playlistIndex: 0, offset: 0, start: 6, length: 6, fadeIn: 1, fadeOut: 1 },
      { playlistIndex: 1, offset: 0, start: 11, length: 1, fadeIn: 1, fadeOut: 0 },
    ]);
  });

  it('refuses a start at or past the end of the first track', () => {
    expect(() =>
      schedulePlaylist({ trackDurations: [6.25], loop: true, crossfade: 0, until: 10, startAt: 6.25 }),
    ).toThrow(
      new PlaylistLayoutError(
        'backgroundMusic.startAt (6.25 s) is not inside the first track, which lasts 6.25 s',
      ),
    );
  });
});
