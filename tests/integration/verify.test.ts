import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client } from '../helpers/http.ts';
import { openDatabase, stmt, type Db } from '../../src/lib/server/db.ts';
import { SYSTEM_ACTOR } from '../../src/lib/server/audit.ts';
import { issueCertificate, reissueCertificate, revokeCertificate, type Certificate } from '../../src/lib/server/certificates/certificates.ts';
import { t, formatDate } from '../../src/lib/i18n/index.ts';
import { ensureProvider } from '../helpers/fixture.ts';

/**
 * The public certificate check over HTTP against the built server: an
 * employer with no account sees the status and what the document states,
 * never custody; look-ups are rate-limited per client address.
 */

let server: TestServer;
let db: Db;
let learner: { id: number; inmateNumber: string; facility: string };
let valid: Certificate;
let revoked: Certificate;
let replaced: Certificate;
let replacement: Certificate;
let tampered: Certificate;
const anonymous = () => new Client(server.baseUrl);
const escaped = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

function issue(holderName: string): Certificate {
  const result = issueCertificate(db, SYSTEM_ACTOR, {
    learnerId: learner.id,
    kind: 'module',
    holderName,
    title: { lv: 'Rokas lokmetināšana: 1. modulis', en: 'Manual arc welding: module 1' },
    hours: 160,
    level: 'LKI 2',
    providerId: ensureProvider(db, 'Profesionālās izglītības centrs „Meistars”'),
    completedOn: '2026-02-27',
  });
  if (!result.ok) throw new Error(result.code);
  return result.certificate;
}

beforeAll(async () => {
  server = await startServer();
  // Certificates are issued straight into the server's own database (as completion would).
  db = openDatabase(server.databaseFile);
  learner = stmt(
    db,
    `SELECT l.id, l.inmate_number AS inmateNumber, f.name AS facility
     FROM learner l JOIN user u ON u.id = l.user_id JOIN facility f ON f.id = u.facility_id WHERE l.id = 1`,
  ).get() as typeof learner;
  valid = issue('Žanna Ķēniņa');
  revoked = issue('Pēteris Ozols');
  const r = revokeCertificate(db, SYSTEM_ACTOR, revoked.serial, 'issued by mistake: secret reason', new Date('2026-04-10T12:30:00Z'));
  if (!r.ok) throw new Error(r.code);
  replaced = issue('Jānis Bērziņš');
  const re = reissueCertificate(db, SYSTEM_ACTOR, replaced.serial, { hours: 170 });
  if (!re.ok) throw new Error(re.code);
  replacement = re.certificate;
  tampered = issue('Anna Liepa');
  stmt(db, 'UPDATE certificate SET content_json = replace(content_json, \'"hours":160\', \'"hours":999\') WHERE id = ?').run(tampered.id);
});
afterAll(async () => {
  db?.close();
  await server?.stop();
});

describe('a known certificate', () => {
  test('valid: the status and what an employer needs, and nothing about custody', async () => {
    const reply = await anonymous().get(`/verify/${valid.serial}`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('x-robots-tag')).toBe('noindex');
    expect(reply.body).toContain('data-status="valid"');
    expect(reply.body).toContain(escaped(t('lv', 'verify.valid')));
    for (const shown of ['Žanna Ķēniņa', 'Rokas lokmetināšana: 1. modulis', '160', escaped('Profesionālās izglītības centrs „Meistars”'), formatDate('lv', '2026-02-27')]) {
      expect(reply.body).toContain(shown);
    }
    expect(reply.body).not.toContain(learner.inmateNumber);
    expect(reply.body).not.toContain(learner.facility);
    expect(reply.body).not.toContain('LKI 2');
    // Not even the footer that names the Prison Administration.
    expect(reply.body).not.toContain(t('lv', 'layout.footer'));
  });

  test('in the reader\'s language when the title has it', async () => {
    const client = anonymous();
    await client.post('/lang', { locale: 'en', next: '/about' });
    const reply = await client.get(`/verify/${valid.serial}`);
    expect(reply.body).toContain('Manual arc welding: module 1');
    expect(reply.body).toContain(t('en', 'verify.valid'));
  });

  test('revoked: the date, never the reason', async () => {
    const reply = await anonymous().get(`/verify/${revoked.serial}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('data-status="revoked"');
    expect(reply.body).toContain(t('lv', 'verify.revoked', { date: formatDate('lv', '2026-04-10T12:30:00Z') }));
    expect(reply.body).toContain('Pēteris Ozols');
    expect(reply.body).not.toContain('secret reason');
  });

  test('re-issued: revoked, with a link to the certificate that replaced it', async () => {
    const reply = await anonymous().get(`/verify/${replaced.serial}`);
    expect(reply.body).toContain('data-status="revoked"');
    expect(reply.body).toContain(`href="/verify/${replacement.serial}"`);
    const next = await anonymous().get(`/verify/${replacement.serial}`);
    expect(next.body).toContain('data-status="valid"');
    expect(next.body).toContain('170');
  });

  test('content that no longer matches its signature is shown as not genuine', async () => {
    const reply = await anonymous().get(`/verify/${tampered.serial}`);
    expect(reply.body).toContain('data-status="not-genuine"');
    expect(reply.body).not.toContain('data-status="valid"');
  });

  test('a serial typed in lower case is sent to its proper address', async () => {
    const reply = await anonymous().get(`/verify/${valid.serial.toLowerCase()}`);
    expect(reply.status).toBe(303);
    expect(reply.location).toBe(`/verify/${valid.serial}`);
  });
});

describe('the form and unknown serials', () => {
  test('the form sends a well-formed serial on to its page', async () => {
    const reply = await anonymous().get(`/verify?serial=${encodeURIComponent(` ${valid.serial.toLowerCase()} `)}`);
    expect(reply.status).toBe(303);
    expect(reply.location).toBe(`/verify/${valid.serial}`);
  });

  test('a malformed serial is answered next to the field', async () => {
    const reply = await anonymous().get('/verify?serial=12345');
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('class="field-error"');
    expect(reply.body).toContain(t('lv', 'verify.error.serial'));
    expect(reply.body).toContain('aria-invalid="true"');
  });

  test('an unknown serial says so', async () => {
    const reply = await anonymous().get('/verify/TLT-2026-2222-2222');
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('data-status="unknown"');
    expect(reply.body).toContain(t('lv', 'verify.unknown', { serial: 'TLT-2026-2222-2222' }));
    expect(reply.body).not.toContain('class="facts');
  });
});

describe('rate limit', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startServer({ env: { TILTS_VERIFY_PER_MINUTE: '3' } });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  test('after a burst of look-ups the client is told to wait a minute (429)', async () => {
    const client = new Client(limited.baseUrl);
    for (let i = 0; i < 3; i++) expect((await client.get('/verify/TLT-2026-2222-2222')).status).toBe(200);
    const reply = await client.get('/verify/TLT-2026-2222-2222');
    expect(reply.status).toBe(429);
    expect(reply.headers.get('retry-after')).toBe('60');
    expect(reply.body).toContain(t('lv', 'verify.tooMany'));
    expect(reply.body).not.toContain('data-status=');
    // The form itself stays open.
    expect((await client.get('/verify')).status).toBe(200);
  });
});
