import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.ts';
import { signedIn, type Client } from '../helpers/http.ts';
import { ACCOUNTS } from '../helpers/accounts.ts';

/**
 * Seats are never exceeded, even when several staff enrol at the same moment:
 * two education staff sessions and an admin send enrolments for ten learners
 * into a two-seat programme all at once, over HTTP against the built server.
 * (tests/unit/placement covers the same rule with truly parallel database
 * connections in worker threads.)
 */

let server: TestServer;
let staff: Client[];
let programmeId: number;
let learners: number[];
const SEATS = 2;

beforeAll(async () => {
  server = await startServer();
  const db = new Database(server.databaseFile);
  db.pragma('busy_timeout = 5000');
  const ola = db.prepare("SELECT id FROM facility WHERE code = 'OLA'").pluck().get() as number;
  const now = new Date();
  const today = now.toISOString().slice(0, 10);
  const at = now.toISOString();
  programmeId = Number(
    db
      .prepare(
        `INSERT INTO programme (facility_id, title, starts_on, ends_on, seats, language, continues_after_release, interests_json, timetable_json, status, created_at, updated_at)
         VALUES (?, 'Sacensību tests', ?, ?, ?, 'lv', 1, '[]', '[]', 'open', ?, ?)`,
      )
      .run(ola, today, today, SEATS, at, at).lastInsertRowid,
  );
  db.prepare("INSERT INTO programme_course (programme_id, position, course_id) VALUES (?, 0, 'dzives-skola')").run(programmeId);
  learners = db
    .prepare("SELECT l.id FROM learner l JOIN user u ON u.id = l.user_id WHERE u.facility_id = ? AND l.status = 'in_custody' ORDER BY l.id LIMIT 10")
    .pluck()
    .all(ola) as number[];
  const consult = db.prepare(
    "INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, interests_json, recommended_json, created_at) VALUES (?, ?, 'career', ?, 'in_person', '[]', '[]', ?)",
  );
  for (const id of learners) consult.run(id, ola, today, at);
  db.close();
  staff = [await signedIn(server.baseUrl, ACCOUNTS.ievaOzola), await signedIn(server.baseUrl, ACCOUNTS.ievaOzola), await signedIn(server.baseUrl, ACCOUNTS.admin)];
});
afterAll(async () => {
  await server?.stop();
});

test('ten enrolments at once into two seats: exactly two succeed, the others are told the programme is full', async () => {
  expect(learners.length).toBe(10);
  const replies = await Promise.all(
    learners.map((id, i) => staff[i % staff.length]!.post(`/staff/learners/${id}/placement`, { intent: 'enrol', programmeId: String(programmeId) })),
  );
  const ok = replies.filter((r) => r.status === 200);
  const refused = replies.filter((r) => r.status === 400);
  expect(ok).toHaveLength(SEATS);
  expect(refused).toHaveLength(learners.length - SEATS);
  for (const r of refused) expect(r.body).toContain('Nav brīvas vietas');

  const db = new Database(server.databaseFile, { readonly: true });
  try {
    expect(db.prepare("SELECT count(*) FROM placement WHERE programme_id = ? AND status = 'enrolled'").pluck().get(programmeId)).toBe(SEATS);
    // Each enrolled learner got the programme's course, nobody else did.
    expect(db.prepare("SELECT count(*) FROM enrolment e JOIN placement p ON p.id = e.placement_id WHERE p.programme_id = ?").pluck().get(programmeId)).toBe(SEATS);
    expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'placement.enrol'").pluck().get()).toBe(SEATS);
  } finally {
    db.close();
  }
});
