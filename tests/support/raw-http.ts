import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A piece of what the client sends: bytes, or a pause before the next piece. */
export type RawPiece = string | Buffer | { readonly pauseMs: number };

/**
 * Writes `pieces` to a fresh TCP connection to `url`'s host and port, then either closes it at once
 * (`hangUp`, the client giving up mid-request) or waits up to `waitMs` for the server to answer and
 * close. Resolves with everything the server sent (empty when it sent nothing).
 */
export async function sendRaw(
  url: string,
  pieces: readonly RawPiece[],
  options: { readonly hangUp?: boolean; readonly waitMs?: number } = {},
): Promise<string> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const received: Buffer[] = [];
  const closed = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  for (const piece of pieces) {
    if (typeof piece === 'object' && 'pauseMs' in piece) await sleep(piece.pauseMs);
    else socket.write(piece);
  }
  if (options.hangUp) socket.destroy();
  await Promise.race([closed, sleep(options.waitMs ?? 2_000)]);
  socket.destroy();
  return Buffer.concat(received).toString('latin1');
}
