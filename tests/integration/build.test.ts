import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProxyEvent } from '../../src/local/dev-server/proxy-event.ts';
import { functionCode, loadTemplate } from '../../src/template/template.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const template = loadTemplate();
const functions = Object.entries(template.Resources).filter(
  ([, r]) => r.Type === 'AWS::Serverless::Function',
);
const isImage = (logicalId: string) => template.Resources[logicalId]?.Properties?.PackageType === 'Image';
const imageFunctions = functions.map(([id]) => id).filter(isImage);

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/build.ts')], { cwd: root, stdio: 'pipe' });
}, 120_000);

/** A copy of one function's artifact laid out as Lambda runs it: /var/task plus the layer's /opt/nodejs. */
function stage(logicalId: string): string {
  const task = mkdtempSync(join(tmpdir(), `auto-vid-${logicalId}-`));
  cpSync(join(root, 'dist', logicalId), task, { recursive: true });
  if (!isImage(logicalId)) {
    symlinkSync(join(root, 'dist/SharedLayer/nodejs/node_modules'), join(task, 'node_modules'));
  }
  return task;
}

describe('npm run build', () => {
  it('builds the layer where the Node.js runtime looks for it', () => {
    expect(existsSync(join(root, 'dist/SharedLayer/nodejs/node_modules/@auto-vid/shared/index.js'))).toBe(
      true,
    );
  });

  it.each(functions)('bundles %s so that its handler loads', async (logicalId) => {
    const [file, exported] = functionCode(template, logicalId).handler.split('.') as [string, string];
    const task = stage(logicalId);
    expect(readdirSync(task)).toContain(`${file}.mjs`);
    const module = await import(join(task, `${file}.mjs`));
    expect(typeof module[exported]).toBe('function');
  });

  it('lays out the image as its Dockerfile does, with the handler of every function that runs it', async () => {
    // The runtime stage copies each bundle the build stage made into one task root.
    const dockerfile = readFileSync(join(root, 'processor-container/Dockerfile'), 'utf8');
    const sources =
      /^COPY --from=bundle (.+) \$\{LAMBDA_TASK_ROOT\}\/$/m.exec(dockerfile)?.[1]?.split(/\s+/) ?? [];
    expect(sources.length).toBe(imageFunctions.length);
    const task = mkdtempSync(join(tmpdir(), 'auto-vid-image-'));
    for (const source of sources) {
      cpSync(join(root, source.replace(/^\/build\//, '')), task, { recursive: true });
    }
    for (const logicalId of imageFunctions) {
      const [file, exported] = functionCode(template, logicalId).handler.split('.') as [string, string];
      const module = await import(join(task, `${file}.mjs`));
      expect(typeof module[exported], logicalId).toBe('function');
    }
    expect(readdirSync(task).sort()).toEqual(
      imageFunctions
        .flatMap((id) => {
          const file = functionCode(template, id).handler.split('.')[0];
          return [`${file}.mjs`, `${file}.mjs.map`];
        })
        .sort(),
    );
  });

  it('writes the console as static files whose page names only files that are there', () => {
    const page = readFileSync(join(root, 'dist/console/index.html'), 'utf8');
    const named = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(named).toHaveLength(2);
    for (const file of named) expect(existsSync(join(root, 'dist/console', file))).toBe(true);
    // hls.js is a chunk of its own, loaded only for a job with an HLS package.
    const app = readFileSync(
      join(root, 'dist/console', named.find((f) => f.endsWith('.js')) as string),
      'utf8',
    );
    const chunks = readdirSync(join(root, 'dist/console/chunks'));
    const hls = chunks.find((f) => /^hls-.*\.js$/.test(f)) as string;
    expect(readFileSync(join(root, 'dist/console/chunks', hls), 'utf8')).toContain('#EXT-X-STREAM-INF');
    expect(app).not.toContain('#EXT-X-STREAM-INF');
  });

  it('keeps the contract out of the zip bundles (it comes from the layer) and in the image bundles', async () => {
    const bundle = readFileSync(join(root, 'dist/SubmitJobFunction/submit-job.mjs'), 'utf8');
    expect(bundle).toMatch(/from\s*"@auto-vid\/shared"/);
    // Images take no layer: their bundles carry it.
    for (const logicalId of imageFunctions) {
      const file = functionCode(template, logicalId).handler.split('.')[0];
      const bundle = readFileSync(join(root, `dist/${logicalId}/${file}.mjs`), 'utf8');
      expect(bundle, logicalId).not.toMatch(/from\s*"@auto-vid\/shared"/);
    }
    expect([...imageFunctions].sort()).toEqual(['ChunkEncoderFunction', 'VideoProcessorFunction']);
  });

  it('serves docs/openapi.json from the bundled service function, zod from the layer', async () => {
    const task = stage('ServiceInfoFunction');
    const { wire } = await import(join(task, 'service-info.mjs'));
    const handler = wire({
      DYNAMODB_JOBS_TABLE: 'jobs',
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const event = buildProxyEvent(
      {
        method: 'GET',
        url: '/openapi.json',
        rawHeaders: ['Host', 'api.example.com'],
        httpVersion: '1.1',
        body: '',
      },
      { resource: '/openapi.json', host: 'api.example.com', apiKey: { value: 'k', id: 'k1' } },
    );
    const response = await handler(event);
    expect(response.statusCode).toBe(200);
    const served = JSON.parse(response.body);
    const committed = JSON.parse(readFileSync(join(root, 'docs/openapi.json'), 'utf8'));
    expect({ ...served, servers: committed.servers }).toEqual(committed);
  });
});
