// npm run demo: the end-to-end walk through the local stack. Until the local stack lands, it checks
// the sample specs against the contract and says what the full demo will do.
import { readdir, readFile } from 'node:fs/promises';
import { validateJobSpec } from '@auto-vid/shared';

const samples = new URL('../tests/corpus/valid/', import.meta.url);
for (const name of (await readdir(samples)).filter((n) => n.endsWith('.spec.json')).sort()) {
  const result = validateJobSpec(JSON.parse(await readFile(new URL(name, samples), 'utf8')));
  process.stdout.write(`${name}: ${result.ok ? 'valid' : result.error.message}\n`);
}
process.stdout.write(
  '\nNot yet: starting the local stack, uploading the sample media, submitting the spec, following\n' +
    'its progress and receiving the webhook. This command will do all of that as those parts land.\n',
);
