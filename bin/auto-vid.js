#!/usr/bin/env node
// The CLI is TypeScript run by Node 24's built-in type stripping. The project pins Node 24 through
// its `node` devDependency; when an older node starts this file, it hands over to that one.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  const pinned = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(`auto-vid needs Node.js 24 (found ${process.version}). Run npm install first.\n`);
    process.exit(2);
  }
  const child = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  process.exit(child.status ?? 1);
}
await import('../src/cli.ts');
