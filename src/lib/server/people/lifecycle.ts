import { stmt, type Db } from '../db.ts';
import { appendAudit, type AuditActor } from '../audit.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { auditActor } from './users.ts';
import { closePlacementsOfLearner } from '../placement/placements.ts';
import { awardStatements, enrolledPlacementIds } from '../certificates/awards.ts';

/**
 * The learner's path between prisons and out: a transfer moves the record
 * (consultations, progress, certificates stay with the learner; open
 * placements at the old facility close as transferred with what was
 * achieved); a release ends intranet access at once and closes open
 * placements as released before completion.
 */

export type LifecycleError = 'auth.forbidden' | 'learner.notFound' | 'lifecycle.sameFacility' | 'lifecycle.notInCustody' | 'lifecycle.facilityNotFound';
export type LifecycleResult = { ok: true; closedPlacements: number } | { ok: false; code: LifecycleError };

interface LearnerRow {
  id: number;
  user_id: number;
  facility_id: number;
  status: string;
  inmate_number: string;
}

function learnerRow(db: Db, learnerId: number): LearnerRow | undefined {
  return stmt(
    db,
    'SELECT l.id, l.user_id, u.facility_id, l.status, l.inmate_number FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?',
  ).get(learnerId) as LearnerRow | undefined;
}

/** Who does it: staff (checked against the policy) or the system (the roster import from the command line). */
export type LifecycleActor = { kind: 'staff'; user: SessionUser } | { kind: 'system'; audit: AuditActor };

const actorId = (a: LifecycleActor) => (a.kind === 'staff' ? a.user.id : null);
const actorAudit = (a: LifecycleActor) => (a.kind === 'staff' ? auditActor(a.user) : a.audit);

/**
 * Moves a learner in custody to another facility. Staff need `learners:edit`
 * at the learner's CURRENT facility: the sending prison records a transfer
 * (the receiving one cannot pull another prison's learner in; the nightly
 * register sync runs as the system and may move anyone). Runs in the
 * caller's transaction when there is one.
 */
export function transferLearner(
  db: Db,
  actor: LifecycleActor,
  learnerId: number,
  toFacilityId: number,
  options: { onDate?: string; reason?: string } = {},
  now = new Date(),
): LifecycleResult {
  return db.transaction((): LifecycleResult => {
    const learner = learnerRow(db, learnerId);
    if (!learner) return { ok: false, code: 'learner.notFound' };
    if (actor.kind === 'staff' && !can(actor.user, 'learners:edit', { facilityId: learner.facility_id })) return { ok: false, code: 'auth.forbidden' };
    if (learner.status !== 'in_custody') return { ok: false, code: 'lifecycle.notInCustody' };
    if (learner.facility_id === toFacilityId) return { ok: false, code: 'lifecycle.sameFacility' };
    if (!stmt(db, 'SELECT 1 FROM facility WHERE id = ?').get(toFacilityId)) return { ok: false, code: 'lifecycle.facilityNotFound' };
    const at = now.toISOString();
    const leaving = enrolledPlacementIds(db, learnerId);
    const closed = closePlacementsOfLearner(db, learnerId, 'transferred', { actorId: actorId(actor), reason: options.reason ?? null, facilityId: learner.facility_id }, now);
    // What was done of each programme left unfinished goes on a statement of achievement (issued by the programme's provider).
    awardStatements(db, learnerId, leaving, now);
    // Courses taken outside any programme go with the learner (recorded, so the move says what continues).
    const keptCourses = stmt(db, "SELECT course_id FROM enrolment WHERE learner_id = ? AND status IN ('waitlisted', 'enrolled') ORDER BY course_id")
      .pluck()
      .all(learnerId) as string[];
    stmt(db, 'UPDATE user SET facility_id = ?, updated_at = ? WHERE id = ?').run(toFacilityId, at, learner.user_id);
    stmt(db, 'UPDATE learner SET updated_at = ? WHERE id = ?').run(at, learnerId);
    stmt(
      db,
      "INSERT INTO learner_move (learner_id, from_facility_id, to_facility_id, kind, on_date, reason, actor_id, at) VALUES (?, ?, ?, 'transfer', ?, ?, ?, ?)",
    ).run(learnerId, learner.facility_id, toFacilityId, options.onDate ?? at.slice(0, 10), options.reason ?? null, actorId(actor), at);
    appendAudit(
      db,
      {
        actor: actorAudit(actor),
        action: 'learner.transfer',
        targetType: 'learner',
        targetId: learnerId,
        facilityId: toFacilityId,
        details: { inmateNumber: learner.inmate_number, from: learner.facility_id, to: toFacilityId, closedPlacements: closed, keptCourses, reason: options.reason ?? null },
      },
      now,
    );
    return { ok: true, closedPlacements: closed };
  }).immediate();
}

/**
 * Records a release: the learner's intranet account stops working at once
 * (sessions ended, status released), open placements close as released
 * before completion with what was achieved. Certificates and the record stay
 * for the released-person portal.
 */
export function releaseLearner(
  db: Db,
  actor: LifecycleActor,
  learnerId: number,
  options: { onDate?: string; reason?: string } = {},
  now = new Date(),
): LifecycleResult {
  return db.transaction((): LifecycleResult => {
    const learner = learnerRow(db, learnerId);
    if (!learner) return { ok: false, code: 'learner.notFound' };
    if (actor.kind === 'staff' && !can(actor.user, 'learners:edit', { facilityId: learner.facility_id })) return { ok: false, code: 'auth.forbidden' };
    if (learner.status !== 'in_custody') return { ok: false, code: 'lifecycle.notInCustody' };
    const at = now.toISOString();
    const onDate = options.onDate ?? at.slice(0, 10);
    const leaving = enrolledPlacementIds(db, learnerId);
    const closed = closePlacementsOfLearner(
      db,
      learnerId,
      'released_before_completion',
      { actorId: actorId(actor), reason: options.reason ?? null, facilityId: learner.facility_id },
      now,
    );
    awardStatements(db, learnerId, leaving, now);
    stmt(db, "UPDATE learner SET status = 'released', released_on = ?, updated_at = ? WHERE id = ?").run(onDate, at, learnerId);
    // Open sessions stop working at once: every request checks the learner is in custody, ends the
    // session and tells the learner staff ended it (deleting the rows here would lose that reason).
    const sessions = stmt(db, 'SELECT count(*) FROM session WHERE user_id = ?').pluck().get(learner.user_id) as number;
    stmt(
      db,
      "INSERT INTO learner_move (learner_id, from_facility_id, to_facility_id, kind, on_date, reason, actor_id, at) VALUES (?, ?, NULL, 'release', ?, ?, ?, ?)",
    ).run(learnerId, learner.facility_id, onDate, options.reason ?? null, actorId(actor), at);
    appendAudit(
      db,
      {
        actor: actorAudit(actor),
        action: 'learner.release',
        targetType: 'learner',
        targetId: learnerId,
        facilityId: learner.facility_id,
        details: { inmateNumber: learner.inmate_number, releasedOn: onDate, closedPlacements: closed, sessionsEnded: sessions },
      },
      now,
    );
    return { ok: true, closedPlacements: closed };
  }).immediate();
}

export interface LearnerMove {
  kind: 'admission' | 'transfer' | 'release';
  fromFacility: string | null;
  toFacility: string | null;
  onDate: string;
  reason: string | null;
}

/** Where the learner has been, oldest first (staff of any facility that can see the learner see it all). */
export function listMoves(db: Db, learnerId: number): LearnerMove[] {
  return (
    stmt(
      db,
      `SELECT m.kind, f1.name AS from_name, f2.name AS to_name, m.on_date, m.reason FROM learner_move m
       LEFT JOIN facility f1 ON f1.id = m.from_facility_id LEFT JOIN facility f2 ON f2.id = m.to_facility_id
       WHERE m.learner_id = ? ORDER BY m.id`,
    ).all(learnerId) as Array<{ kind: LearnerMove['kind']; from_name: string | null; to_name: string | null; on_date: string; reason: string | null }>
  ).map((r) => ({ kind: r.kind, fromFacility: r.from_name, toFacility: r.to_name, onDate: r.on_date, reason: r.reason }));
}
