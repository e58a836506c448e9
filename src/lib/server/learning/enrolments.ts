import { stmt, type Db } from '../db.ts';
import { learnerFacilityId } from '../people/learners.ts';
import { appendAudit, type AuditActor } from '../audit.ts';

/**
 * Enrolment of a learner in a course. This is the minimal core the learner's
 * pages need; the placement workflow (programmes, waiting lists, consultation
 * rules) builds on it.
 */

export const ENROLMENT_STATUSES = ['waitlisted', 'enrolled', 'completed', 'withdrawn', 'failed', 'transferred', 'released_before_completion'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

export interface Enrolment {
  id: number;
  learnerId: number;
  courseId: string;
  status: EnrolmentStatus;
  enrolledAt: string;
  statusAt: string;
}

interface Row {
  id: number;
  learner_id: number;
  course_id: string;
  status: EnrolmentStatus;
  enrolled_at: string;
  status_at: string;
}

const toEnrolment = (r: Row): Enrolment => ({
  id: r.id,
  learnerId: r.learner_id,
  courseId: r.course_id,
  status: r.status,
  enrolledAt: r.enrolled_at,
  statusAt: r.status_at,
});

const COLUMNS = 'id, learner_id, course_id, status, enrolled_at, status_at';

/** Enrols a learner (audited). Returns the existing open enrolment if there is one. */
export function createEnrolment(db: Db, actor: AuditActor, learnerId: number, courseId: string, now = new Date()): Enrolment {
  return db
    .transaction(() => {
      const open = stmt(db, `SELECT ${COLUMNS} FROM enrolment WHERE learner_id = ? AND course_id = ? AND status IN ('waitlisted', 'enrolled')`).get(
        learnerId,
        courseId,
      ) as Row | undefined;
      if (open) return toEnrolment(open);
      const at = now.toISOString();
      const id = Number(
        stmt(db, "INSERT INTO enrolment (learner_id, course_id, status, enrolled_at, status_at, enrolled_by) VALUES (?, ?, 'enrolled', ?, ?, ?)").run(
          learnerId,
          courseId,
          at,
          at,
          actor.id,
        ).lastInsertRowid,
      );
      const facilityId = learnerFacilityId(db, learnerId);
      appendAudit(db, { actor, action: 'enrolment.create', targetType: 'learner', targetId: learnerId, facilityId, details: { courseId, enrolmentId: id } }, now);
      return toEnrolment(stmt(db, `SELECT ${COLUMNS} FROM enrolment WHERE id = ?`).get(id) as Row);
    })
    .immediate();
}

/**
 * The enrolment that lets the learner study this course now (enrolled, or
 * completed and reviewing), or null: learners can only open their own courses.
 */
export function getStudyEnrolment(db: Db, learnerId: number, courseId: string): Enrolment | null {
  const row = stmt(
    db,
    `SELECT ${COLUMNS} FROM enrolment WHERE learner_id = ? AND course_id = ? AND status IN ('enrolled', 'completed') ORDER BY id DESC LIMIT 1`,
  ).get(learnerId, courseId) as Row | undefined;
  return row ? toEnrolment(row) : null;
}

/** The learner's current and completed courses, newest first. */
export function listStudyEnrolments(db: Db, learnerId: number): Enrolment[] {
  return (
    stmt(db, `SELECT ${COLUMNS} FROM enrolment WHERE learner_id = ? AND status IN ('enrolled', 'completed') ORDER BY status = 'completed', id DESC`).all(
      learnerId,
    ) as Row[]
  ).map(toEnrolment);
}

/** Marks the learner's open enrolment completed (called when the pass rules hold). */
export function completeEnrolment(db: Db, learnerId: number, courseId: string, now = new Date()): void {
  stmt(db, "UPDATE enrolment SET status = 'completed', status_at = ? WHERE learner_id = ? AND course_id = ? AND status = 'enrolled'").run(
    now.toISOString(),
    learnerId,
    courseId,
  );
}
