import { once } from 'node:events';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkSignature } from './sigv4-check.ts';

/** The embedded S3's one key pair (what the SDK clients of the local stack sign with). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3Front {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The embedded S3's public port: every request's SigV4 signature is checked, as S3 does, before it
 * is passed on to s3rver (which checks none). CORS preflights pass unsigned, as on S3.
 */
export async function startS3Front(options: {
  readonly host: string;
  readonly port: number;
  readonly backendPort: number;
}): Promise<S3Front> {
  const secretFor = (accessKeyId: string) =>
    accessKeyId === LOCAL_S3_CREDENTIALS.accessKeyId ? LOCAL_S3_CREDENTIALS.secretAccessKey : undefined;
  // Its own pool to s3rver, emptied on close: s3rver's close waits for every open connection.
  const agent = new Agent({ keepAlive: true });
  const server = createServer((incoming, outgoing) => {
    const check =
      incoming.method === 'OPTIONS'
        ? ({ ok: true } as const)
        : checkSignature(
            { method: incoming.method ?? 'GET', url: incoming.url ?? '/', headers: incoming.headers },
            secretFor,
          );
    if (!check.ok) return refuse(outgoing, check, incoming);
    forward(incoming, outgoing, { ...options, agent });
  });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      agent.destroy();
    },
  };
}

function refuse(
  outgoing: ServerResponse,
  { code, reason }: { readonly code: string; readonly reason: string },
  incoming: IncomingMessage,
): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(reason)}</Message></Error>`;
  incoming.resume();
  outgoing.writeHead(403, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  outgoing.end(body);
}

function forward(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  options: { readonly host: string; readonly backendPort: number; readonly agent: Agent },
): void {
  const upstream = request(
    {
      host: options.host,
      port: options.backendPort,
      method: incoming.method,
      path: incoming.url,
      headers: incoming.headers,
      agent: options.agent,
    },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  upstream.on('error', () => outgoing.destroy());
  // A client that goes away takes its upstream request along.
  outgoing.on('close', () => upstream.destroy());
  incoming.pipe(upstream);
}

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
