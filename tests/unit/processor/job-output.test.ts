import { parseJobSpec } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import type { OutputStore } from '../../../src/jobs/output-store.ts';
import { chooseDestination, describeOutput } from '../../../src/processor/job-output.ts';
import { NO_DELIVERABLES } from '../../support/job-views.ts';

const CLOUD = { bucket: 'stack-bucket', localMode: false };
const LOCAL = { bucket: 'stack-bucket', localMode: true };

function specWithOutput(output: Record<string, unknown>) {
  return parseJobSpec({
    assets: { video: { id: 'v', source: 's3://media-bucket/v.mp4' }, audio: [] },
    timeline: [],
    output,
  });
}

describe('chooseDestination', () => {
  it('puts the MP4 under outputs/ in the stack bucket when no destination is given', () => {
    expect(chooseDestination(specWithOutput({ filename: 'final' }), CLOUD)).toEqual({
      kind: 's3',
      location: { bucket: 'stack-bucket', key: 'outputs/final.mp4' },
    });
  });

  it('joins an s3:// destination prefix and the file name', () => {
    const spec = specWithOutput({ filename: 'a.mp4', destination: 's3://other/videos/2026/' });
    expect(chooseDestination(spec, CLOUD)).toEqual({
      kind: 's3',
      location: { bucket: 'other', key: 'videos/2026/a.mp4' },
    });
  });

  it('writes into a folder destination only in local mode', () => {
    const spec = specWithOutput({ filename: 'a.mp4', destination: '/tmp/renders' });
    expect(chooseDestination(spec, LOCAL)).toEqual({ kind: 'folder', path: '/tmp/renders' });
    expect(chooseDestination(spec, CLOUD)).toEqual({
      kind: 's3',
      location: { bucket: 'stack-bucket', key: 'outputs/a.mp4' },
    });
  });
});

describe('describeOutput', () => {
  const audio = { integratedLufs: -16.2, truePeakDbtp: -1.4, loudnessRange: 4.1 };
  const result = {
    localPath: '/x/a.mp4',
    duration: 12.04,
    size: 1234,
    processingTime: 3,
    copiedVideo: true,
    audio,
  };
  // A store whose credentials end 30 minutes after `now`: it signs for no longer than that.
  const store: Pick<OutputStore, 'presignGet'> = {
    presignGet: async (location, request) => {
      const seconds = Math.min(request.seconds, 1800);
      const version = location.versionId ? `&versionId=${location.versionId}` : '';
      return {
        url: `https://signed/${location.bucket}/${location.key}?expires=${seconds}${version}`,
        expiresAt: new Date(request.now.getTime() + seconds * 1000),
      };
    },
  };
  const now = new Date('2026-03-01T00:00:00.000Z');

  it('presigns an S3 output and states the expiry the store gave, not the one asked for', async () => {
    const destination = { kind: 's3', location: { bucket: 'b', key: 'outputs/a.mp4' } } as const;
    expect(await describeOutput(result, destination, store as OutputStore, { seconds: 3600, now })).toEqual({
      url: 'https://signed/b/outputs/a.mp4?expires=1800',
      urlExpiresAt: '2026-03-01T00:30:00.000Z',
      s3Uri: 's3://b/outputs/a.mp4',
      duration: 12.04,
      size: 1234,
      audio,
      captions: null,
      ...NO_DELIVERABLES,
    });
  });

  it('keeps the version the upload created, for the record and the URL', async () => {
    const destination = {
      kind: 's3',
      location: { bucket: 'b', key: 'outputs/a.mp4', versionId: 'v-7' },
    } as const;
    const output = await describeOutput(result, destination, store as OutputStore, { seconds: 60, now });
    expect(output.versionId).toBe('v-7');
    expect(output.url).toBe('https://signed/b/outputs/a.mp4?expires=60&versionId=v-7');
  });

  it('gives only the measures of an output written to a folder', async () => {
    const destination = { kind: 'folder', path: '/tmp/renders' } as const;
    expect(await describeOutput(result, destination, store as OutputStore, { seconds: 3600, now })).toEqual({
      url: null,
      urlExpiresAt: null,
      s3Uri: null,
      duration: 12.04,
      size: 1234,
      audio,
      captions: null,
      ...NO_DELIVERABLES,
    });
  });
});
