import type http from 'node:http';
import type { Config } from '../../src/lib/server/config.ts';
import { bodyLimit } from '../../src/lib/server/http/body-limits.ts';
import { formatHost } from '../../src/lib/server/http/host.ts';
import { edgeFacts, isKnownHost } from '../../src/lib/server/http/proxy.ts';

/**
 * The HTTP server's own checks, before Astro builds a Request (which would
 * fail on a malformed Host, answer any Host, and read any body):
 *
 * - a malformed Host (or trusted X-Forwarded-Host) → 400;
 * - a host that is neither an intranet host (TILTS_ALLOWED_HOSTS) nor the
 *   public origin's → 421 (Misdirected Request);
 * - a body over the route's limit (src/lib/server/http/body-limits.ts) → 413
 *   and the connection closed; a chunked body is read here, counted, and
 *   handed to Astro only when it fits.
 *
 * It also writes the effective host (normalised, the trusted proxy's
 * X-Forwarded-Host when given) into Host, and drops X-Forwarded-* headers
 * that did not come from a trusted proxy, so nothing later can believe them.
 * The middleware derives protocol and client address with the same function.
 */

/**
 * After a refusal the connection is closed, but not at once: closing a socket
 * whose client is still sending makes the kernel reset it, and the client may
 * then lose the answer. So the rest of the body is read and dropped ("lingering
 * close", as nginx does) until the client stops, for at most this long and
 * this much, and then the connection is cut.
 */
const LINGER_MS = 10_000;
const LINGER_BYTES = 256 * 1024 * 1024;

const FORWARDED = ['x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-for', 'x-forwarded-port', 'forwarded'] as const;

const TEXTS: Record<400 | 413 | 421, string> = {
  400: 'Nederīgs pieprasījums · Bad request · Неверный запрос',
  413: 'Pieprasījums ir par lielu · Request too large · Слишком большой запрос',
  421: 'Šī adrese nav šis serveris · Wrong address for this server · Неверный адрес для этого сервера',
};

/** A plain page in all three languages: the request never reached the app, so its language is unknown. */
function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: 400 | 413 | 421): void {
  const body = `<!doctype html><html lang="lv"><head><meta charset="utf-8"><title>${status} · Tilts</title></head><body><h1>${TEXTS[status]}</h1></body></html>`;
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', Connection: 'close' });
  const socket = req.socket;
  if (!req.complete) {
    // Node destroys a `Connection: close` socket once the answer is written; end it (FIN) instead, and linger.
    socket.destroySoon = () => void socket.end();
    let drained = 0;
    const cut = () => socket.destroy();
    req.on('data', (chunk: Buffer) => {
      drained += chunk.byteLength;
      if (drained > LINGER_BYTES) cut();
    });
    req.on('end', cut);
    req.resume();
    setTimeout(cut, LINGER_MS).unref();
  }
  res.end(body);
}

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(', ') : value);

/** Reads a body without Content-Length up to `limit` bytes; null when it is longer. */
function readLimited(req: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      resolve(null);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/**
 * Checks a request at the edge; true when it may go on to the app (then `req`
 * is ready for Astro), false when it was answered here.
 */
export async function admit(req: http.IncomingMessage, res: http.ServerResponse, config: Config): Promise<boolean> {
  const facts = edgeFacts(
    {
      peer: req.socket.remoteAddress,
      encrypted: 'encrypted' in req.socket && Boolean(req.socket.encrypted),
      header: (name) => headerValue(req.headers[name]),
    },
    config,
  );
  if (!facts) {
    refuse(req, res, 400);
    return false;
  }
  if (!isKnownHost(facts.host, config)) {
    refuse(req, res, 421);
    return false;
  }
  req.headers.host = formatHost(facts.host);
  delete req.headers['x-forwarded-host'];
  if (!facts.viaProxy) for (const name of FORWARDED) delete req.headers[name];

  const pathname = (req.url ?? '/').split('?')[0]!;
  const limit = bodyLimit(pathname);
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared) || Number(declared) > limit) {
      refuse(req, res, Number(declared) > limit ? 413 : 400);
      return false;
    }
    return true;
  }
  if (req.headers['transfer-encoding'] === undefined) return true;
  // A chunked body: read it here, counted, so that nothing downstream reads more than the limit.
  const body = await readLimited(req, limit).catch(() => null);
  if (body === null) {
    refuse(req, res, 413);
    return false;
  }
  (req as http.IncomingMessage & { body?: Buffer }).body = body;
  return true;
}
