import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/local/free-port.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface DevProcess {
  readonly url: string;
  readonly apiKey: string;
  readonly output: string[];
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `auto-vid dev` as a separate process, as a user starts it; resolves once its banner is printed. */
export async function startDevProcess(
  dataDir: string,
  flags: string[] = [],
  env: Record<string, string> = {},
): Promise<DevProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [`${root}bin/auto-vid.js`, 'dev', '--port', String(port), '--data-dir', dataDir, ...flags],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AUTO_VID_API_KEY: '', AUTO_VID_API_KEYS: '', ...env },
    },
  );
  const output: string[] = [];
  const banner = new Promise<{ url: string; apiKey: string }>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      output.push(...chunk.toString().split('\n').filter(Boolean));
      const url = /running at (http:\/\/\S+)/.exec(text)?.[1];
      const apiKey = /API key:\s+(\S+)/.exec(text)?.[1];
      if (url && apiKey) resolve({ url, apiKey });
    });
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`auto-vid dev exited with ${code}: ${output.join('\n')}`)));
  });
  const { url, apiKey } = await banner;
  return {
    url,
    apiKey,
    output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}
