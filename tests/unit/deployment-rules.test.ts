import { parseJobSpec } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import { submitJob } from '../../src/api/submit-job.ts';
import { systemClock } from '../../src/clock.ts';
import { checkDeploymentRules } from '../../src/policy/deployment-rules.ts';
import { buildFullSpec, withValue } from '../support/spec-builders.ts';

const STACK_BUCKET = 'auto-vid-s3-bucket-prod-123456789012';
const CLOUD = { localMode: false, outputBuckets: [STACK_BUCKET], stackBucket: STACK_BUCKET };
const LOCAL = {
  localMode: true,
  outputBuckets: ['auto-vid-s3-bucket-local-000000000000'],
  stackBucket: 'auto-vid-s3-bucket-local-000000000000',
};
const full = buildFullSpec();

function problemsOf(spec: unknown, rules = CLOUD) {
  return checkDeploymentRules(parseJobSpec(spec), rules);
}

describe('deployment rules', () => {
  it('accept the full sample spec in the cloud', () => {
    expect(
      problemsOf(
        withValue(
          full,
          ['output', 'destination'],
          's3://auto-vid-s3-bucket-prod-123456789012/outputs/videos/',
        ),
      ),
    ).toEqual([]);
  });

  it('let an operator-granted output bucket take any prefix, and read every readable prefix', () => {
    const rules = { ...CLOUD, outputBuckets: [STACK_BUCKET, 'renders-archive'] };
    let spec = withValue(full, ['output', 'destination'], 's3://renders-archive/2026/november/');
    spec = withValue(spec, ['assets', 'video', 'source'], `s3://${STACK_BUCKET}/inputs/v.mp4`);
    spec = withValue(spec, ['assets', 'audio', 0, 'source'], `s3://${STACK_BUCKET}/assets/m.mp3`);
    spec = withValue(spec, ['assets', 'audio', 1, 'source'], `s3://${STACK_BUCKET}/outputs/earlier.mp4`);
    expect(problemsOf(spec, rules)).toEqual([]);
  });

  it.each([
    [
      ['assets', 'video', 'source'],
      '/etc/passwd',
      'File paths are accepted only in local mode; use s3:// or https://',
    ],
    [
      ['assets', 'audio', 1, 'source'],
      '../secrets/key.wav',
      'File paths are accepted only in local mode; use s3:// or https://',
    ],
    [
      ['assets', 'audio', 1, 'source'],
      'http://169.254.169.254/latest/meta-data/',
      'URL points to a link-local address; only public hosts are allowed',
    ],
    [
      ['assets', 'audio', 1, 'source'],
      'http://localhost:8080/a.wav',
      'URL points to a loopback address; only public hosts are allowed',
    ],
    [
      ['output', 'destination'],
      's3://someone-elses-bucket/out/',
      "Bucket 'someone-elses-bucket' is not an output bucket of this deployment (allowed: auto-vid-s3-bucket-prod-123456789012)",
    ],
    [
      ['output', 'destination'],
      's3://auto-vid-s3-bucket-prod-123456789012/outputs/../assets/',
      "Must not contain '..' segments",
    ],
    [
      ['output', 'destination'],
      's3://auto-vid-s3-bucket-prod-123456789012/videos/',
      "Must start with s3://auto-vid-s3-bucket-prod-123456789012/outputs/: the processor may write nowhere else in this deployment's bucket",
    ],
    [
      ['output', 'destination'],
      's3://auto-vid-s3-bucket-prod-123456789012/outputs-old/',
      "Must start with s3://auto-vid-s3-bucket-prod-123456789012/outputs/: the processor may write nowhere else in this deployment's bucket",
    ],
    [
      ['assets', 'video', 'source'],
      's3://auto-vid-s3-bucket-prod-123456789012/cache/0f.mp3',
      "Key must start with 'assets/', 'inputs/' or 'outputs/': the processor may read nothing else in this deployment's bucket",
    ],
    [
      ['assets', 'audio', 0, 'source'],
      's3://auto-vid-s3-bucket-prod-123456789012/music.mp3',
      "Key must start with 'assets/', 'inputs/' or 'outputs/': the processor may read nothing else in this deployment's bucket",
    ],
    [
      ['output', 'destination'],
      '/var/www/html/',
      'Must be an s3:// location; folders are accepted only in local mode',
    ],
    [
      ['notifications', 'webhook', 'url'],
      'http://10.0.0.5/hook',
      'URL points to a private address; only public hosts are allowed',
    ],
    [
      ['notifications', 'webhook', 'url'],
      'http://[::1]:9000/hook',
      'URL points to a loopback address; only public hosts are allowed',
    ],
  ])('refuse %j = %j in the cloud', (path, value, message) => {
    expect(problemsOf(withValue(full, path, value))).toEqual([{ path, message }]);
  });

  it('allow file paths, folders and loopback on one machine, but never link-local', () => {
    let spec = withValue(full, ['assets', 'video', 'source'], 'samples/media/demo-video.mp4');
    spec = withValue(spec, ['output', 'destination'], 'renders/');
    spec = withValue(spec, ['notifications', 'webhook', 'url'], 'http://127.0.0.1:9000/hook');
    expect(problemsOf(spec, LOCAL)).toEqual([]);
    expect(
      problemsOf(withValue(spec, ['notifications', 'webhook', 'url'], 'http://169.254.169.254/'), LOCAL),
    ).toHaveLength(1);
  });

  it('make submit answer 400 in the parity format, creating nothing', async () => {
    const created: unknown[] = [];
    const response = await submitJob(
      JSON.stringify(withValue(full, ['output', 'destination'], 's3://other-bucket/x/')),
      {
        jobs: { create: async (r: unknown) => void created.push(r) } as never,
        queue: { send: async () => void created.push('message') },
        limits: { maxHeadersSize: 1024, maxMetadataSize: 1024 },
        ttlSeconds: 60,
        rules: CLOUD,
        clock: systemClock,
      },
    );
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error).toBe(
      "Invalid job specification:\n  - Field 'output -> destination': Bucket 'other-bucket' is not an output bucket of this deployment (allowed: auto-vid-s3-bucket-prod-123456789012)",
    );
    expect(created).toEqual([]);
  });
});
