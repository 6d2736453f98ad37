import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { useEmulators } from '../support/emulators.ts';

/** The embedded S3 checks SigV4 as S3 does: what a URL was signed for is all it can do. */

const stack = useEmulators();

const refused = async (response: Response) => [
  response.status,
  /<Code>(\w+)<\/Code>/.exec(await response.text())?.[1],
];

describe('the local S3', () => {
  it('serves a presigned GET, and refuses it for another key, another method or once expired', async () => {
    const bucket = await stack.createBucket();
    await stack.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'outputs/a.mp4', Body: 'job a' }));
    await stack.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'outputs/b.mp4', Body: 'job b' }));
    const get = (key: string, signingDate?: Date) =>
      getSignedUrl(stack.s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
        expiresIn: 60,
        ...(signingDate ? { signingDate } : {}),
      });
    const url = await get('outputs/a.mp4');

    expect(await (await fetch(url)).text()).toBe('job a');
    expect(await refused(await fetch(url.replace('outputs/a.mp4', 'outputs/b.mp4')))).toEqual([
      403,
      'SignatureDoesNotMatch',
    ]);
    expect(await refused(await fetch(url, { method: 'DELETE' }))).toEqual([403, 'SignatureDoesNotMatch']);
    const expired = await get('outputs/a.mp4', new Date(Date.now() - 120_000));
    expect(await refused(await fetch(expired))).toEqual([403, 'AccessDenied']);
  });

  it('refuses requests without a signature, or signed with another secret', async () => {
    const bucket = await stack.createBucket();
    const unsigned = await fetch(`${stack.emulators.s3Endpoint}/${bucket}/outputs/x.mp4`, {
      method: 'PUT',
      body: 'x',
    });
    expect(await refused(unsigned)).toEqual([403, 'AccessDenied']);
    const forged = await fetch(`${stack.emulators.s3Endpoint}/${bucket}/outputs/x.mp4`, {
      method: 'PUT',
      body: 'x',
      headers: {
        Authorization:
          'AWS4-HMAC-SHA256 Credential=S3RVER/20261121/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00ff',
        'x-amz-date': '20261121T100000Z',
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
      },
    });
    expect(await refused(forged)).toEqual([403, 'SignatureDoesNotMatch']);
  });
});
