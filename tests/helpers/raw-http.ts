import http from 'node:http';
import { Readable } from 'node:stream';

/**
 * Requests that fetch cannot make: any Host header, any method, and bodies
 * streamed from a generator (so a test can offer 150 MB without holding it in
 * memory), with or without Content-Length. Resolves when the answer has been
 * read; a connection the server cuts after answering is not an error.
 */

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Resolves when the server has closed the connection (never, if it keeps it alive). */
  closed: Promise<void>;
}

export interface RawRequest {
  port: number;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** A string, or a stream of bytes (sent chunked unless headers name a Content-Length). */
  body?: string | Readable;
  agent?: http.Agent | false;
  /** The client's own address, e.g. 127.0.0.2 to be another machine on loopback. */
  localAddress?: string;
}

export function rawRequest({ port, method = 'GET', path, headers = {}, body, agent = false, localAddress }: RawRequest): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent, localAddress }, (res) => {
      answered = true;
      const socket = res.socket;
      const closed = new Promise<void>((done) => (socket.destroyed ? done() : socket.once('close', () => done())));
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => undefined);
      res.on('end', () => {
        // A refused upload: stop sending the rest.
        if (!req.writableFinished) req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), closed });
      });
      res.on('aborted', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), closed }));
    });
    // Writing the rest of a refused body fails once the server closes: that is the expected end.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body instanceof Readable) {
      body.on('error', () => undefined);
      body.pipe(req);
      req.on('close', () => body.destroy());
    } else req.end(body);
  });
}

/** `total` bytes of `fill`, produced a chunk at a time as the connection takes them. */
export function streamOf(total: number, fill = 'a', chunkSize = 64 * 1024): Readable {
  let sent = 0;
  const chunk = Buffer.alloc(chunkSize, fill);
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const size = Math.min(chunkSize, total - sent);
      sent += size;
      this.push(size === chunkSize ? chunk : chunk.subarray(0, size));
    },
  });
}
