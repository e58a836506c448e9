import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, isHealthy, type TestServer } from '../helpers/server.ts';
import { Client, signedIn } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { rawRequest, streamOf } from '../helpers/raw-http.ts';

/**
 * The server's boundary, attacked the way the security test did: hosts it
 * does not serve, malformed hosts, return paths to other sites, methods no
 * page has, CSRF tokens from outside the session, and bodies far larger than
 * any form (sent as streams, so the test itself stays small). After each
 * attack the server still answers.
 */

const PUBLIC_ORIGIN = 'https://public.test';
const MB = 1024 * 1024;
let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { TILTS_PUBLIC_ORIGIN: PUBLIC_ORIGIN } });
});
afterAll(async () => {
  await server?.stop();
});

const raw = (options: Omit<Parameters<typeof rawRequest>[0], 'port'>) => rawRequest({ port: server.port, ...options });

describe('hosts', () => {
  test('the public host with a trailing dot is the public origin, not the intranet', async () => {
    const staff = await raw({ path: '/staff', headers: { host: 'public.test.' } });
    expect(staff.status).toBe(404);
    const login = await raw({ path: '/login', headers: { host: 'PUBLIC.test.' } });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/portal/login');
  });

  test('a host that is neither the intranet nor the public origin gets 421 and a plain page', async () => {
    for (const host of ['elsewhere.test', 'public.test.evil.test', `127.0.0.1.nip.io:${server.port}`]) {
      const reply = await raw({ path: '/login', headers: { host } });
      expect(reply.status, host).toBe(421);
      expect(reply.body).not.toContain('<form');
    }
  });

  test('a malformed host is a 400, never a 500', async () => {
    for (const host of ['a@b', `127.0.0.1:${server.port}@evil.test`, 'a:1:2', '[not-v6]']) {
      const reply = await raw({ path: '/login', headers: { host } });
      expect(reply.status, host).toBe(400);
    }
    expect(await isHealthy(server.baseUrl)).toBe(true);
  });

  test('X-Forwarded-Host from a client (no proxy is trusted) changes nothing', async () => {
    const reply = await raw({ path: '/staff', headers: { host: `127.0.0.1:${server.port}`, 'x-forwarded-host': 'public.test' } });
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toMatch(/^\/login/);
  });
});

describe('the return path after sign-in', () => {
  test.each([['a tab', '/\t/evil.test'], ['two slashes', '//evil.test'], ['a backslash', '/\\evil.test'], ['a newline', '/admin\nSet-Cookie: x=1'], ['a bell', '/admin\u0007']])(
    'with %s goes to the home page, never another site or a 500',
    async (_label, next) => {
      const client = new Client(server.baseUrl);
      const reply = await client.tryLogin(ACCOUNTS.admin, next);
      expect(reply.status).toBe(303);
      expect(reply.location).toBe('/admin');
      const shown = await new Client(server.baseUrl).get(`/login?next=${encodeURIComponent(next)}`);
      expect(shown.status).toBe(200);
      expect(shown.body).toContain('name="next" value="/"');
    },
  );

  test('the language switch does not redirect elsewhere either', async () => {
    const reply = await new Client(server.baseUrl).post('/lang', { locale: 'en', next: '/\t/evil.test' });
    expect(reply.status).toBe(303);
    expect(reply.location).toBe('/');
  });
});

describe('methods', () => {
  test('DELETE and PUT on a page or an endpoint answer 405, they do not render it', async () => {
    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    for (const [method, path] of [['DELETE', '/login'], ['DELETE', '/admin'], ['PUT', '/admin/users'], ['PATCH', '/api/session/touch'], ['DELETE', '/api/learn/heartbeat']] as const) {
      const reply = await admin.request(method, path);
      expect(reply.status, `${method} ${path}`).toBe(405);
      expect(reply.headers.get('allow')).toBe('GET, HEAD, POST');
      expect(reply.body).not.toContain('<form');
    }
  });
});

describe('CSRF tokens are bound to the session', () => {
  /** The token a signed-in page gives its forms and scripts. */
  const pageToken = async (client: Client) => /<meta name="csrf-token" content="([^"]+)"/.exec((await client.get('/admin')).body)![1]!;

  test("a signed-in form needs its page's token: the CSRF cookie's token, or another session's, is refused", async () => {
    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    const token = await pageToken(admin);
    const cookieToken = admin.cookies.get('tilts_csrf')!;
    expect(token).not.toBe(cookieToken);
    const other = await pageToken(await signedIn(server.baseUrl, ACCOUNTS.admin));
    expect(other).not.toBe(token);
    for (const wrong of [cookieToken, other]) {
      const refused = await admin.post('/lang', { locale: 'en', next: '/admin', _csrf: wrong }, { origin: 'null' });
      expect(refused.status).toBe(403);
    }
    const ok = await admin.post('/lang', { locale: 'en', next: '/admin', _csrf: token }, { origin: 'null' });
    expect(ok.status).toBe(303);
  });

  test('a new sign-in gives a new token; the old one no longer works', async () => {
    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    const before = await pageToken(admin);
    await admin.signIn(ACCOUNTS.admin);
    const after = await pageToken(admin);
    expect(after).not.toBe(before);
    const refused = await admin.request('POST', '/api/session/touch', { origin: null, headers: { accept: 'application/json', 'x-csrf-token': before } });
    expect(refused.status).toBe(403);
  });

  test('a form that outlived its session still reaches the sign-in page, not a refusal', async () => {
    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    const token = await pageToken(admin);
    const anonymousToken = admin.cookies.get('tilts_csrf')!;
    await admin.post('/logout', { _csrf: token });
    // The browser still holds the old session cookie when the page was open in another tab.
    const stale = new Client(server.baseUrl);
    stale.cookies.set('tilts_session', 'x'.repeat(32));
    stale.cookies.set('tilts_csrf', anonymousToken);
    const reply = await stale.post('/admin/users/new', { _csrf: anonymousToken }, { origin: 'null' });
    expect(reply.status).toBe(303);
    expect(reply.location).toMatch(/^\/login/);
  });
});

describe('request bodies', () => {
  test('a 150 MB body to the sign-in page is refused from its Content-Length with 413, unread', async () => {
    const reply = await raw({
      method: 'POST',
      path: '/login',
      headers: { host: `127.0.0.1:${server.port}`, origin: server.baseUrl, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(150 * MB) },
      body: streamOf(150 * MB),
    });
    expect(reply.status).toBe(413);
    await reply.closed;
    expect(await isHealthy(server.baseUrl)).toBe(true);
  });

  test('an anonymous chunked body without Origin is cut off at the form limit, 413, and the connection closed', async () => {
    const reply = await raw({
      method: 'POST',
      path: '/login',
      headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: streamOf(50 * MB, 'a'),
    });
    expect(reply.status).toBe(413);
    expect(reply.headers.connection).toBe('close');
    await reply.closed;
    expect(await isHealthy(server.baseUrl)).toBe(true);
  });

  test('an oversized chunked JSON body to the quiz draft and the heartbeat: 413, and the keep-alive connection is not left stuck', async () => {
    const learner = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const path of ['/api/learn/quiz-draft', '/api/learn/heartbeat', '/api/learn/h5p/state']) {
        const reply = await raw({
          method: 'POST',
          path,
          agent,
          headers: { host: `127.0.0.1:${server.port}`, origin: server.baseUrl, cookie: learner.cookieHeader(), 'content-type': 'application/json' },
          body: streamOf(5 * MB, ' '),
        });
        expect(reply.status, path).toBe(413);
        expect(reply.headers.connection, path).toBe('close');
        // The server closes the connection rather than leave it waiting for the rest (65 s keep-alive).
        await reply.closed;
      }
    } finally {
      agent.destroy();
    }
  });

  test('the heartbeat takes a heartbeat, not 50 MB: a 2 KB one is refused and the connection stays usable', async () => {
    const learner = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const headers = { host: `127.0.0.1:${server.port}`, origin: server.baseUrl, cookie: learner.cookieHeader(), 'content-type': 'application/json' };
      const big = await raw({ method: 'POST', path: '/api/learn/heartbeat', agent, headers, body: JSON.stringify({ courseId: 'x'.repeat(2048), itemId: 1 }) });
      expect(big.status).toBe(413);
      const next = await raw({ method: 'POST', path: '/api/learn/heartbeat', agent, headers, body: JSON.stringify({ courseId: 'nope', itemId: 1 }) });
      expect(next.status).toBe(403);
    } finally {
      agent.destroy();
    }
  });

  test('upload forms keep their larger limit, and the CSRF check reads only the token at their start', async () => {
    const staff = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
    const token = /<meta name="csrf-token" content="([^"]+)"/.exec((await staff.get('/staff/roster')).body)![1]!;
    const boundary = '----tilts' + Date.now();
    const csv = 'inmate_number,surname,given_names,facility_code\n' + 'x'.repeat(MB) + '\n';
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="intent"\r\n\r\npreview\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="roster"; filename="roster.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
    const reply = await raw({
      method: 'POST',
      path: '/staff/roster',
      headers: { host: `127.0.0.1:${server.port}`, origin: 'null', cookie: staff.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    expect(reply.status).not.toBe(413);
    expect(reply.status).not.toBe(403);
    // The roster page read the file and says what is wrong with it.
    expect(reply.body).toContain('<h1>Ieslodzīto saraksta imports</h1><div class="notice bad" role="alert">');
    expect(reply.body).toContain('birth_year');
  });

  test('a refused form does not echo a huge value back', async () => {
    const reply = await new Client(server.baseUrl).post('/login', { kind: 'staff', username: 'x'.repeat(60_000), password: 'y' });
    expect(reply.status).toBe(400);
    expect(reply.body).not.toContain('x'.repeat(20_001));
  });
});
