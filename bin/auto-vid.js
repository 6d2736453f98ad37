#!/usr/bin/env node
// The CLI is TypeScript run by Node 24's built-in type stripping. The project pins Node 24 through
// its `node` devDependency; when an older node starts this file, it hands over to that one.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  const pinned = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(`auto-vid needs Node.js 24 (found ${process.version}). Run npm install first.\n`);
    process.exit(2);
  }
  const args = [fileURLToPath(import.meta.url), ...process.argv.slice(2)];
  // The Node 24 process must not outlive this one, even when this one is killed with -9: on Linux
  // setpriv asks the kernel to send it SIGTERM then (it shuts down as for Ctrl-C).
  const setpriv =
    process.platform === 'linux' && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
  const child = setpriv
    ? spawn('setpriv', ['--pdeathsig', 'TERM', '--', pinned, ...args], { stdio: 'inherit' })
    : spawn(pinned, args, { stdio: 'inherit' });
  // Signals sent to this process alone (kill, a supervisor) reach the one doing the work.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
} else {
  await import('../src/cli.ts');
}
