import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { buildConsole, type ConsoleBundle } from '../console-bundle.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page may load its own files, call any API (its URL is the user's to give) and S3, and play
 * media from the bucket; hls.js runs its worker from a blob.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  'connect-src * data: blob:',
  'img-src * data: blob:',
  'media-src * blob:',
  'worker-src blob:',
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The web console for the dev server's gateway: index.html at `/`, `/console` and `/console/`, its
 * files under both, built once (on the first visit) and kept in memory. Answers undefined for any
 * other path, which the gateway then refuses as API Gateway does.
 */
export function consoleSite(
  bundle: () => Promise<ConsoleBundle> = onceBuilt(),
): (request: IncomingMessage, response: ServerResponse, pathname: string) => Promise<number | undefined> {
  return async (request, response, pathname) => {
    const name = fileNameOf(pathname);
    if (name === undefined) return undefined;
    const { files } = await bundle();
    const body = files.get(name);
    if (!body) return undefined;
    response.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      // Hashed names never change; the page is looked up again each visit.
      'Cache-Control': name === 'index.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      ...(name === 'index.html' ? { 'Content-Security-Policy': CONTENT_SECURITY_POLICY } : {}),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
    return 200;
  };
}

/** The console file a path names, or undefined when it names none. */
function fileNameOf(pathname: string): string | undefined {
  if (pathname === '/' || pathname === '/console' || pathname === '/console/') return 'index.html';
  const inside = pathname.replace(/^\/console\//, '/').slice(1);
  return /^(chunks\/)?[A-Za-z0-9_.-]+\.(js|css|txt)$/.test(inside) ? inside : undefined;
}

/** One build per process, started at the first visit; a failed build is tried again at the next. */
function onceBuilt(): () => Promise<ConsoleBundle> {
  let built: Promise<ConsoleBundle> | undefined;
  return () => {
    built ??= buildConsole().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}
