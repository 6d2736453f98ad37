import { basename } from 'node:path';
import { formatWebVtt } from '../captions/caption-files.ts';
import type { PlannedThumbnails } from './deliverables-plan.ts';

/**
 * The WebVTT thumbnails track: one cue per interval, from its start to the next (the last one to
 * the video's end), naming its tile on the sprite sheet as `<sprite>#xywh=x,y,w,h`, the form
 * Video.js and hls.js thumbnail plugins read. The sprite is named relative to the track, so the
 * two work side by side wherever they are served.
 */
export function formatThumbnailTrack(thumbnails: PlannedThumbnails, duration: number): string {
  const sprite = encodeURIComponent(basename(thumbnails.spritePath));
  const cues = Array.from({ length: thumbnails.count }, (_, i) => {
    const x = (i % thumbnails.columns) * thumbnails.tileWidth;
    const y = Math.floor(i / thumbnails.columns) * thumbnails.tileHeight;
    return {
      start: i * thumbnails.interval,
      end: Math.min((i + 1) * thumbnails.interval, duration),
      lines: [`${sprite}#xywh=${x},${y},${thumbnails.tileWidth},${thumbnails.tileHeight}`],
      words: [],
    };
  });
  return formatWebVtt(cues);
}
