import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { t } from '../../src/lib/i18n/index.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';
import { signedIn, visibleText, type Client } from '../helpers/http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

/**
 * The rules of placement and admission hold at the server, whatever the page
 * shows (issue 13): a POST enrolling a learner into a programme the ranked
 * list marks as blocked is refused with the list's reason unless the
 * education staff override it with a written reason; a roster uploaded by one
 * prison cannot pull in (or rename) another prison's learner.
 */

let server: TestServer;
let ieva: Client;
const lv = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t('lv', key, params);
const read = <T>(fn: (db: Database.Database) => T): T => {
  const db = new Database(server.databaseFile, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  server = await startServer();
  ieva = await signedIn(server.baseUrl, ACCOUNTS.ievaOzola);
});
afterAll(async () => {
  await server?.stop();
});

describe('enrolling into a programme the ranked list marks as blocked', () => {
  let learnerId: number;
  let programmeId: number;
  const placements = () => read((db) => db.prepare('SELECT count(*) FROM placement WHERE learner_id = ? AND programme_id = ?').pluck().get(learnerId, programmeId));

  beforeAll(() => {
    // An Olaine programme that needs higher education, and an Olaine learner with basic education and a fresh consultation.
    const db = new Database(server.databaseFile);
    db.pragma('busy_timeout = 10000');
    const ola = db.prepare("SELECT id FROM facility WHERE code = 'OLA'").pluck().get() as number;
    const now = new Date();
    const today = now.toISOString().slice(0, 10);
    const at = now.toISOString();
    learnerId = db
      .prepare("SELECT l.id FROM learner l JOIN user u ON u.id = l.user_id WHERE u.facility_id = ? AND l.status = 'in_custody' AND l.education_level IN ('none', 'primary', 'basic') ORDER BY l.id LIMIT 1")
      .pluck()
      .get(ola) as number;
    db.prepare("UPDATE learner SET expected_release_date = NULL WHERE id = ?").run(learnerId);
    programmeId = Number(
      db
        .prepare(
          `INSERT INTO programme (facility_id, title, starts_on, ends_on, seats, language, min_education, continues_after_release, interests_json, timetable_json, status, created_at, updated_at)
           VALUES (?, 'Elektromontieris (augstākā izglītība)', ?, ?, 5, 'lv', 'higher', 1, '[]', '[]', 'open', ?, ?)`,
        )
        .run(ola, today, today, at, at).lastInsertRowid,
    );
    db.prepare("INSERT INTO programme_course (programme_id, position, course_id) VALUES (?, 0, 'dzives-skola')").run(programmeId);
    db.prepare(
      "INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, interests_json, recommended_json, created_at) VALUES (?, ?, 'career', ?, 'in_person', '[]', '[]', ?)",
    ).run(learnerId, ola, today, at);
    db.close();
  });

  test('the page shows the reason and no enrol button, only the override form', async () => {
    const page = await ieva.get(`/staff/learners/${learnerId}/placement`);
    expect(page.status).toBe(200);
    expect(visibleText(page.body)).toContain(lv('placement.overrideRules'));
    expect(visibleText(page.body)).toContain(lv('placement.overrideLabel'));
  });

  test('a plain POST is refused with the list’s reason code, and nothing is written', async () => {
    const reply = await ieva.post(`/staff/learners/${learnerId}/placement`, { intent: 'enrol', programmeId: String(programmeId) });
    expect(reply.status).toBe(400);
    expect(visibleText(reply.body)).toContain(lv('placement.educationMissing'));
    const wait = await ieva.post(`/staff/learners/${learnerId}/placement`, { intent: 'waitlist', programmeId: String(programmeId) });
    expect(wait.status).toBe(400);
    expect(placements()).toBe(0);
  });

  test('a forged override without a reason (or a too short one) is refused', async () => {
    for (const form of [{ override: '1' }, { override: '1', overrideReason: '   ' }, { override: '1', overrideReason: 'jo tā' }, { override: 'yes', overrideReason: 'Pietiekami garš pamatojums' }] as Array<Record<string, string>>) {
      const reply = await ieva.post(`/staff/learners/${learnerId}/placement`, { intent: 'enrol', programmeId: String(programmeId), ...form });
      expect(reply.status).toBe(400);
    }
    expect(placements()).toBe(0);
  });

  test('an override with a written reason enrols the learner; the placement and the audit log record what was set aside and why', async () => {
    const reason = 'Ir vidējā profesionālā izglītība no ārvalstīm, dokumenti pārbaudīti';
    const reply = await ieva.post(`/staff/learners/${learnerId}/placement`, { intent: 'enrol', programmeId: String(programmeId), override: '1', overrideReason: reason });
    expect(reply.status).toBe(200);
    expect(visibleText(reply.body)).toContain(lv('placement.enrolled'));
    expect(visibleText(reply.body)).toContain(lv('placement.overridden', { reason }));
    const row = read((db) => db.prepare('SELECT status, override_json, override_reason FROM placement WHERE learner_id = ? AND programme_id = ?').get(learnerId, programmeId));
    expect(row).toEqual({ status: 'enrolled', override_json: '["placement.educationMissing"]', override_reason: reason });
    const audit = read((db) => db.prepare("SELECT actor_label, details FROM audit_log WHERE action = 'placement.enrol' ORDER BY id DESC LIMIT 1").get()) as { actor_label: string; details: string };
    expect(audit.actor_label).toBe('ieva.ozola');
    expect(JSON.parse(audit.details)).toMatchObject({ programmeId, override: { blocks: ['placement.educationMissing'], reason } });
  });
});

describe('a roster row naming another prison’s learner', () => {
  test('Olaine staff upload a row naming an Iļģuciems learner with OLA: refused as registered elsewhere; the learner stays in Iļģuciems, unchanged', async () => {
    const learner = () =>
      read((db) =>
        db
          .prepare(
            `SELECT f.code, u.display_name, l.surname, l.given_names, l.birth_year, l.expected_release_date, l.education_level, l.latvian_level, l.status, l.updated_at
             FROM learner l JOIN user u ON u.id = l.user_id JOIN facility f ON f.id = u.facility_id WHERE l.inmate_number = ?`,
          )
          .get(ACCOUNTS.learnerIlg.inmateNumber),
      ) as Record<string, unknown>;
    const before = learner();
    expect(before.code).toBe('ILG');
    const csv = [
      'inmate_number;surname;given_names;birth_year;facility_code;expected_release_date;education_level;latvian_level;preferred_language',
      `${ACCOUNTS.learnerIlg.inmateNumber};Pārdēvētā;Anna;1990;OLA;2030-01-01;higher;C2;lv`,
    ].join('\r\n');

    // Step 1, the preview: an upload, as the page's form sends it.
    const body = new FormData();
    body.set('intent', 'preview');
    body.set('roster', new Blob([csv], { type: 'text/csv' }), 'registrs.csv');
    const res = await fetch(new URL('/staff/roster', server.baseUrl), { method: 'POST', body, headers: { origin: server.baseUrl, cookie: ieva.cookieHeader() } });
    const preview = visibleText(await res.text());
    expect(res.status).toBe(200);
    expect(preview).toContain(lv('roster.error.registeredElsewhere'));
    expect(preview).not.toContain(lv('roster.action.transfer'));
    // Nothing of the other prison's record shows: not the name it has there.
    expect(preview).not.toContain(String(before.surname));

    // Step 2, the import (the page posts the file's text back).
    const done = await ieva.post('/staff/roster', { intent: 'import', csv, fileName: 'registrs.csv' });
    expect(done.status).toBe(200);
    expect(visibleText(done.body)).toContain(lv('roster.summary', { create: 0, update: 0, transfer: 0, unchanged: 0, refused: 1 }));
    expect(learner()).toEqual(before);
    expect(read((db) => db.prepare("SELECT count(*) FROM learner_move WHERE kind = 'transfer'").pluck().get())).toBe(0);
  });
});

describe('the admission form', () => {
  const admission = (fields: Record<string, string>) => ({
    inmateNumber: `A-${String(Date.now()).slice(-7)}`,
    surname: 'Kalniņš',
    givenNames: 'Edgars',
    birthYear: '1985',
    facilityId: '1',
    educationLevel: 'basic',
    latvianLevel: 'B1',
    expectedReleaseDate: '',
    preferredLocale: 'lv',
    ...fields,
  });
  const learnersNamed = (inmateNumber: string) => read((db) => db.prepare('SELECT count(*) FROM learner WHERE inmate_number = ?').pluck().get(inmateNumber));

  test('no longer offers a status, and a forged status=released is refused: a new learner is always in custody', async () => {
    const form = await ieva.get('/staff/learners/new');
    expect(form.body).not.toContain('name="status"');
    const fields = admission({ status: 'released' });
    const reply = await ieva.post('/staff/learners/new', fields);
    expect(reply.status).toBe(400);
    expect(visibleText(reply.body)).toContain(lv('learner.admissionInCustody'));
    expect(learnersNamed(fields.inmateNumber)).toBe(0);
  });

  test('refuses NUL, bell and right-to-left override characters in names, like the roster does', async () => {
    for (const surname of [`Kalni${String.fromCharCode(0)}ņš`, `Kalniņš${String.fromCharCode(7)}`, `${String.fromCharCode(0x202e)}šņinlaK`]) {
      const fields = admission({ surname });
      const reply = await ieva.post('/staff/learners/new', fields);
      expect(reply.status).toBe(400);
      expect(visibleText(reply.body)).toContain(lv('validation.personName'));
      expect(learnersNamed(fields.inmateNumber)).toBe(0);
    }
    const ok = admission({ surname: 'Šķēle-Čakste', givenNames: "Ļena d'Arc" });
    expect((await ieva.post('/staff/learners/new', ok)).status).toBe(200);
    expect(read((db) => db.prepare('SELECT surname, given_names, status FROM learner WHERE inmate_number = ?').get(ok.inmateNumber))).toEqual({
      surname: 'Šķēle-Čakste',
      given_names: "Ļena d'Arc",
      status: 'in_custody',
    });
  });
});
