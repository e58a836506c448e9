import { stmt, type Db } from '../../src/lib/server/db.ts';
import { addLearningDay } from '../../src/lib/server/learning/learning-days.ts';
import type { EducationLevel, Locale } from '../../src/lib/shared/domain.ts';

/**
 * Hand-built rows for the indicators tests: a course, a programme, people,
 * places, consultations, documents and learning time, written straight into
 * the tables (the indicators only read), so each figure can be checked
 * against a dataset small enough to count by hand.
 */

const AT = '2026-01-01T00:00:00.000Z';
let seq = 0;

export function addCourseRow(db: Db, id: string, track: string, { level = 'general', language = 'lv' as Locale } = {}): string {
  stmt(
    db,
    `INSERT INTO course (id, track, level, qualification_level, hours, language, title_json, summary_json, prerequisites_json, pass_rules_json, content_hash, synced_at)
     VALUES (?, ?, ?, NULL, 40, ?, '{"lv":"K"}', '{"lv":""}', '{}', '{}', 'h', ?)`,
  ).run(id, track, level, language, AT);
  return id;
}

export function addProgrammeRow(db: Db, facilityId: number, courseId: string, { language = 'lv' as Locale, title = 'Programma' } = {}): number {
  const id = Number(
    stmt(db, `INSERT INTO programme (facility_id, title, starts_on, ends_on, seats, language, created_at, updated_at) VALUES (?, ?, '2025-01-01', '2027-12-31', 100, ?, ?, ?)`).run(
      facilityId,
      title,
      language,
      AT,
      AT,
    ).lastInsertRowid,
  );
  stmt(db, 'INSERT INTO programme_course (programme_id, position, course_id) VALUES (?, 1, ?)').run(id, courseId);
  return id;
}

export interface PersonOptions {
  birthYear?: number | null;
  education?: EducationLevel;
  locale?: Locale;
  sex?: 'M' | 'F' | null;
  surname?: string;
}

/** A learner at `facilityId`; returns the learner id. Names and numbers are distinctive so tests can look for leaks. */
export function addPerson(db: Db, facilityId: number, o: PersonOptions = {}): number {
  seq += 1;
  const surname = o.surname ?? `Bērziņš${seq}`;
  const userId = Number(
    stmt(db, `INSERT INTO user (role, username, display_name, facility_id, preferred_locale, created_at, updated_at) VALUES ('learner', NULL, ?, ?, ?, ?, ?)`).run(
      `Jānis ${surname}`,
      facilityId,
      o.locale ?? 'lv',
      AT,
      AT,
    ).lastInsertRowid,
  );
  return Number(
    stmt(
      db,
      `INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level, sex, created_at, updated_at)
       VALUES (?, ?, ?, 'Jānis', ?, ?, 'B1', ?, ?, ?)`,
    ).run(userId, `IX${String(seq).padStart(6, '0')}`, surname, o.birthYear === undefined ? 1990 : o.birthYear, o.education ?? 'basic', o.sex ?? null, AT, AT).lastInsertRowid,
  );
}

export interface PlaceOptions {
  status: 'waitlisted' | 'enrolled' | 'completed' | 'withdrawn' | 'failed' | 'transferred' | 'released_before_completion';
  waitlistedAt?: string | null;
  enrolledAt?: string | null;
  /** When the status was last set (default: enrolledAt or waitlistedAt). */
  statusAt?: string;
}

const ts = (d: string) => (d.length === 10 ? `${d}T10:00:00.000Z` : d);

export function addPlace(db: Db, learnerId: number, programmeId: number, o: PlaceOptions): number {
  const waitlisted = o.waitlistedAt ? ts(o.waitlistedAt) : null;
  const enrolled = o.enrolledAt ? ts(o.enrolledAt) : null;
  const statusAt = ts(o.statusAt ?? o.enrolledAt ?? o.waitlistedAt ?? '2026-01-01');
  return Number(
    stmt(
      db,
      `INSERT INTO placement (learner_id, programme_id, status, waitlisted_at, enrolled_at, status_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(learnerId, programmeId, o.status, waitlisted, enrolled, statusAt, waitlisted ?? enrolled ?? statusAt).lastInsertRowid,
  );
}

export function addConsult(db: Db, learnerId: number, facilityId: number, heldOn: string, kind: 'career' | 'pre_release' = 'career'): void {
  stmt(db, `INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, created_at) VALUES (?, ?, ?, ?, 'in_person', ?)`).run(learnerId, facilityId, kind, heldOn, AT);
}

export interface DocumentOptions {
  kind?: 'module' | 'professional_development' | 'statement';
  level?: string | null;
  issuedOn: string;
  programmeId?: number | null;
  courseId?: string | null;
  revoked?: boolean;
  replacesId?: number | null;
}

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export function addDocument(db: Db, learnerId: number, o: DocumentOptions): number {
  seq += 1;
  const code = [...String(seq).padStart(8, '0')].map((d) => ALPHABET[Number(d) + 2]).join('');
  return Number(
    stmt(
      db,
      `INSERT INTO certificate (serial, kind, learner_id, course_id, programme_id, holder_name, title_json, hours, level, issuer, issued_on, completed_on,
         content_json, content_hash, signature, key_id, revoked_at, revoke_reason, replaces_id, created_at)
       VALUES (?, ?, ?, ?, ?, 'Jānis X', '{"lv":"D"}', 40, ?, 'Skola', ?, ?, '{}', ?, 'sig', '0123456789abcdef', ?, ?, ?, ?)`,
    ).run(
      `TLT-2026-${code.slice(0, 4)}-${code.slice(4)}`,
      o.kind ?? 'module',
      learnerId,
      o.courseId ?? null,
      o.programmeId ?? null,
      o.level ?? null,
      o.issuedOn,
      o.issuedOn,
      'a'.repeat(64),
      o.revoked ? AT : null,
      o.revoked ? 'kļūda' : null,
      o.replacesId ?? null,
      AT,
    ).lastInsertRowid,
  );
}

export function addLearningTime(db: Db, learnerId: number, courseId: string, day: string, seconds: number): void {
  addLearningDay(db, learnerId, courseId, day, seconds);
}

export function releasePerson(db: Db, learnerId: number, on: string): void {
  stmt(db, "UPDATE learner SET status = 'released', released_on = ? WHERE id = ?").run(on, learnerId);
}
