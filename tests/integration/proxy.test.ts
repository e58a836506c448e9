import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { rawRequest, type RawReply } from '../helpers/raw-http.ts';
import { NEEDS_NGINX, nginxPresent, startNginx, type Proxy } from '../helpers/nginx.ts';
import { provisionTerminal, TERMINAL_COOKIE } from '../helpers/terminal.ts';

/**
 * Tilts behind the documented TLS reverse proxy (docs/public-origin.md): a
 * real nginx in front, which tells Tilts that the browser used HTTPS
 * (X-Forwarded-Proto), the host it asked for (X-Forwarded-Host) and its own
 * address (X-Forwarded-For). Tilts believes those headers from the proxy's
 * address only (TILTS_TRUSTED_PROXIES=127.0.0.1): browsers on other loopback
 * addresses (127.0.0.2, …) stand for the machines of the intranet, and the
 * same headers sent by them straight to Tilts change nothing.
 */

const INTRANET = 'tilts.ievp.lan';
const BROWSER_ORIGIN = `https://${INTRANET}`;
let server: TestServer;
let proxy: Proxy;

const NGINX_SERVERS = `
  server {
    listen 127.0.0.1:{{PORT}};
    server_name ${INTRANET} public.test;
    client_max_body_size 60m;
    location / {
      proxy_pass {{UPSTREAM}};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-Host $host;
      # TLS ends here in production; the test speaks plain HTTP to nginx and lets it say https.
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }`;

beforeAll(async () => {
  if (!nginxPresent) return;
  server = await startServer({
    env: {
      TILTS_TRUSTED_PROXIES: '127.0.0.1',
      TILTS_ALLOWED_HOSTS: `${INTRANET},127.0.0.1`,
      TILTS_PUBLIC_ORIGIN: 'https://public.test',
      // One sign-in per client address per minute: the next one is refused (429) unless another client sends it.
      TILTS_SIGNIN_PER_MINUTE: '1',
    },
  });
  proxy = await startNginx(NGINX_SERVERS, server.port);
});
afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
});

/** A browser on its own address, talking to nginx (`via: 'proxy'`) or straight to Tilts. */
class Browser {
  readonly cookies = new Map<string, string>();
  /** Every Set-Cookie line received, as written. */
  readonly setCookies: string[] = [];
  readonly address: string;
  readonly via: 'proxy' | 'direct';
  readonly host: string;
  readonly extraHeaders: Record<string, string>;
  constructor(address: string, via: 'proxy' | 'direct', host = INTRANET, extraHeaders: Record<string, string> = {}) {
    this.address = address;
    this.via = via;
    this.host = host;
    this.extraHeaders = extraHeaders;
  }

  async request(method: 'GET' | 'POST', path: string, body?: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> }): Promise<RawReply> {
    const headers: Record<string, string> = { host: this.host, ...this.extraHeaders, ...body?.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload: string | undefined;
    if (method === 'POST') {
      headers.origin ??= BROWSER_ORIGIN;
      if (body?.json !== undefined) {
        payload = JSON.stringify(body.json);
        headers['content-type'] = 'application/json';
      } else {
        payload = new URLSearchParams(body?.form ?? {}).toString();
        headers['content-type'] = 'application/x-www-form-urlencoded';
      }
    }
    const reply = await rawRequest({ port: this.via === 'proxy' ? proxy.port : server.port, method, path, headers, body: payload, localAddress: this.address });
    for (const line of [reply.headers['set-cookie'] ?? []].flat()) {
      this.setCookies.push(line);
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (pair!.slice(eq + 1) === '' || /max-age=0/i.test(line)) this.cookies.delete(pair!.slice(0, eq));
      else this.cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return reply;
  }
}

const cookieLine = (browser: Browser, name: string) => browser.setCookies.filter((line) => line.startsWith(`${name}=`)).at(-1) ?? '';

describe(`behind a trusted nginx${NEEDS_NGINX}`, () => {
  test.skipIf(!nginxPresent)('a learner on https://tilts.ievp.lan signs in with Secure cookies; the heartbeat and "stay signed in" pass the origin check', async () => {
    const browser = new Browser('127.0.0.2', 'proxy');
    browser.cookies.set(TERMINAL_COOKIE, provisionTerminal(server.databaseFile, '204101'));
    expect((await browser.request('GET', '/login')).status).toBe(200);
    expect(cookieLine(browser, 'tilts_csrf')).toMatch(/;\s*Secure/i);
    const signIn = await browser.request('POST', '/login', { form: { kind: 'learner', inmateNumber: '204101', pin: '2468' } });
    expect(signIn.status).toBe(303);
    expect(cookieLine(browser, 'tilts_session')).toMatch(/;\s*Secure/i);

    // The first lesson of the learner's first course, as the learner would open it.
    const home = await browser.request('GET', '/learn');
    const item = /href="\/learn\/courses\/([^/"]+)\/(\d+)"/.exec(home.body);
    expect(item, 'a lesson link on /learn').not.toBeNull();
    const heartbeat = await browser.request('POST', '/api/learn/heartbeat', { json: { courseId: item![1], itemId: Number(item![2]) } });
    expect(heartbeat.status, heartbeat.body).toBe(200);
    const touch = await browser.request('POST', '/api/session/touch', { headers: { accept: 'application/json' } });
    expect(touch.status, touch.body).toBe(200);
    // A page of another site is still refused.
    const foreign = await browser.request('POST', '/api/session/touch', { headers: { accept: 'application/json', origin: 'https://evil.test' } });
    expect(foreign.status).toBe(403);
  });

  test.skipIf(!nginxPresent)('the same forwarded headers sent straight to Tilts are ignored: no HTTPS, no Secure cookie, the https Origin is foreign', async () => {
    const spoofed = { 'x-forwarded-proto': 'https', 'x-forwarded-host': INTRANET, 'x-forwarded-for': '10.9.9.9' };
    const browser = new Browser('127.0.0.2', 'direct', INTRANET, spoofed);
    expect((await browser.request('GET', '/login')).status).toBe(200);
    expect(cookieLine(browser, 'tilts_csrf')).not.toMatch(/Secure/i);
    const signIn = await browser.request('POST', '/login', { form: { kind: 'staff', username: 'admin', password: 'tilts-admin-2026' } });
    expect(signIn.status).toBe(403);
    expect(browser.cookies.has('tilts_session')).toBe(false);
  });

  test.skipIf(!nginxPresent)('the public origin is recognised from the forwarded host', async () => {
    const visitor = new Browser('127.0.0.2', 'proxy', 'public.test');
    expect((await visitor.request('GET', '/staff')).status).toBe(404);
    expect((await visitor.request('GET', '/portal/login')).status).toBe(200);
    // nginx answers other names too, but Tilts does not serve them.
    expect((await new Browser('127.0.0.2', 'proxy', 'elsewhere.test').request('GET', '/login')).status).toBe(421);
  });

  test.skipIf(!nginxPresent)('the sign-in limit counts each browser behind the proxy, and no browser can pose as another', async () => {
    const wrong = { form: { kind: 'staff', username: 'nobody', password: 'wrong' } };
    const first = new Browser('127.0.0.3', 'proxy');
    expect((await first.request('POST', '/login', wrong)).status).toBe(401);
    expect((await first.request('POST', '/login', wrong)).status).toBe(429);
    // Claiming another address in X-Forwarded-For does not help: nginx appends the real one, and that one counts.
    expect((await new Browser('127.0.0.3', 'proxy', INTRANET, { 'x-forwarded-for': '10.7.7.7' }).request('POST', '/login', wrong)).status).toBe(429);
    // Another browser behind the same proxy has its own allowance.
    expect((await new Browser('127.0.0.4', 'proxy').request('POST', '/login', wrong)).status).toBe(401);
    // Straight to Tilts the header means nothing either way.
    expect((await new Browser('127.0.0.3', 'direct', INTRANET, { 'x-forwarded-for': '10.8.8.8' }).request('POST', '/login', { ...wrong, headers: { origin: `http://${INTRANET}` } })).status).toBe(429);
    expect((await new Browser('127.0.0.5', 'direct', INTRANET, { 'x-forwarded-for': '127.0.0.4' }).request('POST', '/login', { ...wrong, headers: { origin: `http://${INTRANET}` } })).status).toBe(401);
  });
});
