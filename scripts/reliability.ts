// npm run reliability: load and restart scenarios against the local stack (the real handlers on
// embedded DynamoDB, S3 and SQS), printed as one table. The fault scenarios live in `npm test`
// (tests/integration/faults.test.ts and friends); this script adds what takes too long for a test.
//
//   load         2,000 submits from 50 concurrent clients, usage plan raised: every 200 has one
//                record and one queue message; no 5xx; p50/p99 latency
//   usage plan   the template's plan (2/s, burst 5): accepted requests never exceed burst + rate x t
//   idempotency  10 parallel identical requests with one Idempotency-Key: one job
//   restart      20 rendered jobs, the stack stopped mid-way and started again: none lost or stuck,
//                none rendered twice (one webhook each)
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDynamoDocumentClient } from '../src/aws/clients.ts';
import { type DevServer, startDevServer } from '../src/local/dev-server/dev-server.ts';
import { scanAll } from '../src/local/job-scan.ts';

const quiet = { log: () => {}, logLevel: 'ERROR' as const };
const rows: string[][] = [];
const note = (text: string) => process.stderr.write(`${text}\n`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function call(
  stack: DevServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const started = performance.now();
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: { 'X-API-Key': stack.apiKey, 'Content-Type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  return { status: response.status, json, ms: performance.now() - started };
}

function scanJobs(stack: DevServer): Promise<Record<string, unknown>[]> {
  const documents = createDynamoDocumentClient({ ...stack.services.emulators.env });
  return scanAll(documents, stack.services.template.physicalName('JobsTable'));
}

const bucketOf = (stack: DevServer) => stack.services.template.physicalName('S3Bucket');

function loadSpec(stack: DevServer, i: number) {
  const bucket = bucketOf(stack);
  return {
    jobInfo: { projectId: 'load', title: `load ${i}` },
    assets: { video: { id: 'v', source: `s3://${bucket}/assets/load/video.mp4` }, audio: [] },
    timeline: [],
    output: { filename: `load-${i}` },
  };
}

/** A local stack with the usage plan out of the way and no workers, so queued messages can be counted. */
function startQueueOnlyStack(name: string): Promise<DevServer> {
  return startDevServer({
    dataDir: mkdtempSync(join(tmpdir(), `auto-vid-${name}-`)),
    port: 0,
    rate: 1e6,
    burst: 1e6,
    quota: 1e9,
    workers: false,
    ...quiet,
  });
}

async function loadScenario(): Promise<void> {
  note('load: 2,000 submits from 50 clients …');
  const stack = await startQueueOnlyStack('load');
  try {
    const total = 2_000;
    const clients = 50;
    let next = 0;
    const results: { status: number; jobId?: string; ms: number }[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < total) {
          const i = next++;
          const { status, json, ms } = await call(stack, 'POST', '/submit', loadSpec(stack, i));
          results.push({ status, ms, ...(status === 200 ? { jobId: String(json.jobId) } : {}) });
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const accepted = results.filter((r) => r.status === 200).map((r) => r.jobId as string);
    const records = new Set((await scanJobs(stack)).map((item) => String(item.jobId)));
    const messages = (stack.services.queues.get('JobsQueue')?.bodies() ?? []).map(
      (body) => JSON.parse(body).jobId as string,
    );
    const messageCounts = new Map<string, number>();
    for (const id of messages) messageCounts.set(id, (messageCounts.get(id) ?? 0) + 1);
    const consistent =
      accepted.every((id) => records.has(id) && messageCounts.get(id) === 1) &&
      records.size === accepted.length &&
      messages.length === accepted.length;
    const fiveXx = results.filter((r) => r.status >= 500).length;
    const latencies = results.map((r) => r.ms);
    rows.push([
      'load',
      `${total} submits, ${clients} clients, ${(total / seconds).toFixed(0)}/s`,
      `200: ${accepted.length}, 5xx: ${fiveXx}`,
      `records ${records.size}, messages ${messages.length}; p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      consistent && fiveXx === 0 ? 'ok' : 'FAILED',
    ]);
  } finally {
    await stack.close();
  }
}

async function usagePlanScenario(): Promise<void> {
  note('usage plan: 10 clients for 6 s against the template plan …');
  const stack = await startDevServer({
    dataDir: mkdtempSync(join(tmpdir(), 'auto-vid-plan-')),
    port: 0,
    workers: false,
    ...quiet,
  });
  try {
    const { rate, burst } = stack.limits;
    const start = performance.now();
    const acceptedAt: number[] = [];
    let throttled = 0;
    let other = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (performance.now() - start < 6_000) {
          const { status } = await call(stack, 'GET', '/status/00000000-0000-4000-8000-000000000000');
          if (status === 429) throttled++;
          else if (status === 404) acceptedAt.push((performance.now() - start) / 1000);
          else other++;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }),
    );
    // Every prefix of the run respects the bucket: accepted by time t <= burst + rate x t.
    const sorted = acceptedAt.sort((a, b) => a - b);
    const worst = Math.max(...sorted.map((t, i) => i + 1 - (burst + rate * t)));
    rows.push([
      'usage plan',
      `template plan: ${rate}/s, burst ${burst}; 10 clients, 6 s`,
      `accepted ${sorted.length}, 429 ${throttled}, other ${other}`,
      `bound burst + rate x 6 s = ${burst + rate * 6}; worst excess over the bound ${Math.max(0, worst).toFixed(2)}`,
      worst <= 1e-9 && other === 0 ? 'ok' : 'FAILED',
    ]);
  } finally {
    await stack.close();
  }
}

async function idempotencyScenario(): Promise<void> {
  note('idempotency: 10 parallel identical requests …');
  const stack = await startQueueOnlyStack('idem');
  try {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        call(stack, 'POST', '/submit', loadSpec(stack, 0), { 'Idempotency-Key': 'order-42' }),
      ),
    );
    const ids = new Set(responses.map((r) => String(r.json.jobId)));
    const messages = stack.services.queues.get('JobsQueue')?.size ?? 0;
    rows.push([
      'idempotency',
      '10 parallel identical requests, one Idempotency-Key',
      `statuses ${[...new Set(responses.map((r) => r.status))].join(', ')}`,
      `${ids.size} job, ${messages} message`,
      ids.size === 1 && messages === 1 ? 'ok' : 'FAILED',
    ]);
  } finally {
    await stack.close();
  }
}

async function restartScenario(): Promise<void> {
  note('restart: 20 rendered jobs, the stack stopped mid-way and started again …');
  const dataDir = mkdtempSync(join(tmpdir(), 'auto-vid-restart-'));
  const mediaDir = join(dataDir, 'media');
  mkdirSync(mediaDir);
  const video = join(mediaDir, 'clip.mp4');
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x180:rate=25',
    '-t',
    '4',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    video,
  ]);

  const hooks = new Map<string, string[]>();
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      hooks.set(body.jobId, [...(hooks.get(body.jobId) ?? []), body.status]);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const options = { dataDir, port: 0, rate: 1e6, burst: 1e6, quota: 1e9, shutdownGraceMs: 0, ...quiet };

  let stack = await startDevServer(options);
  const ids: string[] = [];
  for (let i = 0; i < 20; i++) {
    const { json } = await call(stack, 'POST', '/submit', {
      assets: { video: { id: 'v', source: video }, audio: [] },
      timeline: [{ start: 0.5, type: 'tts', data: { text: `Job ${i}.` } }],
      output: { filename: `restart-${i}`, encoding: { preset: 'veryfast', video: 'encode' } },
      notifications: { webhook: { url: hookUrl } },
    });
    ids.push(String(json.jobId));
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await stack.close();
  const doneBeforeStop = (await scanJobsAfter(options, ids)).filter((s) => s === 'completed').length;
  stack = await startDevServer(options);
  const deadline = Date.now() + 180_000;
  let statuses: string[] = [];
  while (Date.now() < deadline) {
    statuses = await Promise.all(
      ids.map(async (id) => String((await call(stack, 'GET', `/status/${id}`)).json.status)),
    );
    if (statuses.every((s) => s === 'completed' || s === 'failed')) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await stack.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  const stuck = statuses.filter((s) => s !== 'completed' && s !== 'failed').length;
  const failed = statuses.filter((s) => s === 'failed').length;
  const duplicates = ids.filter((id) => (hooks.get(id) ?? []).length > 1).length;
  const missingHooks = ids.filter((id) => (hooks.get(id) ?? []).length === 0).length;
  rows.push([
    'restart',
    `20 jobs; stopped after 2 s (${doneBeforeStop} done), started again`,
    `completed ${statuses.filter((s) => s === 'completed').length}, failed ${failed}`,
    `lost or stuck ${stuck}, rendered twice ${duplicates}, without webhook ${missingHooks}`,
    stuck === 0 && failed === 0 && duplicates === 0 && missingHooks === 0 ? 'ok' : 'FAILED',
  ]);
}

/** Job statuses straight from the table, with the stack stopped. */
async function scanJobsAfter(
  options: Parameters<typeof startDevServer>[0],
  ids: string[],
): Promise<string[]> {
  const peek = await startDevServer({ ...options, workers: false });
  try {
    const items = await scanJobs(peek);
    return ids.map((id) => String(items.find((item) => item.jobId === id)?.status));
  } finally {
    await peek.close();
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  await loadScenario();
  await usagePlanScenario();
  await idempotencyScenario();
  await restartScenario();
  const header = ['scenario', 'what ran', 'answers', 'checked', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`\nauto-vid reliability (${((Date.now() - started) / 1000).toFixed(0)} s)\n\n`);
  process.stdout.write(`${line(header)}\n| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
  const failed = rows.filter((r) => r.at(-1) !== 'ok').length;
  process.stdout.write(`\n${failed === 0 ? 'all scenarios held' : `${failed} scenario(s) FAILED`}\n`);
  process.exit(failed === 0 ? 0 : 1);
}

await main();
