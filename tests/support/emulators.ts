import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { createS3Client } from '../../src/aws/clients.ts';
import { type Emulators, startEmulators } from '../../src/local/backing-services/emulators.ts';

export interface EmulatorHandle {
  readonly emulators: Emulators;
  readonly s3: S3Client;
  /** Creates a bucket with a fresh name and returns the name. */
  createBucket(prefix?: string): Promise<string>;
}

let buckets = 0;

/** Starts dynalite and s3rver for the enclosing test file; the handle is ready inside tests. */
export function useEmulators(): EmulatorHandle {
  const handle = {} as { emulators: Emulators; s3: S3Client };
  beforeAll(async () => {
    handle.emulators = await startEmulators();
    handle.s3 = createS3Client({ ...handle.emulators.env });
  });
  afterAll(async () => {
    handle.s3?.destroy();
    await handle.emulators?.close();
  });
  return {
    get emulators() {
      return handle.emulators;
    },
    get s3() {
      return handle.s3;
    },
    async createBucket(prefix = 'test-bucket') {
      const name = `${prefix}-${process.pid}-${++buckets}`;
      await handle.s3.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
  };
}
