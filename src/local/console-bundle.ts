import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

/** The web console as static files: `index.html` and the hashed scripts and styles it loads. */
export interface ConsoleBundle {
  /** Path inside the console folder (`index.html`, `app-XXXX.js`, `chunks/…`) → bytes. */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** What a first visit loads (the page, its script and styles), in bytes, raw and gzipped. */
  readonly firstLoad: { readonly bytes: number; readonly gzipBytes: number };
}

const CONSOLE_ROOT = new URL('../../console/', import.meta.url);

/**
 * Bundles console/ with esbuild (Preact's JSX, ES modules split so hls.js loads only for an HLS
 * job), minified for the browsers of the last two years, and writes index.html around the hashed
 * names. Nothing is written to disk: the dev server serves the map, `npm run build` writes it out.
 */
export async function buildConsole(): Promise<ConsoleBundle> {
  const result = await build({
    absWorkingDir: new URL('.', CONSOLE_ROOT).pathname,
    entryPoints: { app: 'src/main.tsx', styles: 'src/styles.css' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox121', 'safari17'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'linked',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    outdir: 'out',
    write: false,
    metafile: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
    plugins: [onlyEnglishZodMessages],
  });
  const files = new Map<string, Uint8Array>();
  const outdir = new URL('out/', CONSOLE_ROOT).pathname;
  for (const file of result.outputFiles) files.set(file.path.slice(outdir.length), file.contents);
  const named = (prefix: string, extension: string) =>
    [...files.keys()].find((name) => name.startsWith(prefix) && name.endsWith(extension)) as string;
  const script = named('app-', '.js');
  const styles = named('styles-', '.css');
  const page = new TextEncoder().encode(indexPage(script, styles));
  files.set('index.html', page);
  const firstLoad = [page, files.get(script), files.get(styles)] as Uint8Array[];
  return {
    files,
    firstLoad: {
      bytes: firstLoad.reduce((sum, file) => sum + file.length, 0),
      gzipBytes: firstLoad.reduce((sum, file) => sum + gzipSync(file, { level: 9 }).length, 0),
    },
  };
}

/**
 * zod's `z` namespace re-exports every message locale (about 300 kB minified), which no tree
 * shaking can drop; the contract's messages are its own and zod's default (English) is imported on
 * its own, so the namespace of the others becomes an empty module.
 */
const onlyEnglishZodMessages: Plugin = {
  name: 'only-english-zod-messages',
  setup(plugin) {
    plugin.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${'node_modules'}/zod/`)
        ? { path: 'zod-locales', namespace: 'empty' }
        : undefined,
    );
    plugin.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

function indexPage(script: string, styles: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>auto-vid console</title>
<link rel="stylesheet" href="${styles}">
<script type="module" src="${script}"></script>
</head>
<body>
<div id="app"></div>
<noscript>The auto-vid console needs JavaScript.</noscript>
</body>
</html>
`;
}
