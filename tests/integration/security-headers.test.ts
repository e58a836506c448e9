import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client, signedIn, type Reply } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';

/**
 * Every kind of response carries the lock-down headers: pages, error pages,
 * JSON endpoints, redirects and static files. Cookies are HttpOnly and
 * SameSite=Strict.
 */

let server: TestServer;
let learner: Client;
let admin: Client;
let stylesheet: string;

beforeAll(async () => {
  server = await startServer();
  learner = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
  admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
  const page = await admin.get('/admin');
  const href = /<link rel="stylesheet" href="(\/_astro\/[^"]+\.css)"/.exec(page.body)?.[1];
  if (!href) throw new Error('The admin page links no stylesheet under /_astro/');
  stylesheet = href;
});
afterAll(async () => {
  await server?.stop();
});

/** The CSP as a map of directive → sources. */
function parseCsp(value: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (value ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

function expectLockedDown(reply: Reply, what: string): void {
  const h = reply.headers;
  const csp = parseCsp(h.get('content-security-policy'));
  expect(csp.size, `${what}: Content-Security-Policy present`).toBeGreaterThan(0);
  expect(csp.get('default-src'), `${what}: default-src`).toEqual(["'self'"]);
  expect(csp.get('object-src'), `${what}: object-src`).toEqual(["'none'"]);
  expect(csp.get('base-uri'), `${what}: base-uri`).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors'), `${what}: frame-ancestors`).toEqual(["'self'"]);
  // No external origin, scheme or wildcard anywhere, and nothing that re-opens inline code.
  for (const [directive, sources] of csp) {
    for (const source of sources) {
      expect(["'self'", "'none'"], `${what}: ${directive} allows ${source}`).toContain(source);
    }
  }
  expect(h.get('x-content-type-options'), `${what}: nosniff`).toBe('nosniff');
  expect(h.get('referrer-policy'), `${what}: Referrer-Policy`).toBe('no-referrer');
  const permissions = h.get('permissions-policy') ?? '';
  for (const feature of ['camera', 'microphone', 'geolocation']) {
    expect(permissions, `${what}: Permissions-Policy denies ${feature}`).toMatch(new RegExp(`(^|,)\\s*${feature}=\\(\\)`));
  }
}

describe('every response is locked down', () => {
  test.each([
    ['the sign-in page', '/login', 200],
    ['the public about page', '/about', 200],
    ['a page that does not exist (public area)', '/about/nothing-here', 404],
    ['the health check (JSON)', '/healthz', 200],
    ['a redirect to sign in', '/admin', 303],
    ['the favicon', '/favicon.svg', 200],
  ])('%s, for a stranger', async (what, url, status) => {
    const reply = await new Client(server.baseUrl).get(url);
    expect(reply.status, what).toBe(status);
    expectLockedDown(reply, what);
  });

  test('the stylesheet under /_astro/', async () => {
    const reply = await new Client(server.baseUrl).get(stylesheet);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/text\/css/);
    expectLockedDown(reply, stylesheet);
  });

  test.each([
    ['the learner home page', '/learn', 200],
    ['a page the learner may not open', '/admin', 403],
    ['a page that does not exist', '/no-such-page', 404],
    ['the session JSON endpoint', '/api/session/touch', 200],
  ])('%s, for a signed-in learner', async (what, url, status) => {
    const reply =
      url === '/api/session/touch' ? await learner.post(url, {}, { headers: { accept: 'application/json' } }) : await learner.get(url);
    expect(reply.status, what).toBe(status);
    expectLockedDown(reply, what);
  });

  test('a JSON refusal for a stranger', async () => {
    const reply = await new Client(server.baseUrl).post('/api/session/touch', {}, { headers: { accept: 'application/json' } });
    expect(reply.status).toBe(401);
    expectLockedDown(reply, 'JSON 401');
  });

  test('a request with a malformed address is a plain 404, not a failure', async () => {
    const reply = await admin.get('/staff/learners/%E0%A4%A');
    expect(reply.status).toBe(404);
    expectLockedDown(reply, 'malformed URL');
  });

  test('signed-in pages are never cached', async () => {
    const reply = await admin.get('/admin/users');
    expect(reply.headers.get('cache-control')).toMatch(/no-store/);
  });
});

describe('cookies', () => {
  test('the session cookie is HttpOnly and SameSite=Strict, with a new token at every sign-in', async () => {
    const client = new Client(server.baseUrl);
    const reply = await client.tryLogin(ACCOUNTS.learnerIlg);
    expect(reply.status).toBe(303);
    const cookie = reply.headers.getSetCookie().find((c) => c.startsWith('tilts_session='));
    expect(cookie, 'Set-Cookie tilts_session').toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    const token = /^tilts_session=([^;]+)/.exec(cookie!)![1]!;
    // At least 128 bits of randomness: base32 of 20 bytes is 32 characters.
    expect(token.length).toBeGreaterThanOrEqual(26);
    const again = new Client(server.baseUrl);
    await again.signIn(ACCOUNTS.learnerIlg);
    expect(again.session).not.toBe(token);
  });

  test('the language cookie is HttpOnly and SameSite=Strict', async () => {
    const reply = await new Client(server.baseUrl).post('/lang', { locale: 'en', next: '/login' });
    expect(reply.status).toBe(303);
    const cookie = reply.headers.getSetCookie().find((c) => c.startsWith('tilts_lang='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
  });

  test('the CSRF cookie is HttpOnly and SameSite=Strict, and forms repeat its token', async () => {
    const reply = await new Client(server.baseUrl).get('/login');
    const cookie = reply.headers.getSetCookie().find((c) => c.startsWith('tilts_csrf='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    const token = /^tilts_csrf=([^;]+)/.exec(cookie!)![1]!;
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(reply.body).toContain(`name="_csrf" value="${token}"`);
  });

  test('signing out clears the session cookie', async () => {
    const client = await signedIn(server.baseUrl, ACCOUNTS.andrisVitols);
    const reply = await client.post('/logout');
    const cookie = reply.headers.getSetCookie().find((c) => c.startsWith('tilts_session='));
    expect(cookie).toMatch(/tilts_session=;|Max-Age=0/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
  });
});

test('the health check answers {"status":"ok"} while the database answers', async () => {
  const reply = await new Client(server.baseUrl).get('/healthz');
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toMatch(/application\/json/);
  expect(JSON.parse(reply.body)).toEqual({ status: 'ok', database: 'ok' });
});
