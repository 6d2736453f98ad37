import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeTone, makeVideo, probeDuration } from '../support/media.ts';

const CLI = new URL('../../bin/auto-vid.js', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'auto-vid-cli-render-'));

function runCli(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: work });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  makeVideo(work, 'clip.mp4', 4);
  makeTone(work, 'music.wav', 440, 3);
  writeFileSync(
    join(work, 'job.json'),
    JSON.stringify({
      jobInfo: { title: 'CLI render' },
      assets: { video: { id: 'v', source: 'clip.mp4' }, audio: [{ id: 'm', source: 'music.wav' }] },
      backgroundMusic: { playlist: ['m'], crossfadeDuration: 0.5 },
      timeline: [
        { start: 1, type: 'tts', data: { text: 'Rendered from the command line.', duckingLevel: 0.2 } },
      ],
      output: { filename: 'from-cli' },
    }),
  );
});

describe('auto-vid render', () => {
  it('renders relative file sources into --out and prints the job view with --json', () => {
    const result = runCli(['render', 'job.json', '--out', 'renders', '--json']);
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout.trim().split('\n').at(-1) as string);
    expect(view).toMatchObject({ status: 'completed', error: null, jobInfo: { title: 'CLI render' } });
    expect(view.localPath).toBe(join(work, 'renders', 'from-cli.mp4'));
    expect(view.output.duration).toBeCloseTo(4, 1);
    expect(Math.abs(probeDuration(view.localPath) - 4)).toBeLessThanOrEqual(1 / 30);
    expect(Object.keys(view.output.audio)).toEqual(['integratedLufs', 'truePeakDbtp', 'loudnessRange']);
    expect(view.output.audio.integratedLufs).toBeGreaterThan(-40);
    expect(view.output.audio.integratedLufs).toBeLessThan(-5);
  });

  it('fails with exit 1 and a one-line reason', () => {
    writeFileSync(
      join(work, 'missing.json'),
      JSON.stringify({
        assets: { video: { id: 'v', source: 'gone.mp4' }, audio: [] },
        timeline: [],
        output: { filename: 'x' },
      }),
    );
    expect(runCli(['render', 'missing.json'])).toEqual({
      code: 1,
      stdout: '',
      stderr: "Render failed: Asset 'v' (gone.mp4) could not be fetched: no such file\n",
    });
  });

  it('prints the spec errors for an invalid spec', () => {
    writeFileSync(join(work, 'invalid.json'), JSON.stringify({ assets: {} }));
    const result = runCli(['render', 'invalid.json']);
    expect(result.code).toBe(1);
    expect(result.stderr.startsWith('Invalid job specification:\n')).toBe(true);
  });
});
