import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';

export interface RunProcessOptions {
  /** Stops the process (SIGTERM, then SIGKILL after a grace period). */
  readonly signal?: AbortSignal;
  /** Epoch milliseconds after which the process is stopped as for an abort. */
  readonly deadlineAt?: number;
  /** Called for each stdout line; without it stdout is collected and returned. */
  readonly onStdoutLine?: (line: string) => void;
  /**
   * Writes stdout, as bytes, into a file. Past `maxBytes` nothing more is written and the process
   * is stopped: the result then says `stdoutCut`.
   */
  readonly stdoutFile?: { readonly path: string; readonly maxBytes: number };
  /** How many of the last stderr lines to keep for error messages. */
  readonly stderrLines?: number;
}

export interface ProcessResult {
  readonly exitCode: number | null;
  readonly killedBy: 'abort' | 'deadline' | null;
  readonly stdout: string;
  /** True when stdout reached `stdoutFile.maxBytes` and the process was stopped for it. */
  readonly stdoutCut: boolean;
  readonly stderrTail: string[];
}

const KILL_GRACE_MS = 2_000;

let parentDeathPrefix: readonly string[] | undefined;

/**
 * A child must not outlive this process: an ffmpeg left behind by a killed server keeps running
 * beside the retry. On Linux, util-linux's `setpriv --pdeathsig KILL` asks the kernel to kill the
 * child when its parent dies (it then execs the command, so the pid is the command's). Where
 * setpriv is missing the command starts as it is.
 */
function endsWithParent(command: string, args: readonly string[]): [string, readonly string[]] {
  parentDeathPrefix ??=
    process.platform === 'linux' && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0
      ? ['--pdeathsig', 'KILL', '--']
      : [];
  return parentDeathPrefix.length === 0
    ? [command, args]
    : ['setpriv', [...parentDeathPrefix, command, ...args]];
}

/**
 * The one place that starts processes. Arguments always go as an array, never through a shell.
 * Resolves when the process has exited, whatever its exit code; rejects only when it cannot start.
 */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions = {}) {
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(...endsWithParent(command, args), { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = options.stderrLines ?? 20;
    const stderrTail: string[] = [];
    let stdout = '';
    let killedBy: ProcessResult['killedBy'] = null;
    let killTimer: NodeJS.Timeout | undefined;

    const stop = (reason: 'abort' | 'deadline') => {
      if (killedBy !== null || child.exitCode !== null) return;
      killedBy = reason;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    const onAbort = () => stop('abort');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const deadlineTimer =
      options.deadlineAt === undefined
        ? undefined
        : setTimeout(() => stop('deadline'), Math.max(0, options.deadlineAt - Date.now()));
    if (options.signal?.aborted) onAbort();

    let stdoutCut = false;
    let written: Promise<unknown> = Promise.resolve();
    if (options.stdoutFile) {
      const { path, maxBytes } = options.stdoutFile;
      const file = createWriteStream(path);
      let room = maxBytes;
      written = finished(file);
      child.stdout.on('data', (chunk: Buffer) => {
        if (room <= 0) return;
        file.write(chunk.subarray(0, room));
        room -= chunk.length;
        if (room > 0) return;
        stdoutCut = true;
        child.kill('SIGTERM');
      });
      child.stdout.once('close', () => file.end());
    } else if (options.onStdoutLine) {
      createInterface({ input: child.stdout }).on('line', options.onStdoutLine);
    } else {
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
      });
    }
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > keep) stderrTail.shift();
    });

    child.once('error', (error) => {
      clearTimeout(deadlineTimer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('close', (exitCode) => {
      clearTimeout(deadlineTimer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      written.then(
        () => resolve({ exitCode, killedBy, stdout, stdoutCut, stderrTail }),
        (error: unknown) => reject(error),
      );
    });
  });
}
