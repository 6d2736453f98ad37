import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../aws/clients.ts';
import { createS3OutputStore, type OutputStore } from '../jobs/output-store.ts';
import type { Settings } from '../settings.ts';

/**
 * The buckets' objects as every function reaches them: URLs signed with this function's own
 * credentials, bounded by how long those last (PRESIGN_CREDENTIALS_SECONDS).
 */
export function createConfiguredOutputStore(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  s3: S3Client = createS3Client(env),
): OutputStore {
  return createS3OutputStore(s3, { credentialsSeconds: settings.presignCredentialsSeconds });
}
