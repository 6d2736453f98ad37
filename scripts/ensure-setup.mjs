// Makes a fresh clone ready to run: npm dependencies (which bring Node 24) and the system tools the
// renderer, the local speech stand-in and the browser tests use. Plain JavaScript on purpose: it runs on
// whatever Node the machine has, before Node 24 is installed. Used by `npm test` and `npm run demo`.
//
//   node scripts/ensure-setup.mjs [script.ts args…]
//
// With a script, it then runs that script on the project's Node 24 (a fresh shell may already have
// looked up the system's older node before the install).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SYSTEM_TOOLS = [
  { command: 'ffmpeg', aptPackage: 'ffmpeg' },
  { command: 'ffprobe', aptPackage: 'ffmpeg' },
  { command: 'espeak-ng', aptPackage: 'espeak-ng' },
  // The fonts burned-in captions draw with (src/processor/captions/write-captions.ts).
  { file: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', aptPackage: 'fonts-dejavu-core' },
  // The browser tests drive it with playwright-core (tests/support/browser.ts): Debian's build, so no
  // browser download is needed.
  { command: 'chromium', aptPackage: 'chromium' },
];

function log(message) {
  process.stderr.write(`[setup] ${message}\n`);
}

function hasCommand(command) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  log(`${command} ${args.join(' ')}`);
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

function npmDependenciesCurrent() {
  const installed = `${root}/node_modules/.package-lock.json`;
  if (!existsSync(installed) || !existsSync(`${root}/node_modules/.bin/node`)) return false;
  return statSync(installed).mtimeMs >= statSync(`${root}/package-lock.json`).mtimeMs;
}

function ensureSystemTools() {
  const missing = SYSTEM_TOOLS.filter((t) => (t.file ? !existsSync(t.file) : !hasCommand(t.command)));
  const packages = [...new Set(missing.map((t) => t.aptPackage))];
  if (packages.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !hasCommand('apt-get')) {
    log(`missing system packages: ${packages.join(' ')}`);
    log(`install them, e.g.: sudo apt-get install -y ${packages.join(' ')}`);
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`installing ${packages.join(' ')} with apt-get`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
}

if (!npmDependenciesCurrent()) run('npm', ['ci', '--no-audit', '--no-fund']);
ensureSystemTools();

const [script, ...args] = process.argv.slice(2);
if (script) {
  const child = spawn(`${root}node_modules/.bin/node`, [script, ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
