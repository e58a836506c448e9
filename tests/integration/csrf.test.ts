import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client, signedIn, htmlLang, visibleText } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { t } from '../../src/lib/i18n/index.ts';

/**
 * A form posted from another site (or by a script that forges requests)
 * carries a foreign Origin or none: the server refuses it with the 403 page
 * and changes nothing. The same request from the app's own origin works.
 */

const FOREIGN = 'http://evil.example';
const BAD_ORIGINS: Array<[string, string | null]> = [
  ['without an Origin', null],
  ['from another site', FOREIGN],
  ['from the same host on another port', 'http://127.0.0.1:1'],
];

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

describe.each(BAD_ORIGINS)('a form posted %s', (_label, origin) => {
  test('cannot sign anyone in', async () => {
    const client = new Client(server.baseUrl);
    const reply = await client.post('/login', { kind: 'staff', username: 'admin', password: 'tilts-admin-2026' }, { origin });
    expect(reply.status).toBe(403);
    expect(visibleText(reply.body)).toContain(t('lv', 'error.badOrigin'));
    expect(reply.headers.getSetCookie().some((c) => c.startsWith('tilts_session=')), 'no session cookie').toBe(false);
    expect(client.session).toBeUndefined();
  });

  test('cannot change the language of a signed-in user', async () => {
    const client = await signedIn(server.baseUrl, ACCOUNTS.janisLiepa);
    const reply = await client.post('/lang', { locale: 'ru', next: '/teach' }, { origin });
    expect(reply.status).toBe(403);
    expect(reply.headers.getSetCookie().some((c) => c.startsWith('tilts_lang='))).toBe(false);
    expect(htmlLang((await client.get('/teach')).body)).toBe('lv');
  });

  test('cannot sign a user out', async () => {
    const client = await signedIn(server.baseUrl, ACCOUNTS.andrisVitols);
    const reply = await client.post('/logout', {}, { origin });
    expect(reply.status).toBe(403);
    expect((await client.get('/supervise')).status).toBe(200);
  });

  test('cannot call a JSON endpoint in a signed-in user\'s name', async () => {
    const client = await signedIn(server.baseUrl, ACCOUNTS.learnerIlg);
    const reply = await client.request('POST', '/api/session/touch', { origin, headers: { accept: 'application/json' } });
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('idleLeftMs');
  });

  test('cannot make the admin create a facility', async () => {
    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    const code = origin === null ? 'CSRFA' : origin === FOREIGN ? 'CSRFB' : 'CSRFC';
    const reply = await admin.post('/admin/facilities', { code, name: `Forged ${code}` }, { origin });
    expect(reply.status).toBe(403);
    const list = await admin.get('/admin/facilities');
    expect(list.body).not.toContain(code);
  });

  test('cannot make the admin deactivate an account', async () => {
    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    const reply = await admin.post('/admin/users/5', { intent: 'deactivate' }, { origin });
    expect(reply.status).toBe(403);
    // daiga.berzina (user 5) can still sign in.
    await signedIn(server.baseUrl, ACCOUNTS.daigaBerzina);
  });
});

describe('a browser that posts with "Origin: null" (it does so under Referrer-Policy no-referrer)', () => {
  const ADMIN = { kind: 'staff', username: 'admin', password: 'tilts-admin-2026' };

  /** A visitor who opened the sign-in page: they hold the CSRF cookie and the page's hidden _csrf field. */
  async function visitor(): Promise<{ client: Client; token: string }> {
    const client = new Client(server.baseUrl);
    const page = await client.get('/login');
    const token = client.cookies.get('tilts_csrf');
    expect(token, 'the CSRF cookie').toBeDefined();
    expect(page.body).toContain(`name="_csrf" value="${token}"`);
    return { client, token: token! };
  }

  test('signs in when the form repeats the token of its cookie', async () => {
    const { client, token } = await visitor();
    const reply = await client.post('/login', { ...ADMIN, _csrf: token }, { origin: 'null' });
    expect(reply.status).toBe(303);
    expect(client.session).toBeDefined();
  });

  test('is refused with a token that is not its own', async () => {
    const { client } = await visitor();
    const { token: someoneElses } = await visitor();
    const reply = await client.post('/login', { ...ADMIN, _csrf: someoneElses }, { origin: 'null' });
    expect(reply.status).toBe(403);
    expect(client.session).toBeUndefined();
  });

  test('is refused without a token', async () => {
    const { client } = await visitor();
    const reply = await client.post('/login', ADMIN, { origin: 'null' });
    expect(reply.status).toBe(403);
    expect(client.session).toBeUndefined();
  });

  test('a foreign Origin is refused even with the right token', async () => {
    const { client, token } = await visitor();
    const reply = await client.post('/login', { ...ADMIN, _csrf: token }, { origin: FOREIGN });
    expect(reply.status).toBe(403);
    expect(client.session).toBeUndefined();
  });

  test('a page script may send the token in the X-CSRF-Token header', async () => {
    const client = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
    // The page gives its scripts the session's token (src/scripts/idle.ts reads it from this meta element).
    const token = /<meta name="csrf-token" content="([^"]+)"/.exec((await client.get('/learn')).body)![1]!;
    const ok = await client.request('POST', '/api/session/touch', { origin: null, headers: { accept: 'application/json', 'x-csrf-token': token } });
    expect(ok.status).toBe(200);
    const refused = await client.request('POST', '/api/session/touch', { origin: null, headers: { accept: 'application/json', 'x-csrf-token': 'x'.repeat(43) } });
    expect(refused.status).toBe(403);
  });
});

describe('the same forms from the app itself', () => {
  test('sign in', async () => {
    const client = new Client(server.baseUrl);
    const reply = await client.tryLogin(ACCOUNTS.admin);
    expect(reply.status).toBe(303);
    expect(reply.location).toBe('/admin');
    expect(client.session).toBeDefined();
  });

  test('change the language, for the user too', async () => {
    const client = await signedIn(server.baseUrl, ACCOUNTS.peterisKrumins);
    const reply = await client.post('/lang', { locale: 'ru', next: '/teach' });
    expect(reply.status).toBe(303);
    expect(reply.location).toBe('/teach');
    expect(htmlLang((await client.get('/teach')).body)).toBe('ru');
    // The choice is remembered on the account: a new sign-in elsewhere gets it.
    const elsewhere = await signedIn(server.baseUrl, ACCOUNTS.peterisKrumins);
    expect(htmlLang((await elsewhere.get('/teach')).body)).toBe('ru');
  });

  test('create a facility', async () => {
    const admin = await signedIn(server.baseUrl, ACCOUNTS.admin);
    const reply = await admin.post('/admin/facilities', { code: 'CSRFOK', name: 'Own origin' });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain(t('lv', 'facilities.created'));
    expect((await admin.get('/admin/facilities')).body).toContain('CSRFOK');
  });

  test('sign out', async () => {
    const client = await signedIn(server.baseUrl, ACCOUNTS.olgaIvanova);
    const reply = await client.post('/logout');
    expect(reply.status).toBe(303);
    expect(reply.location).toBe('/login?reason=signedOut');
    expect((await client.get('/supervise')).status).toBe(303);
  });
});
