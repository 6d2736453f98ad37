import { type DevServer, startDevServer } from '../local/dev-server/dev-server.ts';

export interface DevCommandOptions {
  readonly port: number;
  readonly dataDir: string;
  readonly rate?: number;
  readonly burst?: number;
  readonly quota?: number;
  /** Seconds a render in progress may go on after a stop is asked for. */
  readonly grace: number;
  /** Multiplies every webhook retry delay (tests use 0.01). */
  readonly webhookDelayScale?: number;
  /** Chunk encoders at once; 0: no chunking. */
  readonly chunkWorkers?: number;
  /** Seconds: longer re-encodes are chunked. */
  readonly chunkThreshold?: number;
  /** Seconds: the target length of one chunk. */
  readonly chunkSeconds?: number;
}

function describeChunking(chunking: DevServer['chunking']): string {
  if (chunking.workers === 0) return 'off (every re-encode in one run)';
  return `re-encodes over ${chunking.thresholdSeconds} s split into ${chunking.chunkSeconds} s chunks, ${chunking.workers} encoder(s)`;
}

/**
 * `auto-vid dev`: the dev server, the whole service on 127.0.0.1, until Ctrl-C or SIGTERM; then a
 * graceful stop (the render in progress gets a few seconds, then is cut and resumed at the next
 * start).
 */
export async function runDevCommand(
  options: DevCommandOptions,
  io: { out: NodeJS.WritableStream },
): Promise<number> {
  const server = await startDevServer({
    dataDir: options.dataDir,
    port: options.port,
    rate: options.rate,
    burst: options.burst,
    quota: options.quota,
    shutdownGraceMs: options.grace * 1000,
    ...(options.webhookDelayScale === undefined ? {} : { webhookDelayScale: options.webhookDelayScale }),
    chunking: {
      workers: options.chunkWorkers ?? 2,
      ...(options.chunkThreshold === undefined ? {} : { thresholdSeconds: options.chunkThreshold }),
      ...(options.chunkSeconds === undefined ? {} : { chunkSeconds: options.chunkSeconds }),
    },
  });
  const { url, apiKey, apiKeys, limits } = server;
  io.out.write(
    [
      '',
      `auto-vid dev is running at ${url}`,
      `  console:     ${url}/`,
      `  API key:     ${apiKey}`,
      ...(apiKeys.length > 1
        ? [
            `  more keys:   ${apiKeys
              .slice(1)
              .map((k) => k.value)
              .join(', ')}`,
          ]
        : []),
      `  usage plan:  ${limits.rate} req/s, burst ${limits.burst}, ${limits.quota} a day`,
      `  chunks:      ${describeChunking(server.chunking)}`,
      `  data folder: ${options.dataDir}${server.recovered ? ` (${server.recovered} unfinished job(s) resumed)` : ''}`,
      '',
      `  curl -s -X POST ${url}/submit -H 'X-API-Key: ${apiKey}' -H 'Content-Type: application/json' --data @samples/demo.local.json`,
      `  curl -s ${url}/status/<jobId> -H 'X-API-Key: ${apiKey}'`,
      `  curl -s ${url}/jobs -H 'X-API-Key: ${apiKey}'`,
      `  curl -s ${url}/health`,
      '',
      'Ctrl-C stops it; unfinished jobs resume at the next start.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      io.out.write(`${JSON.stringify({ level: 'INFO', message: 'Stopping', signal })}\n`);
      resolve();
    };
    // Every later signal is absorbed while the stop runs: Ctrl-C reaches this process both from the
    // terminal and forwarded by the launcher, and a second one must not cut the shutdown short.
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
  await server.close();
  io.out.write(`${JSON.stringify({ level: 'INFO', message: 'Stopped' })}\n`);
  return 0;
}
