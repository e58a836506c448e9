import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { auditActor } from '../people/users.ts';
import { getCourse } from '../courses/catalog.ts';
import { getCourseProgress } from '../learning/progress.ts';
import {
  assessProgramme,
  canFinish,
  consultationCutoff,
  isOverridable,
  lastConsultationOn,
  loadPlacementContext,
  OVERRIDE_REASON_MAX,
  OVERRIDE_REASON_MIN,
  seatsOffered,
  type Block,
  type LearnerForPlacement,
  type OverridableBlock,
} from './eligibility.ts';
import { getProgrammeById, listOpenProgrammes } from './programmes.ts';
import { seatsTaken } from './seats.ts';

export { seatsTaken };

// Kept importable from here, where they were first.
export { canFinish, consultationCutoff, DEFAULT_CONSULTATION_MONTHS, lastConsultationOn, seatsOffered } from './eligibility.ts';

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
  /** Blocking reasons the education staff set aside for this placement, and why; null: none. */
  override: PlacementOverride | null;
}

/** Rules set aside by the education staff, with their written reason. */
export interface PlacementOverride {
  blocks: OverridableBlock[];
  reason: string;
  at: string;
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
  override_json: string | null;
  override_reason: string | null;
  override_at: string | null;
}

const SELECT = `SELECT p.id, p.learner_id, l.surname || ', ' || l.given_names AS learner_name, l.inmate_number, l.expected_release_date,
    p.programme_id, g.title AS programme_title, g.facility_id, p.status, p.recommended, p.waitlisted_at, p.offered_at, p.enrolled_at,
    p.status_at, p.reason, p.outcome_json, p.override_json, p.override_reason, p.override_at
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
  override: r.override_json ? { blocks: JSON.parse(r.override_json) as OverridableBlock[], reason: r.override_reason ?? '', at: r.override_at ?? '' } : null,
});

export function getPlacement(db: Db, id: number): Placement | null {
  const row = stmt(db, `${SELECT} WHERE p.id = ?`).get(id) as Row | undefined;
  return row ? toPlacement(row) : null;
}

/** A learner's placements, newest first. */
export function listPlacementsOfLearner(db: Db, learnerId: number): Placement[] {
  return (stmt(db, `${SELECT} WHERE p.learner_id = ? ORDER BY p.id DESC`).all(learnerId) as Row[]).map(toPlacement);
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


/** The programme's end date, its release rule and its seats. */
function programmeFacts(db: Db, programmeId: number) {
  return stmt(db, 'SELECT id, facility_id, seats, ends_on, continues_after_release, status FROM programme WHERE id = ?').get(programmeId) as
    | { id: number; facility_id: number; seats: number; ends_on: string; continues_after_release: number; status: string }
    | undefined;
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
 * Closes every open placement of a learner (a transfer or a release) with
 * what was achieved (the statement of achievement lists it); progress stays.
 * A release also closes the courses taken outside any programme (intranet
 * access ends); a transfer keeps them open, since they are not tied to the
 * old prison: the learner goes on studying them at the new one. Returns how
 * many placements were closed. Call inside a transaction.
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
  const programmeCoursesOnly = to === 'transferred' ? 'AND placement_id IS NOT NULL' : '';
  stmt(db, `UPDATE enrolment SET status = ?, status_at = ? WHERE learner_id = ? AND status IN ('waitlisted', 'enrolled') ${programmeCoursesOnly}`).run(
    to,
    now.toISOString(),
    learnerId,
  );
  return open.length;
}

export type PlacementError =
  | 'auth.forbidden'
  | 'placement.notFound'
  | 'placement.learnerNotFound'
  | 'placement.programmeClosed'
  | 'placement.notInCustody'
  | 'placement.otherFacility'
  | 'placement.notOpen'
  | 'placement.reasonRequired'
  | 'placement.overrideReasonRequired'
  | Block;
export type PlacementResult =
  | { ok: true; placement: Placement }
  | {
      ok: false;
      code: PlacementError;
      /** Every reason that blocks this placement (the ranked list's codes); `code` is the first that must be dealt with. */
      blocks?: Block[];
    };

interface LearnerFacts {
  id: number;
  facility_id: number;
  status: string;
  education_level: LearnerForPlacement['educationLevel'];
  latvian_level: LearnerForPlacement['latvianLevel'];
  expected_release_date: string | null;
}

function learnerFacts(db: Db, learnerId: number): LearnerFacts | undefined {
  return stmt(
    db,
    'SELECT l.id, u.facility_id, l.status, l.education_level, l.latvian_level, l.expected_release_date FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?',
  ).get(learnerId) as LearnerFacts | undefined;
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
  /**
   * The education staff set aside the overridable blocking reasons (see
   * eligibility.ts) for this learner, with a written reason of at least
   * OVERRIDE_REASON_MIN characters (kept up to OVERRIDE_REASON_MAX). Reasons
   * that cannot be overridden still refuse.
   */
  override?: { reason: string } | undefined;
}

/** The blocking reasons already set aside on an open placement (a waiting learner confirmed later keeps them). */
function overriddenBefore(json: string | null): OverridableBlock[] {
  return json ? (JSON.parse(json) as OverridableBlock[]) : [];
}

/**
 * Enrols a learner in a programme ('enrol') or puts them on its waiting list
 * ('waitlist'). Every reason the ranked list shows against the programme is
 * checked here too, inside the write transaction (eligibility.ts: one
 * function for both): a career consultation within the configured months and
 * a free seat for an enrolment (a seat offered to this learner counts as
 * theirs), the entry requirements, the time left before release and timetable
 * clashes for both. The last group may be overridden (`options.override`),
 * which is recorded on the placement and audited with the reasons set aside.
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
  const today = now.toISOString().slice(0, 10);
  return db
    .transaction((): PlacementResult => {
      const learner = learnerFacts(db, learnerId);
      const programme = getProgrammeById(db, programmeId);
      if (!learner) return { ok: false, code: 'placement.learnerNotFound' };
      if (!programme) return { ok: false, code: 'placement.notFound' };
      if (!can(actor, 'placement:manage', { facilityId: programme.facilityId })) return { ok: false, code: 'auth.forbidden' };
      if (!can(actor, 'placement:manage', { facilityId: learner.facility_id })) return { ok: false, code: 'placement.learnerNotFound' };
      if (learner.status !== 'in_custody') return { ok: false, code: 'placement.notInCustody' };
      if (learner.facility_id !== programme.facilityId) return { ok: false, code: 'placement.otherFacility' };
      // An ended programme is no longer on the ranked list: it is closed for placement too.
      if (programme.status !== 'open' || programme.endsOn < today) return { ok: false, code: 'placement.programmeClosed' };

      const forPlacement: LearnerForPlacement = {
        id: learner.id,
        facilityId: learner.facility_id,
        educationLevel: learner.education_level,
        latvianLevel: learner.latvian_level,
        expectedReleaseDate: learner.expected_release_date,
      };
      const ctx = loadPlacementContext(db, forPlacement, listOpenProgrammes(db, learner.facility_id, today), now, options.consultationMonths);
      const assessment = assessProgramme(db, ctx, programme);
      const blocks = mode === 'enrol' ? assessment.enrolBlocks : assessment.waitBlocks;
      const fixed = blocks.find((b) => !isOverridable(b));
      if (fixed) return { ok: false, code: fixed, blocks };
      const existing = stmt(
        db,
        "SELECT id, status, offered_at, override_json FROM placement WHERE learner_id = ? AND programme_id = ? AND status IN ('waitlisted', 'enrolled')",
      ).get(learnerId, programmeId) as { id: number; status: PlacementStatus; offered_at: string | null; override_json: string | null } | undefined;
      // Every remaining block is overridable (those set aside when the learner was put on the waiting list no longer count).
      const before = overriddenBefore(existing?.override_json ?? null);
      const toOverride = blocks as OverridableBlock[];
      const why = options.override?.reason.trim().slice(0, OVERRIDE_REASON_MAX) ?? '';
      if (toOverride.length && !options.override) return { ok: false, code: toOverride[0]!, blocks };
      if (toOverride.length && why.length < OVERRIDE_REASON_MIN) return { ok: false, code: 'placement.overrideReasonRequired', blocks };
      const override = toOverride.length ? { blocks: [...before, ...toOverride], reason: why } : null;

      const at = now.toISOString();
      const recommended = recommendedFor(db, learnerId, programmeId) ? 1 : 0;
      const details = { programmeId, ...(override ? { override: { blocks: toOverride, reason: why } } : {}) };
      if (mode === 'waitlist') {
        const id = Number(
          stmt(
            db,
            `INSERT INTO placement (learner_id, programme_id, status, recommended, waitlisted_at, status_at, created_by, created_at)
             VALUES (?, ?, 'waitlisted', ?, ?, ?, ?, ?)`,
          ).run(learnerId, programmeId, recommended, at, at, actor.id, at).lastInsertRowid,
        );
        if (override) recordOverride(db, id, override, actor.id, at);
        recordEvent(db, id, null, 'waitlisted', override?.reason ?? null, actor.id, at);
        audit(db, actor, 'placement.waitlist', learnerId, learner.facility_id, { ...details, placementId: id }, now);
        offerNextSeat(db, programmeId, now);
        return { ok: true, placement: getPlacement(db, id)! };
      }
      let id: number;
      if (existing) {
        id = existing.id;
        stmt(db, "UPDATE placement SET status = 'enrolled', enrolled_at = ?, status_at = ?, offered_at = NULL, recommended = ? WHERE id = ?").run(at, at, recommended, id);
        if (override) recordOverride(db, id, override, actor.id, at);
        recordEvent(db, id, 'waitlisted', 'enrolled', override?.reason ?? null, actor.id, at);
      } else {
        id = Number(
          stmt(
            db,
            `INSERT INTO placement (learner_id, programme_id, status, recommended, enrolled_at, status_at, created_by, created_at)
             VALUES (?, ?, 'enrolled', ?, ?, ?, ?, ?)`,
          ).run(learnerId, programmeId, recommended, at, at, actor.id, at).lastInsertRowid,
        );
        if (override) recordOverride(db, id, override, actor.id, at);
        recordEvent(db, id, null, 'enrolled', override?.reason ?? null, actor.id, at);
      }
      openCourseEnrolments(db, actor, learnerId, programmeId, id, at);
      audit(db, actor, 'placement.enrol', learnerId, learner.facility_id, { ...details, placementId: id }, now);
      return { ok: true, placement: getPlacement(db, id)! };
    })
    .immediate();
}

function recordOverride(db: Db, placementId: number, override: { blocks: OverridableBlock[]; reason: string }, actorId: number, at: string): void {
  stmt(db, 'UPDATE placement SET override_json = ?, override_reason = ?, override_by = ?, override_at = ? WHERE id = ?').run(
    JSON.stringify(override.blocks),
    override.reason,
    actorId,
    at,
    placementId,
  );
}

/** Study access: one course enrolment per course of the programme (an open one is kept and joins the programme). */
function openCourseEnrolments(db: Db, actor: SessionUser, learnerId: number, programmeId: number, placementId: number, at: string): void {
  for (const courseId of programmeCourseIds(db, programmeId)) {
    const open = stmt(db, "SELECT id FROM enrolment WHERE learner_id = ? AND course_id = ? AND status IN ('waitlisted', 'enrolled')").pluck().get(learnerId, courseId) as
      | number
      | undefined;
    if (open !== undefined) stmt(db, 'UPDATE enrolment SET placement_id = ? WHERE id = ?').run(placementId, open);
    else {
      stmt(db, "INSERT INTO enrolment (learner_id, course_id, status, enrolled_at, status_at, enrolled_by, placement_id) VALUES (?, ?, 'enrolled', ?, ?, ?, ?)").run(
        learnerId,
        courseId,
        at,
        at,
        actor.id,
        placementId,
      );
    }
  }
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
