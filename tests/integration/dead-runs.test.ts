import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { sweepDeadRuns } from '../../src/processor/temp-folders.ts';

/** What a run killed with -9 leaves behind: processes that outlive it, folders nobody removes. */

/** Gone, or a zombie nobody reaped yet (in a container the init process may never reap it). */
function isGone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

const runProcessModule = new URL('../../src/processor/run-process.ts', import.meta.url).href;

describe('a killed run', () => {
  it('takes the processes it started with it', async () => {
    // A parent that starts a long child through runProcess, prints the child's pid, and waits.
    const script = `
      import { runProcess } from ${JSON.stringify(runProcessModule)};
      await runProcess('sh', ['-c', 'echo $$; exec sleep 30'], { onStdoutLine: (line) => console.log(line) });
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const childPid = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
    );
    expect(isGone(childPid)).toBe(false);

    parent.kill('SIGKILL');
    for (let i = 0; i < 20 && !isGone(childPid); i++) await sleep(50);

    expect(isGone(childPid)).toBe(true);
  });

  it("has its temp folders and partial files removed by the next start, and no live run's", async () => {
    const root = mkdtempSync(join(tmpdir(), 'auto-vid-sweep-'));
    const dead = spawnSync('true').pid as number;
    const live = spawn('sleep', ['30']);
    const livePid = live.pid as number;
    try {
      const made = [
        `auto-vid-job-${dead}-a1b2c3`,
        `auto-vid-out-${dead}-d4e5f6`,
        `auto-vid-emulators-${dead}-g7h8i9`,
        `auto-vid-job-${livePid}-j1k2l3`,
        `auto-vid-job-${process.pid}-m4n5o6`,
        'auto-vid-job-notapid-p7q8r9',
        'unrelated',
      ];
      for (const name of made) mkdirSync(join(root, name));
      writeFileSync(join(root, `.film.mp4.${dead}.partial`), 'half a video');
      writeFileSync(join(root, `.film.mp4.${livePid}.partial`), 'half a video');

      const removed = await sweepDeadRuns(root);

      expect(removed.sort()).toEqual([`.film.mp4.${dead}.partial`, ...made.slice(0, 3)].sort());
      expect(readdirSync(root).sort()).toEqual([`.film.mp4.${livePid}.partial`, ...made.slice(3)].sort());
    } finally {
      live.kill('SIGKILL');
    }
  });
});
