import http from 'node:http';
import { SECURITY_HEADERS } from '../src/lib/server/http/security-headers.ts';
import { ENTRY } from './lib/build.ts';

/**
 * Serves the built app: Astro's standalone handler (static files, then pages)
 * inside our own HTTP server, so that static files get the same security
 * headers as pages and shutdown is clean.
 */
export async function serve({ host, port }: { host: string; port: number }): Promise<http.Server> {
  process.env.ASTRO_NODE_AUTOSTART = 'disabled';
  const { handler } = (await import(ENTRY)) as { handler: (req: http.IncomingMessage, res: http.ServerResponse) => void };
  const server = http.createServer((req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    handler(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}
