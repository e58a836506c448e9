import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { Client, signedIn, visibleText } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { openDatabase, stmt, type Db } from '../../src/lib/server/db.ts';
import { SYSTEM_ACTOR } from '../../src/lib/server/audit.ts';
import { issueCertificate } from '../../src/lib/server/certificates/certificates.ts';
import { addProvider } from '../helpers/fixture.ts';

/**
 * Certificates on screen over HTTP: staff issue a module certificate for a
 * completed course, download its PDF and revoke it; the learner sees theirs
 * on /learn/certificates without any download link.
 */

let server: TestServer;
let db: Db;
/** The demo adult-education centre of the register. */
let valoda: string;

beforeAll(async () => {
  server = await startServer();
  db = openDatabase(server.databaseFile);
  // Demo learner 1 (204101, Olaine) completed a course, as the study flow would record.
  stmt(db, 'INSERT OR IGNORE INTO course_completion (learner_id, course_id, completed_at, evidence_json) VALUES (1, ?, ?, ?)').run(
    'latviesu-a2-darbs', '2026-03-02T10:00:00.000Z', '{}',
  );
  valoda = String(stmt(db, 'SELECT id FROM education_provider WHERE name_lv = ?').pluck().get('Pieaugušo izglītības centrs “Valoda”'));
});

afterAll(async () => {
  db?.close();
  await server?.stop();
});

test('staff issue, download and revoke a certificate; the learner sees it without a download link', async () => {
  const ieva = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
  const page = await ieva.get('/staff/learners/1');
  expect(page.status).toBe(200);
  expect(page.body).toContain('value="latviesu-a2-darbs"');

  // The education provider is chosen from the register: none, or typed text, is refused next to the select.
  expect(page.body).toContain(`<option value="${valoda}">Pieaugušo izglītības centrs “Valoda”</option>`);
  for (const providerId of [' ', 'Profesionālās izglītības centrs', '99999']) {
    const refused = await ieva.post('/staff/learners/1', { intent: 'certificateIssue', courseId: 'latviesu-a2-darbs', providerId });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('id="certificateIssuer-error"');
    expect(visibleText(refused.body)).toContain('Izvēlieties aktīvu izglītības iestādi no reģistra.');
  }
  // A course the learner has not completed cannot be certified.
  const notDone = await ieva.post('/staff/learners/1', { intent: 'certificateIssue', courseId: 'pavara-palidzes-pamati', providerId: valoda });
  expect(notDone.status).toBe(400);

  const issued = await ieva.post('/staff/learners/1', { intent: 'certificateIssue', courseId: 'latviesu-a2-darbs', providerId: valoda });
  expect(issued.status).toBe(200);
  const serial = /TLT-\d{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/.exec(issued.body)?.[0];
  expect(serial).toBeTruthy();
  const row = stmt(db, 'SELECT learner_id, course_id, completed_on, holder_name, issuer, provider_id FROM certificate WHERE serial = ?').get(serial) as Record<string, unknown>;
  expect(row).toMatchObject({ learner_id: 1, course_id: 'latviesu-a2-darbs', completed_on: '2026-03-02', issuer: 'Pieaugušo izglītības centrs “Valoda”', provider_id: Number(valoda) });
  expect(issued.body).toContain(`/staff/learners/1/certificates/${serial}.pdf`);

  const pdf = await fetch(new URL(`/staff/learners/1/certificates/${serial}.pdf`, server.baseUrl), { headers: { cookie: ieva.cookieHeader() } });
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get('content-disposition')).toMatch(/^attachment/);
  expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 4).toString('latin1')).toBe('%PDF');
  expect(stmt(db, "SELECT count(*) FROM audit_log WHERE action = 'certificate.download' AND target_id = ?").pluck().get(serial)).toBe(1);
  // Not under another learner's address, nor for staff of another prison.
  expect((await ieva.get(`/staff/learners/2/certificates/${serial}.pdf`)).status).toBe(404);
  const marina = await signedIn(server.baseUrl, ACCOUNTS.marinaPetrova);
  expect((await marina.get(`/staff/learners/1/certificates/${serial}.pdf`)).status).toBe(404);

  const learner = await signedIn(server.baseUrl, ACCOUNTS.learnerOla);
  const home = await learner.get('/learn');
  expect(home.body).toContain('href="/learn/certificates"');
  const mine = await learner.get('/learn/certificates');
  expect(mine.status).toBe(200);
  expect(mine.body).toContain(serial!);
  expect(mine.body).toContain(`/verify/${serial}`);
  expect(mine.body).not.toContain('.pdf');
  expect(mine.body).not.toMatch(/\sdownload[\s>=]/);

  // Revoking needs a reason, asked for in Latvian by default.
  const noReason = await ieva.post('/staff/learners/1', { intent: 'certificateRevoke', serial: serial!, reason: '' });
  expect(noReason.status).toBe(400);
  expect(visibleText(noReason.body)).toContain('Uzrakstiet iemeslu.');
  const revoked = await ieva.post('/staff/learners/1', { intent: 'certificateRevoke', serial: serial!, reason: 'kļūda datos' });
  expect(revoked.status).toBe(200);
  expect(stmt(db, 'SELECT revoke_reason FROM certificate WHERE serial = ?').pluck().get(serial)).toBe('kļūda datos');
  expect(visibleText((await learner.get('/learn/certificates')).body)).toContain('Atsaukta');
});

test('a re-issue can no longer name the Prison Administration as the issuer, so /verify never shows it', async () => {
  const issued = issueCertificate(db, SYSTEM_ACTOR, {
    learnerId: 1,
    kind: 'module',
    holderName: 'Kārlis Vītols',
    title: { lv: 'Latviešu valoda darbam' },
    hours: 120,
    providerId: Number(valoda),
    completedOn: '2026-03-02',
  });
  if (!issued.ok) throw new Error(issued.code);
  const serial = issued.certificate.serial;
  const ieva = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
  const form = { holderName: 'Kārlis Vītols', hours: '120', level: '', completedOn: '2026-03-02' };
  const before = stmt(db, 'SELECT count(*) FROM certificate').pluck().get();

  // What used to go through: the issuer typed as free text. There is no such field any more.
  const typed = await ieva.post(`/staff/certificates/${serial}`, { ...form, issuer: 'Ieslodzījuma vietu pārvalde' });
  expect(typed.status).toBe(400);
  expect(typed.body).toContain('id="providerId-error"');

  // A register row with that name (say, carried over from the old free-text field) is refused when chosen, naming the word next to the select.
  const ievp = addProvider(db, 'Ieslodzījuma vietu pārvalde');
  const chosen = await ieva.post(`/staff/certificates/${serial}`, { ...form, providerId: String(ievp) });
  expect(chosen.status).toBe(400);
  expect(chosen.body).toMatch(/<p class="field-error" id="providerId-error">“Ieslodzījuma vietu pārvalde” atklāj ieslodzījumu/);

  // A correction of the holder's name that names custody: refused next to that field, in the user's language.
  const named = await ieva.post(`/staff/certificates/${serial}`, { ...form, holderName: 'Kārlis Vītols, ieslodzītais', providerId: valoda });
  expect(named.status).toBe(400);
  expect(named.body).toMatch(/<p class="field-error" id="holderName-error">“ieslodzītais” atklāj ieslodzījumu/);

  // A deactivated provider cannot be chosen either.
  const closed = addProvider(db, 'Slēgtā skola', { active: false });
  expect((await ieva.post(`/staff/certificates/${serial}`, { ...form, providerId: String(closed) })).status).toBe(400);

  // Nothing was re-issued; the employer still sees the register's provider.
  expect(stmt(db, 'SELECT count(*) FROM certificate').pluck().get()).toBe(before);
  const verify = visibleText((await new Client(server.baseUrl).get(`/verify/${serial}`)).body);
  expect(verify).toContain('Pieaugušo izglītības centrs “Valoda”');
  expect(verify).not.toMatch(/ieslodz/i);

  // A proper correction still works.
  const fixed = await ieva.post(`/staff/certificates/${serial}`, { ...form, holderName: 'Kārlis Vītols-Ozols', providerId: valoda });
  expect(fixed.status).toBe(303);
});
