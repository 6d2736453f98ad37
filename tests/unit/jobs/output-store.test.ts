import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createS3OutputStore } from '../../../src/jobs/output-store.ts';

// The local stack's S3 keeps no versions, so the versioned path of removePrefix is checked here
// against S3's documented answers; the other path runs against the local stack (tests/e2e/delivery).

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const store = createS3OutputStore(client);
const PREFIX = 'outputs/clip.hls/job-1/';

afterEach(() => s3.reset());

function versions(count: number, from = 0) {
  return Array.from({ length: count }, (_, i) => ({
    Key: `${PREFIX}seg_${from + i}.m4s`,
    VersionId: `v${from + i}`,
  }));
}

describe('removePrefix', () => {
  it('deletes every version and delete marker under the prefix, page by page, 1000 at most per request', async () => {
    // Arrange: 1000 versions on the first page, 200 and a delete marker on the second.
    s3.on(ListObjectVersionsCommand, { KeyMarker: undefined })
      .resolves({
        Versions: versions(1000),
        IsTruncated: true,
        NextKeyMarker: 'k',
        NextVersionIdMarker: 'vm',
      })
      .on(ListObjectVersionsCommand, { KeyMarker: 'k', VersionIdMarker: 'vm' })
      .resolves({
        Versions: versions(200, 1000),
        DeleteMarkers: [{ Key: `${PREFIX}master.m3u8`, VersionId: 'dm' }],
        IsTruncated: false,
      });
    s3.on(DeleteObjectsCommand).resolves({});

    // Act
    const removed = await store.removePrefix('bucket', PREFIX);

    // Assert
    expect(removed).toBe(1201);
    const listings = s3.commandCalls(ListObjectVersionsCommand).map((c) => c.args[0].input);
    expect(listings.every((input) => input.Prefix === PREFIX && input.Bucket === 'bucket')).toBe(true);
    const batches = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete?.Objects ?? []);
    expect(batches.map((batch) => batch.length)).toEqual([1000, 201]);
    expect(batches[1]?.at(-1)).toEqual({ Key: `${PREFIX}master.m3u8`, VersionId: 'dm' });
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });

  it('names the objects S3 would not delete', async () => {
    s3.on(ListObjectVersionsCommand).resolves({ Versions: versions(3), IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({
      Errors: [{ Key: `${PREFIX}seg_1.m4s`, Code: 'AccessDenied', Message: 'Access Denied' }],
    });
    await expect(store.removePrefix('bucket', PREFIX)).rejects.toThrow(
      `1 objects under s3://bucket/${PREFIX} could not be deleted: AccessDenied (${PREFIX}seg_1.m4s)`,
    );
  });

  it('deletes the objects themselves where the store lists no versions', async () => {
    s3.on(ListObjectVersionsCommand).rejects(
      Object.assign(new Error('no versions'), { name: 'NotImplemented' }),
    );
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: `${PREFIX}a.m4s` }], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    expect(await store.removePrefix('bucket', PREFIX)).toBe(1);
    expect(s3.commandCalls(DeleteObjectsCommand)[0]?.args[0].input.Delete?.Objects).toEqual([
      { Key: `${PREFIX}a.m4s` },
    ]);
  });
});

describe('readText', () => {
  // The part of the SDK's streaming body readText uses.
  const body = (text: string) =>
    ({
      transformToString: async () => text,
      transformToWebStream: () => new ReadableStream(),
    }) as never;

  it('reads a small object as UTF-8', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('#EXTM3U\n'), ContentLength: 8 });
    expect(await store.readText({ bucket: 'b', key: 'k.m3u8' }, 100)).toBe('#EXTM3U\n');
  });

  it('refuses an object over the limit', async () => {
    s3.on(GetObjectCommand).resolves({ Body: body('x'.repeat(200)), ContentLength: 200 });
    await expect(store.readText({ bucket: 'b', key: 'k.m3u8' }, 100)).rejects.toThrow(
      's3://b/k.m3u8 is larger than 100 bytes',
    );
  });
});
