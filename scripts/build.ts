// npm run build: every deployable artifact, built the way `sam build` builds it.
import { execFileSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

// The layer is built by its own Makefile, exactly as SAM's makefile build method runs it.
execFileSync(
  'make',
  [
    '--no-print-directory',
    '-C',
    `${root}shared-layer`,
    'build-SharedLayer',
    `ARTIFACTS_DIR=${root}dist/SharedLayer`,
  ],
  {
    stdio: 'inherit',
  },
);
process.stdout.write('built dist/SharedLayer\n');
