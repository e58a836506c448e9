import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { signedIn, visibleText } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { openDatabase, stmt, type Db } from '../../src/lib/server/db.ts';

/**
 * Certificates on screen over HTTP: staff issue a module certificate for a
 * completed course, download its PDF and revoke it; the learner sees theirs
 * on /learn/certificates without any download link.
 */

let server: TestServer;
let db: Db;

beforeAll(async () => {
  server = await startServer();
  db = openDatabase(server.databaseFile);
  // Demo learner 1 (204101, Olaine) completed a course, as the study flow would record.
  stmt(db, 'INSERT OR IGNORE INTO course_completion (learner_id, course_id, completed_at, evidence_json) VALUES (1, ?, ?, ?)').run(
    'latviesu-a2-darbs', '2026-03-02T10:00:00.000Z', '{}',
  );
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

  // The education provider is required; the error is in the user's language.
  const missing = await ieva.post('/staff/learners/1', { intent: 'certificateIssue', courseId: 'latviesu-a2-darbs', issuer: ' ' });
  expect(missing.status).toBe(400);
  expect(missing.body).toContain('id="certificateIssuer-error"');
  // A course the learner has not completed cannot be certified.
  const notDone = await ieva.post('/staff/learners/1', { intent: 'certificateIssue', courseId: 'pavara-palidzes-pamati', issuer: 'Profesionālās izglītības centrs' });
  expect(notDone.status).toBe(400);

  const issued = await ieva.post('/staff/learners/1', { intent: 'certificateIssue', courseId: 'latviesu-a2-darbs', issuer: 'Profesionālās izglītības centrs' });
  expect(issued.status).toBe(200);
  const serial = /TLT-\d{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}/.exec(issued.body)?.[0];
  expect(serial).toBeTruthy();
  const row = stmt(db, 'SELECT learner_id, course_id, completed_on, holder_name FROM certificate WHERE serial = ?').get(serial) as Record<string, unknown>;
  expect(row).toMatchObject({ learner_id: 1, course_id: 'latviesu-a2-darbs', completed_on: '2026-03-02' });
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
