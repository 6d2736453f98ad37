import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PollyClient } from '@aws-sdk/client-polly';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Settings for a local stand-in: its endpoint, and a region and credentials it accepts, read from
 * the same environment so nothing falls back to a real account. On AWS there is no override.
 */
function standInConfig(env: NodeJS.ProcessEnv, endpoint: string | undefined) {
  if (!endpoint) return {};
  return {
    endpoint,
    region: env.AWS_REGION ?? 'us-east-1',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  };
}

/**
 * One factory per AWS client, configured from the environment. On AWS nothing is overridden; the
 * local stand-ins are reached through the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, which
 * the SDK reads by itself. S3 then needs path-style addressing, since `bucket.127.0.0.1` resolves
 * nowhere.
 */
export function createS3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return new S3Client({
    ...standInConfig(env, endpoint),
    forcePathStyle: Boolean(endpoint),
    // Checksums only where S3 requires them: the local stand-in does not know the newer ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function createDynamoClient(env: NodeJS.ProcessEnv = process.env): DynamoDBClient {
  return new DynamoDBClient(standInConfig(env, env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL));
}

export function createDynamoDocumentClient(env: NodeJS.ProcessEnv = process.env): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(env), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function createSqsClient(env: NodeJS.ProcessEnv = process.env): SQSClient {
  const endpoint = env.AWS_ENDPOINT_URL_SQS ?? env.AWS_ENDPOINT_URL;
  return new SQSClient(standInConfig(env, endpoint));
}

/** Polly runs in us-east-1 by default (every engine, generative included, is offered there). */
export const DEFAULT_POLLY_REGION = 'us-east-1';

export function createPollyClient(env: NodeJS.ProcessEnv = process.env): PollyClient {
  return new PollyClient({ region: env.POLLY_REGION || DEFAULT_POLLY_REGION });
}
