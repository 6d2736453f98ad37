// npm run build [LogicalId …]: every deployable artifact, built the way `sam build` builds it.
//   - each esbuild function with the BuildProperties template.yaml gives it → dist/<LogicalId>/
//   - the SharedLayer by its own Makefile                                  → dist/SharedLayer/
//   - each image function's bundle (shared code inside)                   → dist/<LogicalId>/
//   - the web console's static files (name: console)                       → dist/console/
// processor-container/Dockerfile runs `node scripts/build.ts VideoProcessorFunction
// ChunkEncoderFunction` and copies both bundles into its one image: each function names its own
// handler file, so they sit side by side in the task root.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import { buildConsole } from '../src/local/console-bundle.ts';
import { codeUriPath, functionCode, loadTemplate } from '../src/template/template.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const template = loadTemplate(new URL('../template.yaml', import.meta.url));

interface EsbuildProperties {
  Format?: 'esm' | 'cjs';
  Platform?: 'node';
  Target?: string;
  Minify?: boolean;
  Sourcemap?: boolean;
  OutExtension?: string[];
  External?: string[];
  Banner?: string[];
  EntryPoints: string[];
}

/**
 * SAM's esbuild BuildProperties as esbuild options (SAM passes them on the same way), run in
 * `workingDir` (the function's CodeUri) as SAM runs esbuild there.
 */
export function toEsbuildOptions(
  properties: EsbuildProperties,
  outdir: string,
  workingDir = root,
): BuildOptions {
  const pairs = (list: string[] | undefined) =>
    Object.fromEntries(
      (list ?? []).map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]),
    );
  return {
    absWorkingDir: workingDir,
    entryPoints: properties.EntryPoints,
    bundle: true,
    outdir,
    platform: properties.Platform ?? 'node',
    format: properties.Format ?? 'cjs',
    target: properties.Target ?? 'node24',
    minify: properties.Minify ?? true,
    sourcemap: properties.Sourcemap ?? false,
    outExtension: pairs(properties.OutExtension),
    external: properties.External ?? [],
    banner: pairs(properties.Banner),
    logLevel: 'warning',
  };
}

async function buildFunction(
  logicalId: string,
  properties: EsbuildProperties,
  workingDir: string,
): Promise<void> {
  const outdir = `${root}dist/${logicalId}`;
  rmSync(outdir, { recursive: true, force: true });
  await build(toEsbuildOptions(properties, outdir, workingDir));
  process.stdout.write(`built dist/${logicalId}\n`);
}

function buildLayer(): void {
  execFileSync(
    'make',
    [
      '--no-print-directory',
      '-C',
      `${root}shared-layer`,
      'build-SharedLayer',
      `ARTIFACTS_DIR=${root}dist/SharedLayer`,
    ],
    { stdio: 'inherit' },
  );
  process.stdout.write('built dist/SharedLayer\n');
}

const zipFunctions = Object.entries(template.Resources).flatMap(([id, resource]) =>
  resource.Type === 'AWS::Serverless::Function' && resource.Metadata?.BuildMethod === 'esbuild'
    ? [
        {
          id,
          properties: resource.Metadata.BuildProperties as EsbuildProperties,
          workingDir: `${root}${codeUriPath(resource)}`,
        },
      ]
    : [],
);

// An image has no layer: its bundle carries the shared code, with the zip functions' settings
// otherwise, from the entry point its ImageConfig.Command (else its Dockerfile's CMD) names.
const [first] = zipFunctions;
const imageFunctions = Object.entries(template.Resources).flatMap(([id, resource]) =>
  resource.Type === 'AWS::Serverless::Function' && resource.Properties?.PackageType === 'Image'
    ? [
        {
          id,
          properties: {
            ...(first?.properties as EsbuildProperties),
            External: [],
            EntryPoints: [functionCode(template, id).entryPoint],
          },
          workingDir: root,
        },
      ]
    : [],
);

const wanted = new Set(process.argv.slice(2));
const selected = (id: string) => wanted.size === 0 || wanted.has(id);
for (const { id, properties, workingDir } of [...zipFunctions, ...imageFunctions]) {
  if (selected(id)) await buildFunction(id, properties, workingDir);
}
if (selected('SharedLayer')) buildLayer();
if (selected('console')) await writeConsole();

/** The console as files for any static host (or the bucket's console/ behind the distribution). */
async function writeConsole(): Promise<void> {
  const outdir = `${root}dist/console/`;
  rmSync(outdir, { recursive: true, force: true });
  const bundle = await buildConsole();
  for (const [name, bytes] of bundle.files) {
    mkdirSync(dirname(`${outdir}${name}`), { recursive: true });
    writeFileSync(`${outdir}${name}`, bytes);
  }
  const { bytes, gzipBytes } = bundle.firstLoad;
  const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
  process.stdout.write(`built dist/console (first load ${kB(bytes)}, ${kB(gzipBytes)} gzipped)\n`);
}
