import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DevServer, startDevServer } from '../../src/local/dev-server/dev-server.ts';
import { callApi } from './api-contract.ts';

// Answers are free-form JSON; the assertions give them their shape.
// biome-ignore lint/suspicious/noExplicitAny: see above
type JsonObject = Record<string, any>;

/** `auto-vid dev` in this process with its workers, one key, a usage plan no test reaches, quiet. */
export function startQuietDevServer(key: string, name: string): Promise<DevServer> {
  return startDevServer({
    dataDir: mkdtempSync(join(tmpdir(), `auto-vid-${name}-`)),
    port: 0,
    apiKeys: [key],
    rate: 1_000,
    burst: 1_000,
    quota: 100_000,
    logLevel: 'WARN',
    log: () => {},
  });
}

/** Polls GET /jobs/{jobId} until the job is final (two minutes at most); its view then. */
export async function waitForFinal(dev: DevServer, key: string, jobId: string): Promise<JsonObject> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { json } = await callApi(dev.url, 'GET', `/jobs/${jobId}`, { key });
    if (['completed', 'failed', 'cancelled'].includes(json.status)) return json;
    if (Date.now() > deadline) throw new Error(`Job ${jobId} stuck at ${JSON.stringify(json)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
