import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import { getCourse } from '../courses/catalog.ts';
import { getCourseProgress } from '../learning/progress.ts';

/**
 * Placement: a learner's place in a programme. Staff enrol a learner (a seat
 * must be free, a career consultation recent enough) or put them on the
 * waiting list; each status change is recorded with who and why, and audited.
 * Seats are counted inside the write transaction (BEGIN IMMEDIATE), so two
 * staff enrolling at the same moment can never exceed them.
 *
 * Waiting-list priority (documented for staff on the programme page):
 *   1. learners who can finish before their expected release (or whose
 *      programme continues after release) come first;
 *   2. then those whose consultation recommended the programme's direction;
 *   3. then the earlier expected release date (the one who has less time left);
 *   4. then the longer wait.
 */

export const PLACEMENT_STATUSES = ['waitlisted', 'enrolled', 'completed', 'withdrawn', 'failed', 'transferred', 'released_before_completion'] as const;
export type PlacementStatus = (typeof PLACEMENT_STATUSES)[number];
export const OPEN_STATUSES: readonly PlacementStatus[] = ['waitlisted', 'enrolled'];

/** How recent a career consultation must be for an enrolment (months), unless configured otherwise. */
export const DEFAULT_CONSULTATION_MONTHS = 6;

export interface Placement {
  id: number;
  learnerId: number;
  learnerName: string;
  inmateNumber: string;
  expectedReleaseDate: string | null;
  programmeId: number;
  programmeTitle: string;
  facilityId: number;
  status: PlacementStatus;
  recommended: boolean;
  waitlistedAt: string | null;
  offeredAt: string | null;
  enrolledAt: string | null;
  statusAt: string;
  reason: string | null;
  outcome: PlacementOutcome | null;
}

/** What the learner had achieved when a placement ended. */
export interface PlacementOutcome {
  courses: Array<{ courseId: string; percent: number; completed: boolean }>;
}

interface Row {
  id: number;
  learner_id: number;
  learner_name: string;
  inmate_number: string;
  expected_release_date: string | null;
  programme_id: number;
  programme_title: string;
  facility_id: number;
  status: PlacementStatus;
  recommended: number;
  waitlisted_at: string | null;
  offered_at: string | null;
  enrolled_at: string | null;
  status_at: string;
  reason: string | null;
  outcome_json: string | null;
}

const SELECT = `SELECT p.id, p.learner_id, l.surname || ', ' || l.given_names AS learner_name, l.inmate_number, l.expected_release_date,
    p.programme_id, g.title AS programme_title, g.facility_id, p.status, p.recommended, p.waitlisted_at, p.offered_at, p.enrolled_at,
    p.status_at, p.reason, p.outcome_json
  FROM placement p JOIN learner l ON l.id = p.learner_id JOIN programme g ON g.id = p.programme_id`;

const toPlacement = (r: Row): Placement => ({
  id: r.id,
  learnerId: r.learner_id,
  learnerName: r.learner_name,
  inmateNumber: r.inmate_number,
  expectedReleaseDate: r.expected_release_date,
  programmeId: r.programme_id,
  programmeTitle: r.programme_title,
  facilityId: r.facility_id,
  status: r.status,
  recommended: r.recommended === 1,
  waitlistedAt: r.waitlisted_at,
  offeredAt: r.offered_at,
  enrolledAt: r.enrolled_at,
  statusAt: r.status_at,
  reason: r.reason,
  outcome: r.outcome_json ? (JSON.parse(r.outcome_json) as PlacementOutcome) : null,
});

export function getPlacement(db: Db, id: number): Placement | null {
  const row = stmt(db, `${SELECT} WHERE p.id = ?`).get(id) as Row | undefined;
  return row ? toPlacement(row) : null;
}

/** A learner's placements, newest first. */
export function listPlacementsOfLearner(db: Db, learnerId: number): Placement[] {
  return (stmt(db, `${SELECT} WHERE p.learner_id = ? ORDER BY p.id DESC`).all(learnerId) as Row[]).map(toPlacement);
}

/** Seats on offer to waiting learners other than `learnerId` (held for them until staff confirm). */
export function seatsOffered(db: Db, programmeId: number, learnerId: number | null = null): number {
  return stmt(db, "SELECT count(*) FROM placement WHERE programme_id = ? AND status = 'waitlisted' AND offered_at IS NOT NULL AND learner_id IS NOT ?")
    .pluck()
    .get(programmeId, learnerId) as number;
}

/** Enrolled learners of a programme, by name. */
export function listEnrolled(db: Db, programmeId: number): Placement[] {
  return (stmt(db, `${SELECT} WHERE p.programme_id = ? AND p.status = 'enrolled' ORDER BY l.surname, l.given_names`).all(programmeId) as Row[]).map(toPlacement);
}

/** Placements of a programme that ended (completed, withdrawn, …), newest first. */
export function listEnded(db: Db, programmeId: number): Placement[] {
  return (stmt(db, `${SELECT} WHERE p.programme_id = ? AND p.status NOT IN ('waitlisted', 'enrolled') ORDER BY p.status_at DESC`).all(programmeId) as Row[]).map(
    toPlacement,
  );
}

export function seatsTaken(db: Db, programmeId: number): number {
  return stmt(db, "SELECT count(*) FROM placement WHERE programme_id = ? AND status = 'enrolled'").pluck().get(programmeId) as number;
}

/** The programme's end date, its release rule and its seats. */
function programmeFacts(db: Db, programmeId: number) {
  return stmt(db, 'SELECT id, facility_id, seats, ends_on, continues_after_release, status FROM programme WHERE id = ?').get(programmeId) as
    | { id: number; facility_id: number; seats: number; ends_on: string; continues_after_release: number; status: string }
    | undefined;
}

/** Can the learner finish the programme before their expected release (or continue it outside)? */
export function canFinish(endsOn: string, expectedRelease: string | null, continuesAfterRelease: boolean): boolean {
  return continuesAfterRelease || expectedRelease === null || endsOn <= expectedRelease;
}

/** The waiting list in priority order (see the module comment). */
export function listWaiting(db: Db, programmeId: number): Placement[] {
  const facts = programmeFacts(db, programmeId);
  if (!facts) return [];
  const rows = (stmt(db, `${SELECT} WHERE p.programme_id = ? AND p.status = 'waitlisted'`).all(programmeId) as Row[]).map(toPlacement);
  const finishes = (p: Placement) => canFinish(facts.ends_on, p.expectedReleaseDate, facts.continues_after_release === 1);
  return rows.sort(
    (a, b) =>
      Number(finishes(b)) - Number(finishes(a)) ||
      Number(b.recommended) - Number(a.recommended) ||
      (a.expectedReleaseDate ?? '9999-12-31').localeCompare(b.expectedReleaseDate ?? '9999-12-31') ||
      (a.waitlistedAt ?? '').localeCompare(b.waitlistedAt ?? '') ||
      a.id - b.id,
  );
}

function recordEvent(db: Db, placementId: number, from: PlacementStatus | null, to: PlacementStatus, reason: string | null, actorId: number | null, at: string): void {
  stmt(db, 'INSERT INTO placement_event (placement_id, from_status, to_status, reason, actor_id, at) VALUES (?, ?, ?, ?, ?, ?)').run(
    placementId,
    from,
    to,
    reason,
    actorId,
    at,
  );
}

export interface PlacementEvent {
  fromStatus: PlacementStatus | null;
  toStatus: PlacementStatus;
  reason: string | null;
  actorName: string | null;
  at: string;
}

export function listEvents(db: Db, placementId: number): PlacementEvent[] {
  return (
    stmt(
      db,
      `SELECT e.from_status, e.to_status, e.reason, u.display_name, e.at FROM placement_event e LEFT JOIN user u ON u.id = e.actor_id
       WHERE e.placement_id = ? ORDER BY e.id`,
    ).all(placementId) as Array<{ from_status: PlacementStatus | null; to_status: PlacementStatus; reason: string | null; display_name: string | null; at: string }>
  ).map((r) => ({ fromStatus: r.from_status, toStatus: r.to_status, reason: r.reason, actorName: r.display_name, at: r.at }));
}

/** Courses of a programme, in order. */
export function programmeCourseIds(db: Db, programmeId: number): string[] {
  return stmt(db, 'SELECT course_id FROM programme_course WHERE programme_id = ? ORDER BY position').pluck().all(programmeId) as string[];
}

function outcomeOf(db: Db, learnerId: number, programmeId: number): PlacementOutcome {
  return {
    courses: programmeCourseIds(db, programmeId).map((courseId) => {
      const course = getCourse(db, courseId);
      const progress = course ? getCourseProgress(db, learnerId, course) : null;
      return { courseId, percent: progress?.percent ?? 0, completed: Boolean(progress?.completedAt) };
    }),
  };
}

/**
 * Offers a freed seat to the first learner on the waiting list (staff then
 * confirm the enrolment). Does nothing when no seat is free or a seat is
 * already on offer. Returns the placement offered, if any.
 */
export function offerNextSeat(db: Db, programmeId: number, now = new Date()): number | null {
  const facts = programmeFacts(db, programmeId);
  if (!facts || facts.status !== 'open') return null;
  if (seatsTaken(db, programmeId) + seatsOffered(db, programmeId) >= facts.seats) return null;
  const next = listWaiting(db, programmeId).find((p) => p.offeredAt === null);
  if (!next) return null;
  stmt(db, 'UPDATE placement SET offered_at = ? WHERE id = ?').run(now.toISOString(), next.id);
  return next.id;
}

/**
 * Ends a placement (withdrawn, failed, transferred, released before
 * completion, or completed) with what the learner had achieved, closes the
 * course enrolments it opened, records the event and offers the freed seat.
 * Call inside a transaction.
 */
function endPlacement(
  db: Db,
  placement: { id: number; learner_id: number; programme_id: number; status: PlacementStatus },
  to: Exclude<PlacementStatus, 'waitlisted' | 'enrolled'>,
  reason: string | null,
  actorId: number | null,
  now: Date,
): void {
  const at = now.toISOString();
  const outcome = placement.status === 'enrolled' ? JSON.stringify(outcomeOf(db, placement.learner_id, placement.programme_id)) : null;
  stmt(db, 'UPDATE placement SET status = ?, status_at = ?, reason = ?, outcome_json = ?, offered_at = NULL WHERE id = ?').run(to, at, reason, outcome, placement.id);
  // The programme's course enrolments end the same way (a completed course stays completed), except a
  // course another programme of the learner still in progress needs: that one moves to that programme.
  const courseStatus = to === 'completed' ? 'completed' : to;
  const open = stmt(db, "SELECT id, course_id FROM enrolment WHERE placement_id = ? AND status IN ('waitlisted', 'enrolled')").all(placement.id) as Array<{
    id: number;
    course_id: string;
  }>;
  for (const e of open) {
    const other = stmt(
      db,
      `SELECT p.id FROM placement p JOIN programme_course c ON c.programme_id = p.programme_id
       WHERE p.learner_id = ? AND p.status = 'enrolled' AND p.id != ? AND c.course_id = ? LIMIT 1`,
    )
      .pluck()
      .get(placement.learner_id, placement.id, e.course_id) as number | undefined;
    if (other !== undefined) stmt(db, 'UPDATE enrolment SET placement_id = ? WHERE id = ?').run(other, e.id);
    else stmt(db, 'UPDATE enrolment SET status = ?, status_at = ? WHERE id = ?').run(courseStatus, at, e.id);
  }
  recordEvent(db, placement.id, placement.status, to, reason, actorId, at);
  offerNextSeat(db, placement.programme_id, now);
}

/**
 * Closes every open placement of a learner (a transfer or a release) and
 * their other open course enrolments; progress stays. Returns how many
 * placements were closed. Call inside a transaction.
 */
export function closePlacementsOfLearner(
  db: Db,
  learnerId: number,
  to: 'transferred' | 'released_before_completion',
  who: { actorId: number | null; reason: string | null; facilityId: number },
  now = new Date(),
): number {
  const open = stmt(db, "SELECT id, learner_id, programme_id, status FROM placement WHERE learner_id = ? AND status IN ('waitlisted', 'enrolled')").all(
    learnerId,
  ) as Array<{ id: number; learner_id: number; programme_id: number; status: PlacementStatus }>;
  for (const p of open) endPlacement(db, p, to, who.reason, who.actorId, now);
  stmt(db, "UPDATE enrolment SET status = ?, status_at = ? WHERE learner_id = ? AND status IN ('waitlisted', 'enrolled')").run(to, now.toISOString(), learnerId);
  return open.length;
}

export type PlacementError =
  | 'auth.forbidden'
  | 'placement.notFound'
  | 'placement.learnerNotFound'
  | 'placement.programmeClosed'
  | 'placement.notInCustody'
  | 'placement.otherFacility'
  | 'placement.noConsultation'
  | 'placement.full'
  | 'placement.already'
  | 'placement.notOpen'
  | 'placement.reasonRequired';
export type PlacementResult = { ok: true; placement: Placement } | { ok: false; code: PlacementError };

interface LearnerFacts {
  id: number;
  facility_id: number;
  status: string;
  expected_release_date: string | null;
}

function learnerFacts(db: Db, learnerId: number): LearnerFacts | undefined {
  return stmt(db, 'SELECT l.id, u.facility_id, l.status, l.expected_release_date FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?').get(learnerId) as
    | LearnerFacts
    | undefined;
}

/** The date of the learner's latest career consultation, or null. */
export function lastConsultationOn(db: Db, learnerId: number): string | null {
  return (stmt(db, "SELECT max(held_on) FROM consultation WHERE learner_id = ? AND kind = 'career'").pluck().get(learnerId) as string | null) ?? null;
}

/** The first day a consultation still counts for an enrolment made `now`. */
export function consultationCutoff(now: Date, months = DEFAULT_CONSULTATION_MONTHS): string {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() - months;
  // The same day `months` earlier, or the last day of that month when it is shorter (31 August → 28 February).
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m, Math.min(now.getUTCDate(), lastDay))).toISOString().slice(0, 10);
}

/** Does the learner's latest consultation recommend a direction this programme serves? */
function recommendedFor(db: Db, learnerId: number, programmeId: number): boolean {
  const rec = stmt(db, "SELECT recommended_json FROM consultation WHERE learner_id = ? AND kind = 'career' ORDER BY held_on DESC, id DESC LIMIT 1")
    .pluck()
    .get(learnerId) as string | undefined;
  const interests = stmt(db, 'SELECT interests_json FROM programme WHERE id = ?').pluck().get(programmeId) as string | undefined;
  const a = new Set(JSON.parse(rec ?? '[]') as string[]);
  return (JSON.parse(interests ?? '[]') as string[]).some((i) => a.has(i));
}

export interface PlaceOptions {
  now?: Date;
  /** How recent the consultation must be (months). */
  consultationMonths?: number;
}

/**
 * Enrols a learner in a programme ('enrol') or puts them on its waiting list
 * ('waitlist'). Enrolment needs a career consultation within the configured
 * months and a free seat (a seat offered to this learner counts as theirs);
 * both are checked inside the write transaction.
 */
export function placeLearner(
  db: Db,
  actor: SessionUser,
  learnerId: number,
  programmeId: number,
  mode: 'enrol' | 'waitlist',
  options: PlaceOptions = {},
): PlacementResult {
  const now = options.now ?? new Date();
  return db
    .transaction((): PlacementResult => {
      const learner = learnerFacts(db, learnerId);
      const programme = programmeFacts(db, programmeId);
      if (!learner) return { ok: false, code: 'placement.learnerNotFound' };
      if (!programme) return { ok: false, code: 'placement.notFound' };
      if (!can(actor, 'placement:manage', { facilityId: programme.facility_id })) return { ok: false, code: 'auth.forbidden' };
      if (!can(actor, 'placement:manage', { facilityId: learner.facility_id })) return { ok: false, code: 'placement.learnerNotFound' };
      if (learner.status !== 'in_custody') return { ok: false, code: 'placement.notInCustody' };
      if (learner.facility_id !== programme.facility_id) return { ok: false, code: 'placement.otherFacility' };
      if (programme.status !== 'open') return { ok: false, code: 'placement.programmeClosed' };
      const existing = stmt(db, "SELECT id, status, offered_at FROM placement WHERE learner_id = ? AND programme_id = ? AND status IN ('waitlisted', 'enrolled')").get(
        learnerId,
        programmeId,
      ) as { id: number; status: PlacementStatus; offered_at: string | null } | undefined;
      if (existing && (existing.status === 'enrolled' || mode === 'waitlist')) return { ok: false, code: 'placement.already' };
      const at = now.toISOString();
      const recommended = recommendedFor(db, learnerId, programmeId) ? 1 : 0;
      if (mode === 'waitlist') {
        const id = Number(
          stmt(
            db,
            `INSERT INTO placement (learner_id, programme_id, status, recommended, waitlisted_at, status_at, created_by, created_at)
             VALUES (?, ?, 'waitlisted', ?, ?, ?, ?, ?)`,
          ).run(learnerId, programmeId, recommended, at, at, actor.id, at).lastInsertRowid,
        );
        recordEvent(db, id, null, 'waitlisted', null, actor.id, at);
        audit(db, actor, 'placement.waitlist', learnerId, learner.facility_id, { programmeId, placementId: id }, now);
        offerNextSeat(db, programmeId, now);
        return { ok: true, placement: getPlacement(db, id)! };
      }
      const last = lastConsultationOn(db, learnerId);
      if (!last || last < consultationCutoff(now, options.consultationMonths)) return { ok: false, code: 'placement.noConsultation' };
      // Seats: the enrolled, plus seats on offer to others on the waiting list.
      if (seatsTaken(db, programmeId) + seatsOffered(db, programmeId, learnerId) >= programme.seats) return { ok: false, code: 'placement.full' };
      let id: number;
      if (existing) {
        id = existing.id;
        stmt(db, "UPDATE placement SET status = 'enrolled', enrolled_at = ?, status_at = ?, offered_at = NULL, recommended = ? WHERE id = ?").run(at, at, recommended, id);
        recordEvent(db, id, 'waitlisted', 'enrolled', null, actor.id, at);
      } else {
        id = Number(
          stmt(
            db,
            `INSERT INTO placement (learner_id, programme_id, status, recommended, enrolled_at, status_at, created_by, created_at)
             VALUES (?, ?, 'enrolled', ?, ?, ?, ?, ?)`,
          ).run(learnerId, programmeId, recommended, at, at, actor.id, at).lastInsertRowid,
        );
        recordEvent(db, id, null, 'enrolled', null, actor.id, at);
      }
      // Study access: one course enrolment per course of the programme (an open one is kept).
      for (const courseId of programmeCourseIds(db, programmeId)) {
        const open = stmt(db, "SELECT id FROM enrolment WHERE learner_id = ? AND course_id = ? AND status IN ('waitlisted', 'enrolled')").pluck().get(learnerId, courseId) as
          | number
          | undefined;
        if (open !== undefined) stmt(db, 'UPDATE enrolment SET placement_id = ? WHERE id = ?').run(id, open);
        else {
          stmt(db, "INSERT INTO enrolment (learner_id, course_id, status, enrolled_at, status_at, enrolled_by, placement_id) VALUES (?, ?, 'enrolled', ?, ?, ?, ?)").run(
            learnerId,
            courseId,
            at,
            at,
            actor.id,
            id,
          );
        }
      }
      audit(db, actor, 'placement.enrol', learnerId, learner.facility_id, { programmeId, placementId: id }, now);
      return { ok: true, placement: getPlacement(db, id)! };
    })
    .immediate();
}

function audit(db: Db, actor: SessionUser, action: string, learnerId: number, facilityId: number, details: Record<string, unknown>, now: Date): void {
  appendAudit(db, { actor: auditActor(actor), action, targetType: 'learner', targetId: learnerId, facilityId, details }, now);
}

/**
 * Ends a placement by staff decision: 'withdrawn' (off the waiting list or out
 * of the programme) or 'failed'. A reason is required; it is recorded and audited.
 */
export function endPlacementByStaff(
  db: Db,
  actor: SessionUser,
  placementId: number,
  to: 'withdrawn' | 'failed',
  reason: string,
  now = new Date(),
): PlacementResult {
  return db
    .transaction((): PlacementResult => {
      const row = stmt(db, 'SELECT p.id, p.learner_id, p.programme_id, p.status, g.facility_id FROM placement p JOIN programme g ON g.id = p.programme_id WHERE p.id = ?').get(
        placementId,
      ) as { id: number; learner_id: number; programme_id: number; status: PlacementStatus; facility_id: number } | undefined;
      if (!row || !can(actor, 'placement:manage', { facilityId: row.facility_id })) return { ok: false, code: 'placement.notFound' };
      if (!OPEN_STATUSES.includes(row.status)) return { ok: false, code: 'placement.notOpen' };
      if (to === 'failed' && row.status !== 'enrolled') return { ok: false, code: 'placement.notOpen' };
      const why = reason.trim();
      if (!why) return { ok: false, code: 'placement.reasonRequired' };
      endPlacement(db, row, to, why, actor.id, now);
      audit(db, actor, `placement.${to}`, row.learner_id, row.facility_id, { programmeId: row.programme_id, placementId, from: row.status, reason: why }, now);
      return { ok: true, placement: getPlacement(db, placementId)! };
    })
    .immediate();
}

/**
 * Called when a learner completes a course: a placement whose every course is
 * completed is completed too (and its seat offered on). Inside the
 * transaction that recorded the course completion.
 */
export function completePlacementsIfDone(db: Db, learnerId: number, now = new Date()): void {
  const open = stmt(db, "SELECT id, learner_id, programme_id, status FROM placement WHERE learner_id = ? AND status = 'enrolled'").all(learnerId) as Array<{
    id: number;
    learner_id: number;
    programme_id: number;
    status: PlacementStatus;
  }>;
  for (const p of open) {
    const courses = programmeCourseIds(db, p.programme_id);
    const done = stmt(db, 'SELECT course_id FROM course_completion WHERE learner_id = ?').pluck().all(learnerId) as string[];
    if (courses.length > 0 && courses.every((c) => done.includes(c))) endPlacement(db, p, 'completed', null, null, now);
  }
}
