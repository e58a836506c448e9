import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import send from 'send';
import { SECURITY_HEADERS } from '../src/lib/server/http/security-headers.ts';
import { loadConfig } from '../src/lib/server/config.ts';
import { serverEntry } from './lib/build.ts';
import { admit } from './lib/edge.ts';
import { StartupError } from '../src/lib/server/storage/database-file.ts';

type AppHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

/** Every file of the built client folder, as URL paths (`/_astro/x.css`, `/favicon.svg`). */
function staticPaths(clientDir: string): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else found.add('/' + path.relative(clientDir, full).split(path.sep).join('/'));
    }
  };
  if (fs.existsSync(clientDir)) walk(clientDir);
  return found;
}

/**
 * Takes the port before anything else happens, so that a port in use stops
 * the start before migrations, the course sync or the seed write anything.
 * Until `serve` hands it the app, the server answers 503 "starting" (a health
 * check waits for it). Refusals are one line naming PORT and HOST.
 */
export async function openPort({ host, port }: { host: string; port: number }): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '5' }).end('{"status":"starting"}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'EADDRINUSE'
          ? 'is in use by another program'
          : error.code === 'EACCES'
            ? 'needs privileges this user lacks (use a port above 1023)'
            : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
              ? 'is not an address of this machine'
              : `cannot be opened`;
      reject(new StartupError(`PORT=${port} on HOST=${host} ${why} (${error.code ?? error.message})`));
    });
    server.listen(port, host, () => resolve());
  });
  return server;
}

/**
 * Serves the built app on the server `openPort` opened. Astro runs in the
 * adapter's middleware mode: this server answers for the files of
 * dist/client (known at start, so a page request costs no file-system
 * lookup) and hands everything else to Astro. Every response, static or not,
 * carries the security headers. Before either, the edge checks
 * (scripts/lib/edge.ts) refuse malformed and unknown hosts and oversized bodies.
 */
export async function serve(server: http.Server): Promise<http.Server> {
  const entry = serverEntry();
  const { handler } = (await import(entry)) as { handler: AppHandler };
  const clientDir = path.resolve(path.dirname(entry), '..', 'client');
  const files = staticPaths(clientDir);
  const config = loadConfig();
  server.removeAllListeners('request');
  server.on('request', async (req: http.IncomingMessage, res: http.ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    if (!(await admit(req, res, config))) return;
    const pathname = (req.url ?? '/').split('?')[0]!;
    if ((req.method === 'GET' || req.method === 'HEAD') && files.has(pathname)) {
      // Hashed build assets never change; other public files are revalidated.
      const immutable = pathname.startsWith('/_astro/');
      send(req, pathname, { root: clientDir, index: false, dotfiles: 'deny', immutable, maxAge: immutable ? '365d' : 0 })
        .on('error', () => {
          res.statusCode = 404;
          res.end();
        })
        .pipe(res);
      return;
    }
    void handler(req, res);
  });
  server.keepAliveTimeout = 65_000;
  // Stop taking requests, let those in flight finish (at most 5 s), then exit.
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}
