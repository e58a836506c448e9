import { stmt, type Db } from '../db.ts';
import { appendAudit, type AuditActor } from '../audit.ts';
import { generatePin, hashSecret } from '../password.ts';
import { can, facilitiesFor } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { auditActor, replaceSecret } from './users.ts';
import type { EducationLevel, LatvianLevel, LearnerStatus, Locale } from '../../shared/domain.ts';
import { normalizePersonName, PERSON_NAME_MAX, personNameProblem } from '../../shared/person-name.ts';

/** A learner (inmate) as staff see them. Identified by inmate number, never a personal code. */
export interface Learner {
  id: number;
  userId: number;
  inmateNumber: string;
  surname: string;
  givenNames: string;
  birthYear: number | null;
  facilityId: number;
  facilityName: string;
  educationLevel: EducationLevel;
  latvianLevel: LatvianLevel;
  expectedReleaseDate: string | null;
  status: LearnerStatus;
  preferredLocale: Locale;
  active: boolean;
}

interface LearnerRow {
  id: number;
  user_id: number;
  inmate_number: string;
  surname: string;
  given_names: string;
  birth_year: number | null;
  facility_id: number;
  facility_name: string;
  education_level: EducationLevel;
  latvian_level: LatvianLevel;
  expected_release_date: string | null;
  status: LearnerStatus;
  preferred_locale: Locale;
  active: number;
}

const SELECT_LEARNER = `
  SELECT l.id, l.user_id, l.inmate_number, l.surname, l.given_names, l.birth_year,
         u.facility_id, f.name AS facility_name, l.education_level, l.latvian_level,
         l.expected_release_date, l.status, u.preferred_locale, u.active
  FROM learner l
  JOIN user u ON u.id = l.user_id
  JOIN facility f ON f.id = u.facility_id`;

function toLearner(r: LearnerRow): Learner {
  return {
    id: r.id,
    userId: r.user_id,
    inmateNumber: r.inmate_number,
    surname: r.surname,
    givenNames: r.given_names,
    birthYear: r.birth_year,
    facilityId: r.facility_id,
    facilityName: r.facility_name,
    educationLevel: r.education_level,
    latvianLevel: r.latvian_level,
    expectedReleaseDate: r.expected_release_date,
    status: r.status,
    preferredLocale: r.preferred_locale,
    active: r.active === 1,
  };
}

export interface LearnerInput {
  surname: string;
  givenNames: string;
  birthYear: number | null;
  facilityId: number;
  educationLevel: EducationLevel;
  latvianLevel: LatvianLevel;
  expectedReleaseDate: string | null;
  status: LearnerStatus;
  preferredLocale: Locale;
}

/** An admission: the record, the inmate number, and no status but "in custody" (a release is its own step). */
export type AdmissionInput = Omit<LearnerInput, 'status'> & { inmateNumber: string; status?: LearnerStatus };

export type LearnerError =
  | 'auth.forbidden'
  | 'learner.notFound'
  | 'learner.inmateNumberTaken'
  | 'learner.admissionInCustody'
  | 'validation.personName'
  | 'validation.required'
  | 'validation.tooLong'
  | 'lifecycle.useTransfer'
  | 'lifecycle.useRelease';
/** A refusal; `field` names the form field it belongs to, when it belongs to one. */
export type LearnerFailure = { ok: false; code: LearnerError; field?: 'surname' | 'givenNames' | 'status' | 'facilityId' | 'inmateNumber' };

/**
 * The names as stored (trimmed, NFC), or why not: the one rule for person
 * names (shared/person-name.ts), whatever called the domain.
 */
function checkNames<T extends { surname: string; givenNames: string }>(input: T): { ok: true; input: T } | LearnerFailure {
  const surname = normalizePersonName(input.surname);
  const givenNames = normalizePersonName(input.givenNames);
  for (const [field, value, max] of [
    ['surname', surname, PERSON_NAME_MAX.surname],
    ['givenNames', givenNames, PERSON_NAME_MAX.givenNames],
  ] as const) {
    const problem = personNameProblem(value, max);
    if (problem) return { ok: false, code: problem === 'invalid' ? 'validation.personName' : `validation.${problem}`, field };
  }
  return { ok: true, input: { ...input, surname, givenNames } };
}

function visibleTo(actor: SessionUser, facilityId: number): boolean {
  return can(actor, 'learners:view', { facilityId });
}

function learnerById(db: Db, id: number): Learner | null {
  const row = stmt(db, `${SELECT_LEARNER} WHERE l.id = ?`).get(id) as LearnerRow | undefined;
  return row ? toLearner(row) : null;
}

/** A learner the actor may see, or null (not found and not allowed look the same). */
export function getLearner(db: Db, actor: SessionUser, id: number): Learner | null {
  const learner = learnerById(db, id);
  return learner && visibleTo(actor, learner.facilityId) ? learner : null;
}

/** The learner's current facility (for audit entries about them), or null. */
export function learnerFacilityId(db: Db, learnerId: number): number | null {
  return (stmt(db, 'SELECT u.facility_id FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?').pluck().get(learnerId) as number | null | undefined) ?? null;
}

/** The learner behind a learner account (for the learner's own pages). */
export function getLearnerForUser(db: Db, userId: number): Learner | null {
  const row = stmt(db, `${SELECT_LEARNER} WHERE l.user_id = ?`).get(userId) as LearnerRow | undefined;
  return row ? toLearner(row) : null;
}

/** Where a learner stands with placement (the education staff's working lists). */
export const PLACEMENT_FILTERS = ['noConsultation', 'waiting', 'enrolled', 'releasingUnplaced'] as const;
export type PlacementFilter = (typeof PLACEMENT_FILTERS)[number];

export interface LearnerFilter {
  facilityId?: number | undefined;
  status?: LearnerStatus | undefined;
  q?: string | undefined;
  /**
   * noConsultation: in custody, no career consultation yet; waiting: on a waiting list;
   * enrolled: in a programme; releasingUnplaced: release within 90 days of `today` and in no programme.
   */
  placement?: PlacementFilter | undefined;
  /** YYYY-MM-DD; defaults to the current date. */
  today?: string | undefined;
}

/** Learners in the facilities where the actor may see learners. */
export function listLearners(db: Db, actor: SessionUser, filter: LearnerFilter = {}): Learner[] {
  const scope = facilitiesFor(actor, 'learners:view');
  if (scope !== 'all' && scope.length === 0) return [];
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (scope !== 'all') where.push(`u.facility_id IN (${scope.map(Number).join(',')})`);
  if (filter.facilityId) (where.push('u.facility_id = @facility'), (params.facility = filter.facilityId));
  if (filter.status) (where.push('l.status = @status'), (params.status = filter.status));
  if (filter.placement) {
    const open = (status: string) => `EXISTS (SELECT 1 FROM placement p WHERE p.learner_id = l.id AND p.status = '${status}')`;
    if (filter.placement === 'noConsultation') where.push("l.status = 'in_custody' AND NOT EXISTS (SELECT 1 FROM consultation c WHERE c.learner_id = l.id AND c.kind = 'career')");
    else if (filter.placement === 'waiting') where.push(open('waitlisted'));
    else if (filter.placement === 'enrolled') where.push(open('enrolled'));
    else {
      const today = filter.today ?? new Date().toISOString().slice(0, 10);
      params.today = today;
      params.in90 = new Date(Date.parse(`${today}T00:00:00Z`) + 90 * 86_400_000).toISOString().slice(0, 10);
      where.push(`l.status = 'in_custody' AND l.expected_release_date BETWEEN @today AND @in90 AND NOT ${open('enrolled')}`);
    }
  }
  if (filter.q) {
    where.push("(l.surname LIKE @q ESCAPE '\\' OR l.given_names LIKE @q ESCAPE '\\' OR l.inmate_number LIKE @q ESCAPE '\\')");
    params.q = '%' + filter.q.replace(/[%_\\]/g, (c) => '\\' + c) + '%';
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  return (stmt(db, `${SELECT_LEARNER} ${clause} ORDER BY l.surname, l.given_names LIMIT 500`).all(params) as LearnerRow[]).map(
    toLearner,
  );
}

/**
 * Writes a new learner: the learner account (role learner, signs in with the
 * inmate number), the record, the admission among the learner's moves and
 * the `learner.create` audit entry. Shared by the admission form and the
 * roster import: the caller has checked the actor's rights and that the
 * inmate number is free, and calls it inside its transaction.
 */
export function insertLearner(
  db: Db,
  actor: AuditActor,
  input: AdmissionInput,
  secretHash: string,
  options: { reason?: string; details?: Record<string, unknown> } = {},
  now = new Date(),
): number {
  // An admission is into custody; anything else is a caller's bug (createLearner refuses it as a value).
  if (input.status !== undefined && input.status !== 'in_custody') throw new Error(`insertLearner: an admission is in custody, not ${input.status}`);
  const at = now.toISOString();
  const userId = Number(
    stmt(
      db,
      `INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, created_at, updated_at)
       VALUES ('learner', NULL, ?, ?, ?, ?, ?, ?)`,
    ).run(`${input.givenNames} ${input.surname}`, input.facilityId, secretHash, input.preferredLocale, at, at).lastInsertRowid,
  );
  const id = Number(
    stmt(
      db,
      `INSERT INTO learner (user_id, inmate_number, surname, given_names, birth_year, education_level, latvian_level,
         expected_release_date, status, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      userId,
      input.inmateNumber,
      input.surname,
      input.givenNames,
      input.birthYear,
      input.educationLevel,
      input.latvianLevel,
      input.expectedReleaseDate,
      'in_custody',
      at,
      at,
    ).lastInsertRowid,
  );
  stmt(
    db,
    "INSERT INTO learner_move (learner_id, from_facility_id, to_facility_id, kind, on_date, reason, actor_id, at) VALUES (?, NULL, ?, 'admission', ?, ?, ?, ?)",
  ).run(id, input.facilityId, at.slice(0, 10), options.reason ?? null, actor.id, at);
  appendAudit(
    db,
    {
      actor,
      action: 'learner.create',
      targetType: 'learner',
      targetId: id,
      facilityId: input.facilityId,
      details: { inmateNumber: input.inmateNumber, ...options.details },
    },
    now,
  );
  return id;
}

/**
 * Admits a learner with a new PIN, returned once for staff to hand over. A
 * new learner is always in custody: any other status is refused (a release
 * is recorded afterwards, with its date, by releaseLearner).
 */
export async function createLearner(
  db: Db,
  actor: SessionUser,
  admission: AdmissionInput,
  pin = generatePin(),
): Promise<{ ok: true; learner: Learner; pin: string } | LearnerFailure> {
  if (!can(actor, 'learners:edit', { facilityId: admission.facilityId })) return { ok: false, code: 'auth.forbidden' };
  if (admission.status !== undefined && admission.status !== 'in_custody') return { ok: false, code: 'learner.admissionInCustody' };
  const named = checkNames(admission);
  if (!named.ok) return named;
  const input = { ...named.input, status: 'in_custody' as const };
  const hash = await hashSecret(pin);
  return db
    .transaction(() => {
      if (stmt(db, 'SELECT 1 FROM learner WHERE inmate_number = ?').get(input.inmateNumber)) {
        return { ok: false as const, code: 'learner.inmateNumberTaken' as const, field: 'inmateNumber' as const };
      }
      const id = insertLearner(db, auditActor(actor), input, hash);
      return { ok: true as const, learner: learnerById(db, id)!, pin };
    })
    .immediate();
}

/**
 * Changes a learner's record (the actor needs the right in the learner's
 * facility). The facility and the status are not changed here: a transfer
 * and a release are their own steps (lifecycle.ts), which close programmes,
 * end access and are recorded among the learner's moves.
 */
export function updateLearner(
  db: Db,
  actor: SessionUser,
  id: number,
  changes: LearnerInput,
): { ok: true; learner: Learner } | LearnerFailure {
  return db
    .transaction((): { ok: true; learner: Learner } | LearnerFailure => {
      const before = getLearner(db, actor, id);
      if (!before) return { ok: false, code: 'learner.notFound' };
      if (!can(actor, 'learners:edit', { facilityId: before.facilityId })) return { ok: false, code: 'auth.forbidden' };
      if (changes.facilityId !== before.facilityId) return { ok: false, code: 'lifecycle.useTransfer', field: 'facilityId' };
      if (changes.status !== before.status) return { ok: false, code: 'lifecycle.useRelease', field: 'status' };
      const named = checkNames(changes);
      if (!named.ok) return named;
      const input = named.input;
      const now = new Date().toISOString();
      stmt(
        db,
        `UPDATE learner SET surname = ?, given_names = ?, birth_year = ?, education_level = ?, latvian_level = ?,
           expected_release_date = ?, status = ?, updated_at = ? WHERE id = ?`,
      ).run(
        input.surname,
        input.givenNames,
        input.birthYear,
        input.educationLevel,
        input.latvianLevel,
        input.expectedReleaseDate,
        input.status,
        now,
        id,
      );
      stmt(db, 'UPDATE user SET display_name = ?, facility_id = ?, preferred_locale = ?, updated_at = ? WHERE id = ?').run(
        `${input.givenNames} ${input.surname}`,
        input.facilityId,
        input.preferredLocale,
        now,
        before.userId,
      );
      const changed = Object.fromEntries(
        (Object.keys(input) as (keyof LearnerInput)[])
          .filter((k) => before[k] !== input[k])
          .map((k) => [k, { from: before[k], to: input[k] }]),
      );
      appendAudit(db, {
        actor: auditActor(actor),
        action: 'learner.update',
        targetType: 'learner',
        targetId: id,
        facilityId: input.facilityId,
        details: { inmateNumber: before.inmateNumber, changed },
      });
      return { ok: true, learner: learnerById(db, id)! };
    })
    .immediate();
}

/** Issues a new PIN (the old one stops working, open sessions end); returned once. */
export async function resetLearnerPin(
  db: Db,
  actor: SessionUser,
  id: number,
): Promise<{ ok: true; pin: string } | { ok: false; code: LearnerError }> {
  const learner = getLearner(db, actor, id);
  if (!learner) return { ok: false, code: 'learner.notFound' };
  if (!can(actor, 'learners:resetPin', { facilityId: learner.facilityId })) return { ok: false, code: 'auth.forbidden' };
  const pin = generatePin();
  await replaceSecret(db, auditActor(actor), learner.userId, pin, {
    action: 'learner.pinReset',
    facilityId: learner.facilityId,
    targetType: 'learner',
    targetId: learner.id,
  });
  return { ok: true, pin };
}

/** How many learners the actor can see, by status (home page figures). */
export function countLearnersByStatus(db: Db, actor: SessionUser): Record<LearnerStatus, number> {
  const counts: Record<LearnerStatus, number> = { in_custody: 0, released: 0, transferred: 0 };
  const scope = facilitiesFor(actor, 'learners:view');
  if (scope !== 'all' && scope.length === 0) return counts;
  const where = scope === 'all' ? '' : `WHERE u.facility_id IN (${scope.map(Number).join(',')})`;
  const rows = stmt(db, `SELECT l.status, count(*) AS n FROM learner l JOIN user u ON u.id = l.user_id ${where} GROUP BY l.status`).all() as Array<{
    status: LearnerStatus;
    n: number;
  }>;
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}
