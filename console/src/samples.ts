import demo from '../../samples/demo.s3.json';
import type { UploadedAsset } from './session.ts';

/** A starting point for the editor. */
export interface Sample {
  readonly id: string;
  readonly title: string;
  readonly spec: Record<string, unknown>;
}

const { $schema: _schema, notifications: _webhook, ...demoSpec } = demo;

export const SAMPLES: readonly Sample[] = [
  { id: 'demo', title: 'Narrated video with a music playlist (the demo)', spec: demoSpec },
  {
    id: 'music-only',
    title: 'Video with background music only',
    spec: {
      assets: {
        video: { id: 'video', source: 's3://bucket/assets/video.mp4' },
        audio: [{ id: 'music', source: 's3://bucket/assets/music.mp3' }],
      },
      backgroundMusic: { playlist: ['music'], loop: true, volume: 0.5 },
      timeline: [],
      output: { filename: 'with-music.mp4' },
    },
  },
  {
    id: 'captions',
    title: 'Narration with captions and HLS',
    spec: {
      assets: { video: { id: 'video', source: 's3://bucket/assets/video.mp4' }, audio: [] },
      timeline: [
        { start: 0.5, type: 'tts', data: { text: 'Every word spoken here becomes a caption.' } },
        { start: 4, type: 'tts', data: { text: 'Captions are timed from the narration itself.' } },
      ],
      output: { filename: 'captioned.mp4', captions: { formats: ['vtt'], track: true }, hls: {} },
    },
  },
];

type AssetEntry = { id: string; source: string };

/**
 * The sample with its sources replaced by the user's uploads, when there are any: the video by the
 * first uploaded video, each audio asset by the uploaded audio files in turn.
 */
export function sampleWithUploads(
  sample: Sample,
  uploads: readonly UploadedAsset[],
): Record<string, unknown> {
  const spec = structuredClone(sample.spec) as { assets: { video: AssetEntry; audio: AssetEntry[] } };
  const video = uploads.find((upload) => upload.contentType.startsWith('video/'));
  const audio = uploads.filter((upload) => upload.contentType.startsWith('audio/'));
  if (video) spec.assets.video.source = video.source;
  if (audio.length > 0) {
    spec.assets.audio.forEach((entry, index) => {
      entry.source = (audio[index % audio.length] as UploadedAsset).source;
    });
  }
  return spec;
}
