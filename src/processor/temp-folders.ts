import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temp folders carry the pid of the process that made them (`auto-vid-job-<pid>-XXXXXX`), so a run
 * that was killed before it could clean up (kill -9, a crash, an out-of-memory kill) can be told
 * from one still working, and its leftovers removed by the next run.
 */
export type TempFolderKind = 'job' | 'out' | 'emulators';

const FOLDER = /^auto-vid-(?:job|out|emulators)-(\d+)-/;
const PARTIAL = /^\..+\.(\d+)\.partial$/;

/** A new temp folder of this process under `root` (the system's temp folder by default). */
export function makeTempFolder(kind: TempFolderKind, root: string = tmpdir()): Promise<string> {
  return mkdtemp(join(root, `auto-vid-${kind}-${process.pid}-`));
}

/** True while a process with this pid exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp folders, and the `.<name>.<pid>.partial` files, of processes that no longer
 * run. Returns the names removed. Never fails: a leftover is not worth stopping a start for.
 */
export async function sweepDeadRuns(
  root: string = tmpdir(),
  isAlive: (pid: number) => boolean = isProcessAlive,
): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const dead = names.filter((name) => {
    const pid = Number((FOLDER.exec(name) ?? PARTIAL.exec(name))?.[1] ?? Number.NaN);
    return Number.isInteger(pid) && pid !== process.pid && !isAlive(pid);
  });
  await Promise.all(
    dead.map((name) => rm(join(root, name), { recursive: true, force: true }).catch(() => undefined)),
  );
  return dead;
}

/** The name an output is written under until it is complete; the pid tells a dead run's apart. */
export function partialName(filename: string): string {
  return `.${filename}.${process.pid}.partial`;
}
