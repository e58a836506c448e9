import http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client, signedIn } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { openDatabase, stmt, type Db } from '../../src/lib/server/db.ts';
import { issueActivationCode } from '../../src/lib/server/portal/activation.ts';
import type { SessionUser } from '../../src/lib/server/session.ts';
import { t } from '../../src/lib/i18n/index.ts';

/**
 * The released-person portal and the public origin over HTTP against the
 * built server, started with TILTS_PUBLIC_ORIGIN. A request is on the public
 * origin when its Host header names that origin's host (as the reverse proxy
 * forwards it); fetch cannot set Host, so these requests go through node:http.
 */

const PUBLIC_ORIGIN = 'https://tilts.example.lv';
const PUBLIC_HOST = 'tilts.example.lv';
let server: TestServer;
let db: Db;

interface Reply {
  status: number;
  location: string | null;
  type: string | null;
  body: string;
}

/** A visitor of the public origin: its own cookie jar, every request with the public Host (and Origin on POST). */
class PublicVisitor {
  cookies = new Map<string, string>();
  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Reply> {
    const { headers: _headers, ...reply } = await this.requestFull(method, path, form);
    return reply;
  }
  /** The reply with its headers (all but Date). */
  requestFull(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Reply & { headers: Record<string, unknown> }> {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const headers: Record<string, string> = { host: PUBLIC_HOST };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (method === 'POST') {
      headers.origin = PUBLIC_ORIGIN;
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
        for (const line of res.headers['set-cookie'] ?? []) {
          const [pair] = line.split(';');
          const eq = pair!.indexOf('=');
          const value = pair!.slice(eq + 1);
          if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(pair!.slice(0, eq));
          else this.cookies.set(pair!.slice(0, eq), value);
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        const { date: _date, ...headers } = res.headers;
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? null, type: res.headers['content-type'] ?? null, body: Buffer.concat(chunks).toString('latin1'), headers }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, form: Record<string, string>) {
    return this.request('POST', path, form);
  }
}

const utf8 = (s: string) => Buffer.from(s, 'latin1').toString('utf8');

beforeAll(async () => {
  server = await startServer({ env: { TILTS_PUBLIC_ORIGIN: PUBLIC_ORIGIN } });
  db = openDatabase(server.databaseFile);
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('the public origin', () => {
  test.each(['/verify', '/verify/TLT-2026-2222-2222', '/portal/activate', '/portal/login', '/healthz'])('answers %s', async (path) => {
    expect((await new PublicVisitor().get(path)).status).toBe(200);
  });

  test.each([
    '/about',
    '/learn',
    '/learn/certificates',
    '/teach',
    '/teach/author',
    '/staff',
    '/staff/learners',
    '/staff/learners/1',
    '/staff/learners/1/portal',
    '/supervise',
    '/admin',
    '/admin/users',
    '/consult',
    '/account',
    '/media/' + '0'.repeat(64),
    '/h5p/player/1/main.bundle.js',
    '/no-such-page',
    '/404',
  ])('answers %s with 404, not a redirect into the intranet', async (path) => {
    const reply = await new PublicVisitor().get(path);
    expect(reply.status).toBe(404);
    expect(reply.location).toBeNull();
    expect(reply.body).not.toContain('/login');
  });

  test('refuses state-changing requests to other routes with 404 too', async () => {
    expect((await new PublicVisitor().post('/api/learn/heartbeat', {})).status).toBe(404);
    expect((await new PublicVisitor().post('/admin/users/new', { role: 'admin' })).status).toBe(404);
  });

  test('sends the root and the intranet sign-in page to the portal', async () => {
    expect(await new PublicVisitor().get('/')).toMatchObject({ status: 303, location: '/portal' });
    expect(await new PublicVisitor().get('/login?next=%2Fportal')).toMatchObject({ status: 303, location: '/portal/login?next=%2Fportal' });
    expect(await new PublicVisitor().get('/portal')).toMatchObject({ status: 303, location: '/login?next=%2Fportal' });
  });

  test('the intranet origin still answers everything', async () => {
    const anonymous = new Client(server.baseUrl);
    expect((await anonymous.get('/about')).status).toBe(200);
    expect((await anonymous.get('/login')).status).toBe(200);
    expect((await anonymous.get('/portal/activate')).status).toBe(200);
    const staff = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
    expect((await staff.get('/staff')).status).toBe(200);
  });

  test('a staff name gets the same answer as an unknown name, with the right password or a wrong one', async () => {
    const visitor = new PublicVisitor();
    await visitor.get('/portal/login');
    const csrf = visitor.cookies.get('tilts_csrf')!;
    const attempts = [
      { username: 'ieva.ozola', password: 'tilts-izglitiba-2026' },
      { username: 'ieva.ozola', password: 'not-her-password' },
      { username: 'nobody.known', password: 'tilts-izglitiba-2026' },
    ];
    const replies = [];
    for (const attempt of attempts) {
      const reply = await visitor.requestFull('POST', '/portal/login', { ...attempt, _csrf: csrf });
      // The form shows the typed name again: the only difference allowed.
      replies.push({ ...reply, body: reply.body.replaceAll(attempt.username, '<name>') });
    }
    expect(replies[0]!.status).toBe(401);
    expect(utf8(replies[0]!.body)).toContain(t('lv', 'login.wrongPassword'));
    for (const reply of replies.slice(1)) {
      expect(reply.status).toBe(replies[0]!.status);
      expect(reply.body).toBe(replies[0]!.body);
      expect(reply.headers).toEqual(replies[0]!.headers);
    }
    expect(visitor.cookies.has('tilts_session')).toBe(false);
    // The intranet's sign-in form is not there at all.
    const viaLogin = await visitor.post('/login', { kind: 'learner', inmateNumber: '204101', pin: '2468' });
    expect(viaLogin.status).toBe(303);
    expect(viaLogin.location).toBe('/portal/login');
    expect(visitor.cookies.has('tilts_session')).toBe(false);
  });

  test("guessing a staff member's password on the portal never slows down or locks her intranet sign-in", async () => {
    const visitor = new PublicVisitor();
    await visitor.get('/portal/login');
    const throttled = (key: string) => stmt(db, 'SELECT blocked_until FROM login_throttle WHERE key = ?').pluck().get(key) as number | undefined;
    const intranetAddress = throttled('ip:127.0.0.1');
    for (let i = 0; i < 4; i++) {
      const reply = await visitor.post('/portal/login', { username: 'marina.petrova', password: `guess-${i}`, _csrf: visitor.cookies.get('tilts_csrf')! });
      expect([401, 429]).toContain(reply.status);
    }
    // The portal slows the guesser down (the fourth failure makes the next try wait) ...
    expect(throttled('portal:account:staff:marina.petrova')).toBeGreaterThan(0);
    // ... on keys of its own: Marina's intranet account and this address are untouched,
    expect(throttled('account:staff:marina.petrova')).toBeUndefined();
    expect(throttled('ip:127.0.0.1')).toBe(intranetAddress);
    // so Marina, on the intranet from the same address, signs in at once.
    const intranet = new Client(server.baseUrl);
    expect((await intranet.tryLogin(ACCOUNTS.marinaPetrova)).status).toBe(303);
  });

  test('the released person signs in there and reaches only the portal', async () => {
    const visitor = new PublicVisitor();
    await visitor.get('/portal/login');
    const signIn = await visitor.post('/portal/login', { username: 'raivis.celmins', password: 'tilts-portals-2026', next: '/staff' });
    expect(signIn).toMatchObject({ status: 303, location: '/portal' });
    expect(visitor.cookies.has('tilts_session')).toBe(true);
    const home = await visitor.get('/portal');
    expect(home.status).toBe(200);
    expect(utf8(home.body)).toContain(t('lv', 'portal.nvaName'));
    expect(utf8(home.body)).toContain(t('lv', 'portal.vpdName'));
    const transcript = await visitor.get('/portal/transcript.pdf');
    expect(transcript.status).toBe(200);
    expect(transcript.type).toBe('application/pdf');
    expect(transcript.body.startsWith('%PDF-')).toBe(true);
    for (const path of ['/staff', '/learn', '/admin', '/account']) expect((await visitor.get(path)).status).toBe(404);
  });
});

describe('a released account on the intranet', () => {
  test('is refused on every learning, teaching, staff, supervision, administration and API route', async () => {
    const released = await signedIn(server.baseUrl, ACCOUNTS.raivisCelmins);
    for (const path of ['/learn', '/learn/certificates', '/teach', '/teach/author', '/staff', '/staff/learners', '/staff/learners/1', '/staff/learners/1/portal', '/staff/programmes', '/staff/roster', '/supervise', '/admin', '/admin/users', '/admin/audit', '/consult', '/account']) {
      expect((await released.get(path)).status, path).toBe(403);
    }
    expect((await released.request('POST', '/api/learn/heartbeat', { json: { seconds: 30 }, headers: { accept: 'application/json' } })).status).toBe(403);
    expect((await released.get('/portal')).status).toBe(200);
  });
});

describe('activation over HTTP', () => {
  test('code and birth date, then a password; the sign-in name works; the code cannot be used twice', async () => {
    const learnerId = stmt(db, "SELECT l.id FROM learner l JOIN user u ON u.id = l.portal_user_id WHERE u.username = 'raivis.celmins'").pluck().get() as number;
    const admin = stmt(db, "SELECT id FROM user WHERE username = 'admin'").pluck().get() as number;
    const actor: SessionUser = { id: admin, role: 'admin', displayName: 'Admin', username: 'admin', facilityId: null, facilityIds: [], locale: 'lv', learnerId: null };
    const birthYear = stmt(db, 'SELECT birth_year FROM learner WHERE id = ?').pluck().get(learnerId) as number;
    const birthDate = `${birthYear}-04-23`;
    const issued = issueActivationCode(db, actor, learnerId, { birthDate });
    if (!issued.ok) throw new Error(issued.code);
    const { code, username } = issued.issued;

    const visitor = new PublicVisitor();
    await visitor.get('/portal/activate');
    const wrong = await visitor.post('/portal/activate', { step: 'check', code, birthDate: `${birthYear}-04-24` });
    expect(wrong.status).toBe(400);
    expect(utf8(wrong.body)).toContain(t('lv', 'activation.invalid'));
    const step1 = await visitor.post('/portal/activate', { step: 'check', code: code.toLowerCase(), birthDate });
    expect(step1.status).toBe(200);
    expect(utf8(step1.body)).toContain(t('lv', 'activation.passwordTitle'));
    const short = await visitor.post('/portal/activate', { step: 'password', code, birthDate, password: 'short', repeat: 'short' });
    expect(utf8(short.body)).toContain(t('lv', 'validation.passwordShort'));
    const done = await visitor.post('/portal/activate', { step: 'password', code, birthDate, password: 'jauna parole 2026', repeat: 'jauna parole 2026' });
    expect(done.status).toBe(200);
    expect(utf8(done.body)).toContain(username);
    const again = await visitor.post('/portal/activate', { step: 'password', code, birthDate, password: 'vēl cita parole 1', repeat: 'vēl cita parole 1' });
    expect(again.status).toBe(400);
    expect(utf8(again.body)).toContain(t('lv', 'activation.used'));

    expect((await visitor.post('/portal/login', { username, password: 'tilts-portals-2026' })).status).toBe(401);
    expect(await visitor.post('/portal/login', { username, password: 'jauna parole 2026' })).toMatchObject({ status: 303, location: '/portal' });
    const actions = stmt(db, "SELECT action FROM audit_log WHERE action LIKE 'portal.%'").pluck().all();
    expect(actions).toEqual(expect.arrayContaining(['portal.codeIssued', 'portal.activationFailed', 'portal.activated', 'portal.transcriptDownload']));
  });
});

describe('the activation sheet as a PDF', () => {
  test('staff who just issued a code download its sheet; another prison, a wrong code or a replaced one get nothing', async () => {
    const learnerId = stmt(db, "SELECT l.id FROM learner l JOIN user u ON u.id = l.portal_user_id WHERE u.username = 'raivis.celmins'").pluck().get() as number;
    const birthYear = stmt(db, 'SELECT birth_year FROM learner WHERE id = ?').pluck().get(learnerId) as number;
    const staff = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
    const issue = async () => {
      const page = await staff.post(`/staff/learners/${learnerId}/portal`, { birthDate: `${birthYear}-04-23` });
      expect(page.status).toBe(200);
      expect(page.body).toContain(`/staff/learners/${learnerId}/activation-sheet.pdf`);
      const code = /data-testid="activation-code"[^>]*>([A-Z0-9-]+)</.exec(page.body)?.[1];
      expect(code, 'the code on the page').toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      return code!;
    };
    const code = await issue();
    const sheet = await staff.post(`/staff/learners/${learnerId}/activation-sheet.pdf`, { code });
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get('content-type')).toBe('application/pdf');
    expect(sheet.headers.get('content-disposition')).toContain('attachment');
    expect(sheet.headers.get('cache-control')).toBe('no-store');
    expect(sheet.body.startsWith('%PDF-')).toBe(true);

    const elsewhere = await signedIn(server.baseUrl, ACCOUNTS.marinaPetrova);
    expect((await elsewhere.post(`/staff/learners/${learnerId}/activation-sheet.pdf`, { code })).status).toBe(404);
    expect((await staff.post(`/staff/learners/${learnerId}/activation-sheet.pdf`, { code: 'K7QM-3XPA-9TWD' })).status).toBe(404);
    await issue();
    expect((await staff.post(`/staff/learners/${learnerId}/activation-sheet.pdf`, { code })).status).toBe(404);
  });
});
