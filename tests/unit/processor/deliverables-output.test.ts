import { describe, expect, it } from 'vitest';
import { describeDeliverables } from '../../../src/processor/deliverables-output.ts';

const BUCKET = 'auto-vid-s3-bucket-test-000000000000';
const CDN = 'https://d111111abcdef8.cloudfront.net';

/** The record's `hls` of a package whose master playlist was stored at `masterKey`. */
async function hlsAt(masterKey: string) {
  const made = {
    renditions: [],
    hls: { directory: '/tmp/package', segmentSeconds: 6, variants: [], files: ['master.m3u8'] },
  };
  const described = await describeDeliverables(
    { made, renditions: [], hlsMaster: { bucket: BUCKET, key: masterKey } },
    { url: null, s3Uri: null },
    {
      outputs: { presignGet: async () => ({ url: 'unused', expiresAt: new Date() }) },
      presign: { seconds: 60, now: new Date('2026-11-21T10:00:00Z') },
      jobId: 'job-1',
      cdn: { baseUrl: CDN, bucket: BUCKET },
    },
  );
  return described.hls;
}

describe('describeDeliverables, with the public distribution', () => {
  it("gives a package under outputs/ the distribution's URL of its master playlist", async () => {
    // Act
    const hls = await hlsAt('outputs/clips/intro.hls/job-1/master.m3u8');
    // Assess
    expect(hls?.cdnUrl).toBe(`${CDN}/clips/intro.hls/job-1/master.m3u8`);
  });

  it('gives none to a package under outputs/console/: the distribution serves the console there', async () => {
    // Act
    const hls = await hlsAt('outputs/console/intro.hls/job-1/master.m3u8');
    // Assess
    expect(hls?.cdnUrl).toBeNull();
    expect(hls?.s3Uri).toBe(`s3://${BUCKET}/outputs/console/intro.hls/job-1/master.m3u8`);
  });
});
