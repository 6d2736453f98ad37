import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../../bin/auto-vid.js', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'auto-vid-cli-'));

function runCli(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function specFile(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe('auto-vid validate', () => {
  it('prints valid and exits 0 for a valid spec', () => {
    const path = new URL('../corpus/valid/docs-full-custom-bucket.spec.json', import.meta.url).pathname;
    expect(runCli('validate', path)).toEqual({ code: 0, stdout: 'valid\n', stderr: '' });
  });

  it('prints the exact error text and exits 1 for an invalid spec', () => {
    const path = specFile(
      'bad.json',
      JSON.stringify({
        assets: { video: { id: 'v', source: 's3://bucket/v.mp4' }, audio: [] },
        timeline: [{ start: -1 }],
      }),
    );
    expect(runCli('validate', path)).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'Invalid job specification:\n' +
        "  - Field 'timeline -> 0 -> type': Input should be 'tts' or 'audio'\n" +
        "  - Field 'output': Field required\n",
    });
  });

  it('says Invalid JSON and exits 1 for a file that is not JSON', () => {
    const result = runCli('validate', specFile('broken.json', '{"assets": '));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Invalid JSON: .+\n$/);
  });

  it('exits 2 when the file cannot be read', () => {
    const result = runCli('validate', join(work, 'missing.json'));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`Cannot read ${join(work, 'missing.json')}: ENOENT\n`);
  });

  it('exits 2 on a usage error and 0 for --help', () => {
    expect(runCli('validate').code).toBe(2);
    expect(runCli('frobnicate').code).toBe(2);
    const help = runCli('validate', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: auto-vid validate [options] <spec.json>');
  });
});
