#!/usr/bin/env node
// The CLI is TypeScript run by Node 24's built-in type stripping; the project pins Node 24 through
// its `node` devDependency, so `npx auto-vid` and `npm run …` both use it.
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `auto-vid needs Node.js 24 (found ${process.version}). Run it through npx auto-vid or npm run.\n`,
  );
  process.exit(2);
}
await import('../src/cli.ts');
