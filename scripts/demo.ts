// npm run demo: auto-vid end to end on this machine, no AWS account. It makes its own media with
// ffmpeg, starts the local stack (the same handlers as on AWS, against embedded DynamoDB, S3 and
// SQS), uploads the media through POST /uploads, submits samples/demo.local.json with the
// uploaded s3:// sources, follows the job with a progress bar, receives and verifies the webhook,
// and downloads the MP4 through its presigned URL.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { formatProgressBar } from '../src/cli/progress-bar.ts';
import { startDevServer } from '../src/local/dev-server/dev-server.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const mediaDir = join(root, 'samples/media');
const err = process.stderr;
const step = (text: string) => err.write(`\n▶ ${text}\n`);

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Demo media from ffmpeg's test sources, made once. */
function makeMedia(): Record<string, string> {
  mkdirSync(mediaDir, { recursive: true });
  const files = {
    'demo-video.mp4': [
      ...['-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30', '-f', 'lavfi', '-i', 'sine=f=300'],
      ...['-t', '15', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'],
    ],
    'music-a.wav': [
      ...['-f', 'lavfi', '-i', 'sine=f=220:r=48000', '-f', 'lavfi', '-i', 'sine=f=277:r=48000'],
      ...['-f', 'lavfi', '-i', 'anoisesrc=color=pink:a=0.05:r=48000'],
      ...['-filter_complex', '[0][1][2]amix=inputs=3,tremolo=f=2:d=0.4', '-ac', '2', '-t', '9'],
    ],
    'music-b.wav': [
      ...['-f', 'lavfi', '-i', 'sine=f=330:r=48000', '-f', 'lavfi', '-i', 'sine=f=415:r=48000'],
      ...['-f', 'lavfi', '-i', 'anoisesrc=color=pink:a=0.05:r=48000'],
      ...['-filter_complex', '[0][1][2]amix=inputs=3,tremolo=f=3:d=0.4', '-ac', '2', '-t', '9'],
    ],
    'whoosh.wav': [
      ...['-f', 'lavfi', '-i', 'anoisesrc=color=white:a=0.4:r=48000:d=0.7'],
      ...['-af', 'highpass=f=800,afade=t=in:d=0.3,afade=t=out:st=0.35:d=0.35', '-ac', '2'],
    ],
  };
  const paths: Record<string, string> = {};
  for (const [name, args] of Object.entries(files)) {
    const path = join(mediaDir, name);
    if (!existsSync(path)) ffmpeg([...args, path]);
    paths[name] = path;
  }
  return paths;
}

function contentTypeOf(name: string): string {
  return name.endsWith('.mp4') ? 'video/mp4' : 'audio/wav';
}

/** A webhook receiver on loopback (allowed in local mode) that resolves with the first delivery. */
async function startReceiver() {
  let deliver: (hook: { headers: Record<string, string>; body: string }) => void = () => {};
  const received = new Promise<{ headers: Record<string, string>; body: string }>((resolve) => {
    deliver = resolve;
  });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(204).end();
      deliver({
        headers: request.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString('utf8'),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/video`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function drawProgress(status: string, percent: number): void {
  const line = `  ${status.padEnd(10)} ${formatProgressBar(percent)}`;
  err.write(err.isTTY ? `\r${line}` : `${line}\n`);
}

async function main(): Promise<void> {
  step('Making demo media with ffmpeg (samples/media/)');
  const media = makeMedia();

  step('Starting the local stack (embedded DynamoDB, S3 and SQS, the real handlers)');
  const dataDir = mkdtempSync(join(tmpdir(), 'auto-vid-demo-'));
  const stack = await startDevServer({
    dataDir,
    port: 0,
    rate: 20,
    burst: 40,
    quota: 10_000,
    logLevel: 'WARN',
    log: () => {},
  });
  const receiver = await startReceiver();
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers: { 'X-API-Key': stack.apiKey, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok)
      throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
    return json;
  };
  err.write(`  API ${stack.url}, key ${stack.apiKey}\n`);

  try {
    step('Uploading the media through POST /uploads and the presigned URLs');
    const names = Object.keys(media);
    const { uploads } = (await api('POST', '/uploads', {
      files: names.map((name) => ({
        name,
        contentType: contentTypeOf(name),
        size: statSync(media[name] as string).size,
      })),
    })) as {
      uploads: { name: string; source: string; uploadUrl: string; headers: Record<string, string> }[];
    };
    for (const upload of uploads) {
      // The URL signs the type and size: the PUT sends exactly the headers it was given.
      const put = await fetch(upload.uploadUrl, {
        method: 'PUT',
        headers: upload.headers,
        body: readFileSync(media[upload.name] as string),
      });
      if (!put.ok) throw new Error(`Upload of ${upload.name} answered ${put.status}`);
      err.write(`  ${upload.name} → ${upload.source}\n`);
    }

    step('Submitting samples/demo.local.json with the uploaded sources');
    const spec = JSON.parse(readFileSync(join(root, 'samples/demo.local.json'), 'utf8'));
    const sourceOf = new Map(uploads.map((u) => [u.name, u.source]));
    for (const asset of [spec.assets.video, ...spec.assets.audio]) {
      asset.source = sourceOf.get(basename(asset.source)) ?? asset.source;
    }
    spec.notifications.webhook.url = receiver.url;
    const submitted = await api('POST', '/submit', spec);
    const jobId = String(submitted.jobId);
    err.write(`  job ${jobId}: ${submitted.status}\n`);

    step('Following GET /status/{jobId}');
    let view: Record<string, unknown> = submitted;
    const deadline = Date.now() + 5 * 60_000;
    while (view.status !== 'completed' && view.status !== 'failed') {
      if (Date.now() > deadline) throw new Error('The job did not finish within 5 minutes');
      await new Promise((resolve) => setTimeout(resolve, 400));
      view = await api('GET', `/status/${jobId}`);
      drawProgress(String(view.status), view.status === 'completed' ? 100 : Number(view.progress ?? 0));
    }
    if (err.isTTY) err.write('\n');
    if (view.status === 'failed') throw new Error(`The job failed: ${view.error}`);

    step('Receiving the webhook');
    let timer: NodeJS.Timeout | undefined;
    const hook = await Promise.race([
      receiver.received,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('No webhook within 30 s')), 30_000);
      }),
    ]).finally(() => clearTimeout(timer));
    const secret = readFileSync(join(dataDir, 'webhook-secret'), 'utf8').trim();
    const payload = new Webhook(secret).verify(hook.body, hook.headers) as Record<string, unknown>;
    err.write(
      `  ${hook.headers['webhook-id']}: status ${payload.status}, metadata ${JSON.stringify(payload.metadata)}, signature verified\n`,
    );

    step('Downloading the MP4 through its presigned URL');
    const output = view.output as { url: string; s3Uri: string; duration: number; size: number };
    const download = await fetch(output.url);
    const bytes = Buffer.from(await download.arrayBuffer());
    const outDir = join(root, 'out');
    mkdirSync(outDir, { recursive: true });
    const localPath = join(outDir, 'auto-vid-demo.mp4');
    writeFileSync(localPath, bytes);

    process.stdout.write(
      [
        '',
        'auto-vid demo: done',
        `  job          ${jobId} (${view.processingTime} s to process)`,
        `  s3 object    ${output.s3Uri}`,
        `  presigned    ${output.url.split('?')[0]}?… (valid until ${view.urlExpiresAt ?? (view.output as { urlExpiresAt: string }).urlExpiresAt})`,
        `  local copy   ${localPath}`,
        `  duration     ${output.duration} s`,
        `  size         ${output.size} bytes (${bytes.length} downloaded)`,
        '',
      ].join('\n'),
    );
  } finally {
    await receiver.close();
    await stack.close();
  }
}

await main();
