import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { makeTempFolder } from '../../processor/temp-folders.ts';
import { LOCAL_S3_CREDENTIALS, type S3Front, startS3Front } from './s3-front.ts';

export interface Emulators {
  /** Every port the emulators listen on, the internal ones included. */
  readonly ports: readonly number[];
  /** `AWS_ENDPOINT_URL_DYNAMODB` for the embedded DynamoDB. */
  readonly dynamoEndpoint: string;
  /** `AWS_ENDPOINT_URL_S3` for the embedded S3. */
  readonly s3Endpoint: string;
  /** Environment that points the AWS SDK at the stand-ins (credentials are dummies they accept). */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export interface EmulatorOptions {
  /** Keep tables and objects under this folder across runs; a throwaway folder when absent. */
  readonly dataDir?: string;
  readonly host?: string;
  readonly dynamoPort?: number;
  readonly s3Port?: number;
}

/**
 * Starts the embedded DynamoDB (dynalite) and S3 (s3rver). Both speak the real wire protocol, so
 * the production adapters run against them unchanged, with only an endpoint override.
 */
export async function startEmulators(options: EmulatorOptions = {}): Promise<Emulators> {
  const host = options.host ?? '127.0.0.1';
  const scratch = options.dataDir ? undefined : await makeTempFolder('emulators');
  const root = options.dataDir ?? (scratch as string);
  const s3Directory = join(root, 's3');
  await mkdir(s3Directory, { recursive: true });

  const dynamo = dynalite({
    path: options.dataDir ? join(root, 'dynamodb') : undefined,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  dynamo.listen(options.dynamoPort ?? 0, host);
  await once(dynamo, 'listening');
  const dynamoPort = (dynamo.address() as AddressInfo).port;

  // s3rver listens on a port of its own; the stack's S3 port is the front that checks signatures.
  const s3 = new S3rver({ address: host, port: 0, silent: true, directory: s3Directory });
  let front: S3Front;
  let backendPort: number;
  try {
    backendPort = (await s3.run()).port;
    front = await startS3Front({ host, port: options.s3Port ?? 0, backendPort });
  } catch (error) {
    dynamo.close();
    await s3.close().catch(() => undefined);
    throw error;
  }
  const s3Port = front.port;

  const dynamoEndpoint = `http://${host}:${dynamoPort}`;
  const s3Endpoint = `http://${host}:${s3Port}`;
  return {
    ports: [dynamoPort, s3Port, backendPort],
    dynamoEndpoint,
    s3Endpoint,
    env: {
      AWS_ENDPOINT_URL_DYNAMODB: dynamoEndpoint,
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    },
    async close() {
      // dynalite's close stops the server, then closes its database; its callback comes once both
      // are done (and clears dynalite's own 30 s shutdown timer).
      const closed = new Promise<void>((resolve) => dynamo.close(() => resolve()));
      // SDK clients keep connections alive; without this `close` waits for them to time out.
      dynamo.closeAllConnections();
      await closed;
      await front.close();
      await s3.close();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    },
  };
}
