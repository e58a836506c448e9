import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { openDatabase, stmt, type Db } from '../../../src/lib/server/db.ts';
import { getStudyEnrolment } from '../../../src/lib/server/learning/enrolments.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { releaseLearner, transferLearner } from '../../../src/lib/server/people/lifecycle.ts';
import {
  closePlacementsOfLearner,
  consultationCutoff,
  endPlacementByStaff,
  getPlacement,
  listEnded,
  listEnrolled,
  listEvents,
  listPlacementsOfLearner,
  listWaiting,
  placeLearner,
  seatsTaken,
  type PlacementOutcome,
} from '../../../src/lib/server/placement/placements.ts';
import { type Programme, type ProgrammeInput } from '../../../src/lib/server/placement/programmes.ts';
import { updateProgramme } from '../../../src/lib/server/placement/programme-edit.ts';
import type { SessionUser } from '../../../src/lib/server/session.ts';
import { createCoursesDir, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, grantFacility, type Prison } from '../../helpers/fixture.ts';
import { enrol, type InstalledCourse } from '../../helpers/learning.ts';
import {
  addConsultation,
  addLearner,
  addProgramme,
  auditRows,
  completeCourse,
  enrolledCount,
  enrolmentRows,
  eventRows,
  installCourse,
  NOW,
  OLD,
  placeInProcesses,
  placeInWorkers,
  placementRow,
  placementRowsOf,
  programmeInput,
  RECENT,
  someOverlap,
  type CallResult,
  type ExtraLearner,
  type LearnerOptions,
} from '../../helpers/placement.ts';

let p: Prison & { cleanup: () => void; file: string };
let courses: CoursesDir;
let c1: InstalledCourse;
let c2: InstalledCourse;
let staff: SessionUser;
const extraDbs: Db[] = [];

beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  c1 = installCourse(p.db, courses.dir, 'metinasana-pamati');
  c2 = installCourse(p.db, courses.dir, 'metinasana-prakse');
  staff = p.educationStaff.user;
});
afterEach(() => {
  for (const db of extraDbs.splice(0)) if (db.open) db.close();
  p.cleanup();
  courses.cleanup();
});

const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
/** A programme at facility A of the two courses (seats 10 unless told). */
const programme = (overrides: Partial<ProgrammeInput> = {}, facilityId = p.facilityA.id): Programme =>
  addProgramme(p.db, p.admin.user, programmeInput(facilityId, [c1.course.id, c2.course.id], overrides));
/** A learner at facility A with a recent career consultation. */
const consulted = (o: LearnerOptions & { recommended?: ProgrammeInput['interests'] } = {}): ExtraLearner => {
  const l = addLearner(p.db, p.facilityA.id, o);
  addConsultation(p.db, l.learnerId, { recommended: o.recommended ?? [] });
  return l;
};
const enrolOk = (learnerId: number, programmeId: number, now = NOW, actor = staff) => {
  const r = placeLearner(p.db, actor, learnerId, programmeId, 'enrol', { now });
  if (!r.ok) throw new Error(`enrol refused: ${r.code}`);
  return r.placement;
};
const waitOk = (learnerId: number, programmeId: number, now = NOW, actor = staff, override?: { reason: string }) => {
  const r = placeLearner(p.db, actor, learnerId, programmeId, 'waitlist', { now, override });
  if (!r.ok) throw new Error(`waitlist refused: ${r.code}`);
  return r.placement;
};
const code = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);
/** Audit entries of placement actions (course syncs and programme changes write their own). */
const placementAudit = () => auditRows(p.db).filter((a) => a.action.startsWith('placement.'));
const count = (sql: string, ...params: unknown[]) => stmt(p.db, sql).pluck().get(...params) as number;

describe('enrolling: what must hold', () => {
  test('enrolment needs a career consultation within the last 6 months (a pre-release one does not count); waiting does not', () => {
    const g = programme();
    const l = p.learner.learnerId;
    expect(code(placeLearner(p.db, staff, l, g.id, 'enrol', { now: NOW }))).toBe('placement.noConsultation');
    addConsultation(p.db, l, { kind: 'pre_release', heldOn: '2026-02-20' });
    expect(code(placeLearner(p.db, staff, l, g.id, 'enrol', { now: NOW }))).toBe('placement.noConsultation');
    addConsultation(p.db, l, { heldOn: OLD });
    expect(code(placeLearner(p.db, staff, l, g.id, 'enrol', { now: NOW }))).toBe('placement.noConsultation');
    // Nothing was written by the refusals.
    expect(count('SELECT count(*) FROM placement')).toBe(0);
    expect(count('SELECT count(*) FROM enrolment')).toBe(0);
    expect(placementAudit()).toEqual([]);
    // A longer period configured: the old consultation is enough.
    expect(code(placeLearner(p.db, staff, l, g.id, 'enrol', { now: NOW, consultationMonths: 12 }))).toBe('ok');
  });

  test('a fresh career consultation makes the enrolment possible', () => {
    const g = programme();
    addConsultation(p.db, p.learner.learnerId, { heldOn: OLD });
    addConsultation(p.db, p.learner.learnerId, { heldOn: '2026-02-27' });
    expect(code(placeLearner(p.db, staff, p.learner.learnerId, g.id, 'enrol', { now: NOW }))).toBe('ok');
  });

  test('the 6 months are counted in calendar months, the cut-off day included', () => {
    expect(consultationCutoff(NOW)).toBe('2025-09-02');
    expect(consultationCutoff(NOW, 12)).toBe('2025-03-02');
    const g = programme();
    const onCutoff = addLearner(p.db, p.facilityA.id);
    addConsultation(p.db, onCutoff.learnerId, { heldOn: '2025-09-02' });
    const dayBefore = addLearner(p.db, p.facilityA.id);
    addConsultation(p.db, dayBefore.learnerId, { heldOn: '2025-09-01' });
    expect(code(placeLearner(p.db, staff, onCutoff.learnerId, g.id, 'enrol', { now: NOW }))).toBe('ok');
    expect(code(placeLearner(p.db, staff, dayBefore.learnerId, g.id, 'enrol', { now: NOW }))).toBe('placement.noConsultation');
  });

  // Was a bug, fixed (placements.ts consultationCutoff): setUTCMonth overflows at month ends. On 31 August,
  // "6 months back" is 31 February, which becomes 3 March: a consultation of 2 March
  // (5 months 29 days old) is refused. The cut-off should be 28 February (clamped to the month's last day).
  test('at the end of a month, a consultation less than 6 months old still counts', () => {
    const endOfAugust = new Date('2026-08-31T10:00:00.000Z');
    const g = programme({ startsOn: '2026-09-07', endsOn: '2026-12-18' });
    addConsultation(p.db, p.learner.learnerId, { heldOn: '2026-03-02' });
    expect(code(placeLearner(p.db, staff, p.learner.learnerId, g.id, 'enrol', { now: endOfAugust }))).toBe('ok');
    expect(consultationCutoff(endOfAugust)).toBe('2026-02-28');
  });

  test('enrolment needs a free seat; a refused enrolment writes nothing', () => {
    const g = programme({ seats: 2 });
    const [a, b, c] = [consulted(), consulted(), consulted()];
    enrolOk(a.learnerId, g.id);
    enrolOk(b.learnerId, g.id);
    const before = { audit: placementAudit().length, enrolments: count('SELECT count(*) FROM enrolment'), events: count('SELECT count(*) FROM placement_event') };
    expect(code(placeLearner(p.db, staff, c.learnerId, g.id, 'enrol', { now: NOW }))).toBe('placement.full');
    expect(placementRowsOf(p.db, c.learnerId)).toEqual([]);
    expect({ audit: placementAudit().length, enrolments: count('SELECT count(*) FROM enrolment'), events: count('SELECT count(*) FROM placement_event') }).toEqual(before);
    expect(seatsTaken(p.db, g.id)).toBe(2);
    // The waiting list is open when the seats are full.
    expect(waitOk(c.learnerId, g.id).status).toBe('waitlisted');
  });

  test('learner and programme must be of the same facility', () => {
    const inB = programme({}, p.facilityB.id);
    addConsultation(p.db, p.learner.learnerId);
    expect(code(placeLearner(p.db, p.admin.user, p.learner.learnerId, inB.id, 'enrol', { now: NOW }))).toBe('placement.otherFacility');
    expect(code(placeLearner(p.db, p.admin.user, p.learner.learnerId, inB.id, 'waitlist', { now: NOW }))).toBe('placement.otherFacility');
    // Staff granted both prisons cannot place across them either.
    const both = grantFacility(p.db, p.educationStaff, p.facilityB.id);
    expect(code(placeLearner(p.db, both, p.learner.learnerId, inB.id, 'enrol', { now: NOW }))).toBe('placement.otherFacility');
    expect(count('SELECT count(*) FROM placement')).toBe(0);
  });

  test('only learners in custody are placed', () => {
    const g = programme();
    addConsultation(p.db, p.formerLearner.learnerId);
    expect(code(placeLearner(p.db, staff, p.formerLearner.learnerId, g.id, 'enrol', { now: NOW }))).toBe('placement.notInCustody');
    expect(code(placeLearner(p.db, staff, p.formerLearner.learnerId, g.id, 'waitlist', { now: NOW }))).toBe('placement.notInCustody');
    const released = addLearner(p.db, p.facilityA.id, { status: 'released' });
    addConsultation(p.db, released.learnerId);
    expect(code(placeLearner(p.db, staff, released.learnerId, g.id, 'enrol', { now: NOW }))).toBe('placement.notInCustody');
  });

  test('only open programmes take learners; unknown learner or programme are refused', async () => {
    const closed = programme({ status: 'closed' });
    addConsultation(p.db, p.learner.learnerId);
    expect(code(placeLearner(p.db, staff, p.learner.learnerId, closed.id, 'enrol', { now: NOW }))).toBe('placement.programmeClosed');
    expect(code(placeLearner(p.db, staff, p.learner.learnerId, closed.id, 'waitlist', { now: NOW }))).toBe('placement.programmeClosed');
    expect(code(placeLearner(p.db, staff, p.learner.learnerId, 99_999, 'enrol', { now: NOW }))).toBe('placement.notFound');
    expect(code(placeLearner(p.db, staff, 99_999, closed.id, 'enrol', { now: NOW }))).toBe('placement.learnerNotFound');
  });

  test('a learner is placed in a programme once at a time', () => {
    const g = programme();
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    const waiting = waitOk(l, g.id);
    expect(code(placeLearner(p.db, staff, l, g.id, 'waitlist', { now: NOW }))).toBe('placement.already');
    // From the waiting list to enrolled: the same placement.
    const enrolled = enrolOk(l, g.id, at(5));
    expect(enrolled.id).toBe(waiting.id);
    expect(code(placeLearner(p.db, staff, l, g.id, 'enrol', { now: NOW }))).toBe('placement.already');
    expect(code(placeLearner(p.db, staff, l, g.id, 'waitlist', { now: NOW }))).toBe('placement.already');
    expect(placementRowsOf(p.db, l)).toHaveLength(1);
  });

  test('staff of another prison cannot place; teachers, supervisors and learners cannot place at all', () => {
    const inA = programme();
    const inB = programme({}, p.facilityB.id);
    addConsultation(p.db, p.learner.learnerId);
    const other = p.otherEducationStaff.user;
    // The programme is not theirs.
    expect(code(placeLearner(p.db, other, p.learner.learnerId, inA.id, 'enrol', { now: NOW }))).toBe('auth.forbidden');
    expect(code(placeLearner(p.db, other, p.learner.learnerId, inA.id, 'waitlist', { now: NOW }))).toBe('auth.forbidden');
    // Their programme, but the learner is not theirs: as if the learner did not exist.
    expect(code(placeLearner(p.db, other, p.learner.learnerId, inB.id, 'enrol', { now: NOW }))).toBe('placement.learnerNotFound');
    // Education staff of A cannot use B's programme for B's learner.
    expect(code(placeLearner(p.db, staff, p.otherLearner.learnerId, inB.id, 'waitlist', { now: NOW }))).toBe('auth.forbidden');
    for (const who of [p.teacher.user, p.supervisor.user, p.learner.user, p.released.user]) {
      expect(code(placeLearner(p.db, who, p.learner.learnerId, inA.id, 'enrol', { now: NOW }))).toBe('auth.forbidden');
      expect(code(placeLearner(p.db, who, p.learner.learnerId, inA.id, 'waitlist', { now: NOW }))).toBe('auth.forbidden');
    }
    expect(count('SELECT count(*) FROM placement')).toBe(0);
    // Admins place anywhere.
    expect(code(placeLearner(p.db, p.admin.user, p.learner.learnerId, inA.id, 'enrol', { now: NOW }))).toBe('ok');
  });
});

describe('what a placement writes', () => {
  test('an enrolment opens one course enrolment per course of the programme, linked to the placement, and is recorded and audited', () => {
    const g = programme();
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    const placement = enrolOk(l, g.id);
    expect(placement).toMatchObject({
      learnerId: l,
      programmeId: g.id,
      facilityId: p.facilityA.id,
      status: 'enrolled',
      enrolledAt: NOW.toISOString(),
      statusAt: NOW.toISOString(),
      waitlistedAt: null,
      offeredAt: null,
      reason: null,
      outcome: null,
      inmateNumber: p.learner.inmateNumber,
      learnerName: 'Bērziņš, Mārtiņš',
    });
    expect(placementRow(p.db, placement.id)!.created_by).toBe(staff.id);
    expect(enrolmentRows(p.db, l).map(({ course_id, status, placement_id, enrolled_by }) => ({ course_id, status, placement_id, enrolled_by }))).toEqual([
      { course_id: c1.course.id, status: 'enrolled', placement_id: placement.id, enrolled_by: staff.id },
      { course_id: c2.course.id, status: 'enrolled', placement_id: placement.id, enrolled_by: staff.id },
    ]);
    // Study access follows.
    expect(getStudyEnrolment(p.db, l, c1.course.id)).not.toBeNull();
    expect(getStudyEnrolment(p.db, l, c2.course.id)).not.toBeNull();
    expect(eventRows(p.db, placement.id)).toEqual([{ placement_id: placement.id, from_status: null, to_status: 'enrolled', reason: null, actor_id: staff.id, at: NOW.toISOString() }]);
    expect(listEvents(p.db, placement.id)).toEqual([{ fromStatus: null, toStatus: 'enrolled', reason: null, actorName: 'Ieva Ozola', at: NOW.toISOString() }]);
    expect(placementAudit()).toEqual([
      {
        action: 'placement.enrol',
        actor_user_id: staff.id,
        actor_label: 'ieva.ozola',
        target_type: 'learner',
        target_id: String(l),
        facility_id: p.facilityA.id,
        details: { programmeId: g.id, placementId: placement.id },
      },
    ]);
    expect(listEnrolled(p.db, g.id).map((x) => x.id)).toEqual([placement.id]);
    expect(listPlacementsOfLearner(p.db, l).map((x) => x.id)).toEqual([placement.id]);
  });

  test('an open course enrolment the learner already has is linked, not duplicated', () => {
    const g = programme();
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    const existing = enrol(p.db, l, c1.course.id, NOW);
    const placement = enrolOk(l, g.id, at(1));
    const rows = enrolmentRows(p.db, l);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.course_id === c1.course.id)).toMatchObject({ id: existing.id, status: 'enrolled', placement_id: placement.id });
    expect(rows.find((r) => r.course_id === c2.course.id)).toMatchObject({ status: 'enrolled', placement_id: placement.id });
  });

  test('a completed course is studied again in a new enrolment of the programme', () => {
    const g = programme();
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    enrol(p.db, l, c1.course.id, NOW);
    expect(completeCourse(p.db, l, c1)).toBe(true);
    const placement = enrolOk(l, g.id, at(1));
    const rows = enrolmentRows(p.db, l).filter((r) => r.course_id === c1.course.id);
    expect(rows.map((r) => [r.status, r.placement_id])).toEqual([
      ['completed', null],
      ['enrolled', placement.id],
    ]);
  });

  test('waiting writes the placement, its event and the audit entry, but no course enrolment', () => {
    const g = programme({ seats: 1 });
    enrolOk(consulted().learnerId, g.id);
    const l = p.learner.learnerId;
    const placement = waitOk(l, g.id, at(3));
    expect(placement).toMatchObject({ status: 'waitlisted', waitlistedAt: at(3).toISOString(), enrolledAt: null, offeredAt: null });
    expect(enrolmentRows(p.db, l)).toEqual([]);
    expect(eventRows(p.db, placement.id)).toMatchObject([{ from_status: null, to_status: 'waitlisted', actor_id: staff.id }]);
    expect(auditRows(p.db, 'placement.waitlist')).toEqual([
      expect.objectContaining({ actor_user_id: staff.id, target_id: String(l), facility_id: p.facilityA.id, details: { programmeId: g.id, placementId: placement.id } }),
    ]);
  });

  test('withdrawing records who and why: the placement, its course enrolments, the event and the audit entry', () => {
    const g = programme();
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    const placement = enrolOk(l, g.id);
    markLessonDone(p.db, l, c1.course, c1.items[0]!, at(10));
    const r = endPlacementByStaff(p.db, staff, placement.id, 'withdrawn', '  Pārcelts uz darbu virtuvē  ', at(60));
    expect(r.ok).toBe(true);
    const outcome: PlacementOutcome = {
      courses: [
        { courseId: c1.course.id, percent: 50, completed: false },
        { courseId: c2.course.id, percent: 0, completed: false },
      ],
    };
    expect(getPlacement(p.db, placement.id)).toMatchObject({ status: 'withdrawn', reason: 'Pārcelts uz darbu virtuvē', statusAt: at(60).toISOString(), outcome });
    expect(enrolmentRows(p.db, l).map((e) => e.status)).toEqual(['withdrawn', 'withdrawn']);
    expect(getStudyEnrolment(p.db, l, c1.course.id)).toBeNull();
    expect(eventRows(p.db, placement.id).at(-1)).toEqual({
      placement_id: placement.id,
      from_status: 'enrolled',
      to_status: 'withdrawn',
      reason: 'Pārcelts uz darbu virtuvē',
      actor_id: staff.id,
      at: at(60).toISOString(),
    });
    expect(auditRows(p.db, 'placement.withdrawn')).toEqual([
      {
        action: 'placement.withdrawn',
        actor_user_id: staff.id,
        actor_label: 'ieva.ozola',
        target_type: 'learner',
        target_id: String(l),
        facility_id: p.facilityA.id,
        details: { programmeId: g.id, placementId: placement.id, from: 'enrolled', reason: 'Pārcelts uz darbu virtuvē' },
      },
    ]);
    expect(listEnded(p.db, g.id).map((x) => x.id)).toEqual([placement.id]);
    expect(listEnrolled(p.db, g.id)).toEqual([]);
    // The progress stays.
    expect(count('SELECT count(*) FROM lesson_progress WHERE learner_id = ?', l)).toBe(1);
  });

  test('a waiting learner is withdrawn from the list (no outcome: they never started)', () => {
    const g = programme();
    const placement = waitOk(p.learner.learnerId, g.id);
    const r = endPlacementByStaff(p.db, p.admin.user, placement.id, 'withdrawn', 'Atteicās', at(1));
    expect(r.ok && r.placement).toMatchObject({ status: 'withdrawn', reason: 'Atteicās', outcome: null });
    expect(auditRows(p.db, 'placement.withdrawn')[0]).toMatchObject({ actor_user_id: p.admin.user.id, details: { from: 'waitlisted', reason: 'Atteicās' } });
  });

  test("'failed' ends an enrolment with the outcome, its course enrolments failed, audited with the reason", () => {
    const g = programme();
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    const placement = enrolOk(l, g.id);
    const r = endPlacementByStaff(p.db, staff, placement.id, 'failed', 'Neapmeklēja nodarbības', at(30));
    expect(r.ok && r.placement).toMatchObject({ status: 'failed', reason: 'Neapmeklēja nodarbības' });
    expect(r.ok && r.placement.outcome?.courses.map((c) => c.percent)).toEqual([0, 0]);
    expect(enrolmentRows(p.db, l).map((e) => e.status)).toEqual(['failed', 'failed']);
    expect(eventRows(p.db, placement.id).map((e) => [e.from_status, e.to_status, e.reason, e.actor_id])).toEqual([
      [null, 'enrolled', null, staff.id],
      ['enrolled', 'failed', 'Neapmeklēja nodarbības', staff.id],
    ]);
    expect(auditRows(p.db, 'placement.failed')).toEqual([
      expect.objectContaining({ actor_user_id: staff.id, details: { programmeId: g.id, placementId: placement.id, from: 'enrolled', reason: 'Neapmeklēja nodarbības' } }),
    ]);
  });

  test("a reason is required; 'failed' only from enrolled; an ended placement cannot end again; only the facility's staff can end it", () => {
    const g = programme();
    const enrolled = (() => {
      addConsultation(p.db, p.learner.learnerId);
      return enrolOk(p.learner.learnerId, g.id);
    })();
    const waiting = waitOk(consulted().learnerId, g.id);
    const end = (who: SessionUser, id: number, to: 'withdrawn' | 'failed', reason: string) => code(endPlacementByStaff(p.db, who, id, to, reason, at(5)));
    expect(end(staff, enrolled.id, 'withdrawn', '')).toBe('placement.reasonRequired');
    expect(end(staff, enrolled.id, 'failed', '   \n ')).toBe('placement.reasonRequired');
    expect(end(staff, waiting.id, 'failed', 'Nav sācis')).toBe('placement.notOpen');
    expect(end(p.otherEducationStaff.user, enrolled.id, 'withdrawn', 'x')).toBe('placement.notFound');
    expect(end(p.teacher.user, enrolled.id, 'withdrawn', 'x')).toBe('placement.notFound');
    expect(end(staff, 99_999, 'withdrawn', 'x')).toBe('placement.notFound');
    // Nothing changed so far.
    expect(getPlacement(p.db, enrolled.id)!.status).toBe('enrolled');
    expect(getPlacement(p.db, waiting.id)!.status).toBe('waitlisted');
    expect(auditRows(p.db).filter((a) => a.action === 'placement.withdrawn' || a.action === 'placement.failed')).toEqual([]);
    expect(end(staff, enrolled.id, 'withdrawn', 'Slimība')).toBe('ok');
    expect(end(staff, enrolled.id, 'withdrawn', 'Vēlreiz')).toBe('placement.notOpen');
    expect(end(staff, enrolled.id, 'failed', 'Vēlreiz')).toBe('placement.notOpen');
  });

  test('after a withdrawal the learner can be enrolled again: a new placement and new course enrolments', () => {
    const g = programme();
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    const first = enrolOk(l, g.id);
    expect(endPlacementByStaff(p.db, staff, first.id, 'withdrawn', 'Pārtraukums', at(1)).ok).toBe(true);
    const second = enrolOk(l, g.id, at(2));
    expect(second.id).not.toBe(first.id);
    expect(enrolmentRows(p.db, l).map((e) => [e.status, e.placement_id])).toEqual([
      ['withdrawn', first.id],
      ['withdrawn', first.id],
      ['enrolled', second.id],
      ['enrolled', second.id],
    ]);
  });

  // Was a bug, fixed (placements.ts placeLearner, the course-enrolment loop): an open course enrolment that
  // belongs to another programme's placement is re-linked (placement_id overwritten). When the
  // second programme then ends, endPlacement closes that course enrolment although the learner
  // is still enrolled in the first programme, which needs it: the learner loses study access.
  test('two programmes sharing a course: ending one keeps the course open for the other', () => {
    const c3 = installCourse(p.db, courses.dir, 'darba-drosiba');
    const first = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c3.course.id, c1.course.id], { title: 'Metināšana' }));
    const second = addProgramme(
      p.db,
      p.admin.user,
      programmeInput(p.facilityA.id, [c3.course.id, c2.course.id], { title: 'Celtniecība', interests: ['construction'], timetable: [{ day: 3, from: '09:00', to: '11:00' }] }),
    );
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    enrolOk(l, first.id);
    const inSecond = enrolOk(l, second.id, at(1));
    expect(endPlacementByStaff(p.db, staff, inSecond.id, 'withdrawn', 'Pārāk daudz nodarbību', at(2)).ok).toBe(true);
    expect(getPlacement(p.db, placementRowsOf(p.db, l)[0]!.id)!.status).toBe('enrolled');
    // The first programme still needs the shared course.
    expect(getStudyEnrolment(p.db, l, c3.course.id)).not.toBeNull();
  });
});

describe('seats under concurrency', () => {
  /** A second connection to the same database file (as another server process or request would have). */
  const second = () => {
    const db = openDatabase(p.file);
    extraDbs.push(db);
    return db;
  };

  test('two connections, interleaved: with one seat left, only the first of two staff gets it; a freed seat stays reserved for the one offered', () => {
    const g = programme({ seats: 3 });
    const db2 = second();
    const [a, b, c, d, e] = [consulted(), consulted(), consulted(), consulted(), consulted()];
    enrolOk(a.learnerId, g.id);
    enrolOk(b.learnerId, g.id);
    // Both see one seat left.
    expect(seatsTaken(p.db, g.id)).toBe(2);
    expect(seatsTaken(db2, g.id)).toBe(2);
    expect(code(placeLearner(p.db, staff, c.learnerId, g.id, 'enrol', { now: at(1) }))).toBe('ok');
    expect(code(placeLearner(db2, p.admin.user, d.learnerId, g.id, 'enrol', { now: at(1) }))).toBe('placement.full');
    expect(enrolledCount(db2, g.id)).toBe(3);
    // e waits (through the second connection); a withdrawal on the first connection offers e the seat.
    const waiting = placeLearner(db2, p.admin.user, e.learnerId, g.id, 'waitlist', { now: at(2) });
    expect(waiting.ok).toBe(true);
    const aPlacement = placementRowsOf(p.db, a.learnerId)[0]!;
    expect(endPlacementByStaff(p.db, staff, aPlacement.id, 'withdrawn', 'Atbrīvots no darba', at(3)).ok).toBe(true);
    expect(placementRowsOf(db2, e.learnerId)[0]!.offered_at).toBe(at(3).toISOString());
    // The seat on offer is not free for d, from either connection.
    expect(code(placeLearner(db2, p.admin.user, d.learnerId, g.id, 'enrol', { now: at(4) }))).toBe('placement.full');
    expect(code(placeLearner(p.db, staff, d.learnerId, g.id, 'enrol', { now: at(4) }))).toBe('placement.full');
    expect(code(placeLearner(db2, p.admin.user, e.learnerId, g.id, 'enrol', { now: at(5) }))).toBe('ok');
    expect(enrolledCount(p.db, g.id)).toBe(3);
  });

  test('the seats are counted under the write lock: while another connection holds it, an enrolment waits (and gives up) instead of counting stale seats', () => {
    const g = programme({ seats: 2 });
    const db2 = second();
    const [a, b, c] = [consulted(), consulted(), consulted()];
    enrolOk(a.learnerId, g.id);
    // Staff on the other connection are in the middle of taking the last seat.
    db2.exec('BEGIN IMMEDIATE');
    expect(code(placeLearner(db2, p.admin.user, b.learnerId, g.id, 'enrol', { now: at(1) }))).toBe('ok');
    p.db.pragma('busy_timeout = 100');
    try {
      expect(() => placeLearner(p.db, staff, c.learnerId, g.id, 'enrol', { now: at(1) })).toThrow(/busy|locked/i);
    } finally {
      p.db.pragma('busy_timeout = 5000');
    }
    expect(placementRowsOf(p.db, c.learnerId)).toEqual([]);
    db2.exec('COMMIT');
    expect(code(placeLearner(p.db, staff, c.learnerId, g.id, 'enrol', { now: at(2) }))).toBe('placement.full');
    expect(enrolledCount(p.db, g.id)).toBe(2);
  });

  /** Learners with consultations, `n` of them. */
  const many = (n: number) => Array.from({ length: n }, () => consulted().learnerId);
  const chunks = <T,>(list: T[], size: number) => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));
  const flat = (r: CallResult[][]) => r.flat();

  /** What must hold after any race: never more enrolled than seats, every success recorded once. */
  const checkInvariants = (g: Programme, results: CallResult[]) => {
    expect(results.filter((r) => r.error)).toEqual([]);
    const taken = enrolledCount(p.db, g.id);
    const offered = count("SELECT count(*) FROM placement WHERE programme_id = ? AND status = 'waitlisted' AND offered_at IS NOT NULL", g.id);
    expect(taken + offered).toBeLessThanOrEqual(g.seats);
    // One open placement per learner at most.
    expect(count("SELECT count(*) FROM (SELECT learner_id FROM placement WHERE programme_id = ? AND status IN ('waitlisted', 'enrolled') GROUP BY learner_id HAVING count(*) > 1)", g.id)).toBe(0);
    // Each enrolled learner has exactly the programme's course enrolments.
    expect(count("SELECT count(*) FROM enrolment e JOIN placement pl ON pl.id = e.placement_id WHERE pl.programme_id = ? AND e.status = 'enrolled'", g.id)).toBe(taken * g.courseIds.length);
    // Every success wrote one event and one audit entry; the audit chain held.
    const oks = results.filter((r) => r.ok).length;
    expect(count('SELECT count(*) FROM placement_event e JOIN placement pl ON pl.id = e.placement_id WHERE pl.programme_id = ?', g.id)).toBe(oks);
    expect(auditRows(p.db).filter((a) => (a.action === 'placement.enrol' || a.action === 'placement.waitlist') && a.details.programmeId === g.id)).toHaveLength(oks);
    expect(verifyAuditChain(p.db)).toMatchObject({ ok: true });
  };

  test(
    'worker threads, each on its own connection, enrol many learners at once into a programme with N seats: exactly N are enrolled',
    async () => {
      const overlaps: boolean[] = [];
      for (const [seats, learners, threads] of [
        [7, 48, 6],
        [1, 24, 8],
        [13, 40, 5],
      ] as const) {
        const g = programme({ seats, title: `Sacensība ${seats}` });
        const ids = many(learners);
        const results = await placeInWorkers(
          p.file,
          staff,
          g.id,
          chunks(ids, learners / threads).map((learnerIds) => ({ learnerIds, mode: 'enrol' as const })),
        );
        const all = flat(results);
        expect(all).toHaveLength(learners);
        overlaps.push(someOverlap(results));
        checkInvariants(g, all);
        expect(all.filter((r) => r.ok)).toHaveLength(seats);
        expect(new Set(all.filter((r) => !r.ok).map((r) => r.code))).toEqual(new Set(['placement.full']));
        expect(enrolledCount(p.db, g.id)).toBe(seats);
        expect(new Set(listEnrolled(p.db, g.id).map((x) => x.learnerId))).toEqual(new Set(all.filter((r) => r.ok).map((r) => r.learnerId)));
      }
      // The threads really ran at the same time (in at least one round).
      expect(overlaps).toContain(true);
    },
    120_000,
  );

  test(
    'worker threads racing for the same learners, enrolling and waiting at once: one open placement per learner, seats never exceeded',
    async () => {
      const g = programme({ seats: 3 });
      const ids = many(8);
      const shuffled = (seed: number) => [...ids].sort((x, y) => ((x * 7919 + seed * 104729) % 97) - ((y * 7919 + seed * 104729) % 97));
      const results = await placeInWorkers(
        p.file,
        staff,
        g.id,
        Array.from({ length: 6 }, (_, i) => ({ learnerIds: shuffled(i), mode: i % 2 === 0 ? ('enrol' as const) : ('waitlist' as const) })),
      );
      const all = flat(results);
      checkInvariants(g, all);
      expect(new Set(all.filter((r) => !r.ok).map((r) => r.code)).size).toBeGreaterThan(0);
      for (const r of all.filter((x) => !x.ok)) expect(['placement.already', 'placement.full']).toContain(r.code);
      // Every learner ended up placed (waiting or enrolled) exactly once.
      for (const id of ids) expect(count("SELECT count(*) FROM placement WHERE learner_id = ? AND status IN ('waitlisted', 'enrolled')", id)).toBe(1);
      expect(count('SELECT count(*) FROM placement WHERE programme_id = ?', g.id)).toBe(ids.length);
    },
    60_000,
  );

  test(
    'separate processes enrolling at once share the seats through the database file',
    async () => {
      const g = programme({ seats: 5 });
      const ids = many(24);
      const results = await placeInProcesses(
        p.file,
        staff,
        g.id,
        chunks(ids, 6).map((learnerIds) => ({ learnerIds, mode: 'enrol' as const })),
      );
      const all = flat(results);
      checkInvariants(g, all);
      expect(all.filter((r) => r.ok)).toHaveLength(5);
      expect(all.filter((r) => !r.ok).every((r) => r.code === 'placement.full')).toBe(true);
      expect(enrolledCount(p.db, g.id)).toBe(5);
    },
    120_000,
  );
});

describe('the waiting list', () => {
  test('is in the documented priority order: can finish before release, then recommended, then earlier release, then longer wait', () => {
    // Ends 2026-06-30; does not continue after release.
    const g = programme({ seats: 1, interests: ['welding', 'construction'] });
    enrolOk(consulted().learnerId, g.id);
    const w = {
      cannotFinishRecommended: consulted({ release: '2026-05-01', recommended: ['welding'] }),
      finishesLongestWait: consulted({ release: '2027-01-01' }),
      finishesRecommendedLate: consulted({ release: '2028-01-01', recommended: ['construction'] }),
      finishesRecommendedSoon: consulted({ release: '2026-12-01', recommended: ['welding'] }),
      noReleaseDateRecommended: consulted({ release: null, recommended: ['welding'] }),
      finishesSameReleaseLater: consulted({ release: '2027-01-01' }),
      cannotFinish: consulted({ release: '2026-05-15' }),
      finishesOnLastDay: consulted({ release: '2026-06-30' }),
    };
    // Those who cannot finish wait only when the education staff set that aside (with a reason).
    const override = { reason: 'Tiesa lems par nosacītu pirmstermiņa atbrīvošanu vēlāk' };
    Object.values(w).forEach((l, i) => waitOk(l.learnerId, g.id, at(i), staff, l === w.cannotFinish || l === w.cannotFinishRecommended ? override : undefined));
    const order = listWaiting(p.db, g.id).map((x) => x.learnerId);
    expect(order).toEqual(
      [
        w.finishesRecommendedSoon,
        w.finishesRecommendedLate,
        w.noReleaseDateRecommended,
        w.finishesOnLastDay,
        w.finishesLongestWait,
        w.finishesSameReleaseLater,
        w.cannotFinishRecommended,
        w.cannotFinish,
      ].map((l) => l.learnerId),
    );
    expect(listWaiting(p.db, g.id).map((x) => x.recommended)).toEqual([true, true, true, false, false, false, true, false]);
  });

  test('a programme that continues after release ranks by recommendation and release date alone', () => {
    const g = programme({ seats: 1, continuesAfterRelease: true });
    enrolOk(consulted().learnerId, g.id);
    const early = consulted({ release: '2026-04-01' });
    const recommendedLate = consulted({ release: '2029-01-01', recommended: ['welding'] });
    const late = consulted({ release: '2027-01-01' });
    waitOk(late.learnerId, g.id, at(1));
    waitOk(early.learnerId, g.id, at(2));
    waitOk(recommendedLate.learnerId, g.id, at(3));
    expect(listWaiting(p.db, g.id).map((x) => x.learnerId)).toEqual([recommendedLate.learnerId, early.learnerId, late.learnerId]);
  });

  test("'recommended' comes from the latest career consultation's recommendations meeting the programme's interests", () => {
    const g = programme({ interests: ['welding', 'construction'] });
    const l = (consultations: Array<{ heldOn: string; recommended: ProgrammeInput['interests']; kind?: 'career' | 'pre_release'; interests?: ProgrammeInput['interests'] }>) => {
      const x = addLearner(p.db, p.facilityA.id);
      for (const c of consultations) addConsultation(p.db, x.learnerId, c);
      return waitOk(x.learnerId, g.id).recommended;
    };
    expect(l([{ heldOn: RECENT, recommended: ['construction', 'it'] }])).toBe(true);
    expect(l([{ heldOn: RECENT, recommended: ['it'] }])).toBe(false);
    // The latest consultation decides, not an older one.
    expect(l([{ heldOn: '2025-12-01', recommended: ['welding'] }, { heldOn: RECENT, recommended: ['cooking'] }])).toBe(false);
    expect(l([{ heldOn: RECENT, recommended: ['cooking'] }, { heldOn: '2025-12-01', recommended: ['welding'] }])).toBe(false);
    expect(l([{ heldOn: '2025-12-01', recommended: ['cooking'] }, { heldOn: RECENT, recommended: ['welding'] }])).toBe(true);
    // A pre-release consultation is not a career consultation.
    expect(l([{ heldOn: '2025-12-01', recommended: [] }, { heldOn: RECENT, recommended: ['welding'], kind: 'pre_release' }])).toBe(false);
    // An interest is not a recommendation.
    expect(l([{ heldOn: RECENT, recommended: [], interests: ['welding'] }])).toBe(false);
    expect(l([])).toBe(false);
  });

  test("the flag is computed again when a waiting learner is enrolled (after a new consultation)", () => {
    const g = programme();
    const l = p.learner.learnerId;
    addConsultation(p.db, l, { heldOn: '2025-12-01', recommended: [] });
    expect(waitOk(l, g.id).recommended).toBe(false);
    addConsultation(p.db, l, { heldOn: '2026-02-28', recommended: ['welding'] });
    expect(enrolOk(l, g.id, at(1)).recommended).toBe(true);
  });
});

describe('a freed seat goes to the first on the waiting list', () => {
  /** A full programme (1 seat) with `holder` enrolled and two waiting, `first` ahead of `second`. */
  const fullWithQueue = (overrides: Partial<ProgrammeInput> = {}) => {
    const g = programme({ seats: 1, ...overrides });
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    const holder = enrolOk(l, g.id);
    const second = consulted({ release: '2027-03-01' });
    const first = consulted({ release: '2027-01-01' });
    const outsider = consulted();
    waitOk(second.learnerId, g.id, at(1));
    waitOk(first.learnerId, g.id, at(2));
    expect(listWaiting(p.db, g.id).map((x) => x.learnerId)).toEqual([first.learnerId, second.learnerId]);
    expect(listWaiting(p.db, g.id).every((x) => x.offeredAt === null)).toBe(true);
    return { g, holder, first, second, outsider };
  };

  const freeings: Array<[string, (q: ReturnType<typeof fullWithQueue>) => void]> = [
    ['a withdrawal', (q) => expect(endPlacementByStaff(p.db, staff, q.holder.id, 'withdrawn', 'Atteicās', at(10)).ok).toBe(true)],
    ['a failure', (q) => expect(endPlacementByStaff(p.db, staff, q.holder.id, 'failed', 'Neattaisnoti kavējumi', at(10)).ok).toBe(true)],
    ['a transfer', () => expect(transferLearner(p.db, { kind: 'staff', user: staff }, p.learner.learnerId, p.facilityB.id, { reason: 'Drošības apsvērumi' }, at(10)).ok).toBe(true)],
    ['a release', () => expect(releaseLearner(p.db, { kind: 'staff', user: staff }, p.learner.learnerId, { onDate: '2026-03-02' }, at(10)).ok).toBe(true)],
    ['the completion of the programme', () => {
      expect(completeCourse(p.db, p.learner.learnerId, c1, at(10))).toBe(true);
      expect(completeCourse(p.db, p.learner.learnerId, c2, at(10))).toBe(true);
    }],
  ];

  test.each(freeings)('after %s: the first waiting learner is offered the seat, which nobody else can take; they can then be enrolled', (_, free) => {
    const q = fullWithQueue();
    free(q);
    expect(getPlacement(p.db, q.holder.id)!.status).not.toBe('enrolled');
    const first = placementRowsOf(p.db, q.first.learnerId)[0]!;
    const second = placementRowsOf(p.db, q.second.learnerId)[0]!;
    expect(first.offered_at).toBe(at(10).toISOString());
    expect(second.offered_at).toBeNull();
    expect(seatsTaken(p.db, q.g.id)).toBe(0);
    // The seat is reserved for the one offered.
    expect(code(placeLearner(p.db, staff, q.outsider.learnerId, q.g.id, 'enrol', { now: at(11) }))).toBe('placement.full');
    expect(code(placeLearner(p.db, staff, q.second.learnerId, q.g.id, 'enrol', { now: at(11) }))).toBe('placement.full');
    // The offered learner is enrolled: the same placement, waitlisted → enrolled.
    const enrolled = enrolOk(q.first.learnerId, q.g.id, at(12));
    expect(enrolled).toMatchObject({ id: first.id, status: 'enrolled', offeredAt: null, enrolledAt: at(12).toISOString(), waitlistedAt: at(2).toISOString() });
    expect(eventRows(p.db, first.id).map((e) => [e.from_status, e.to_status])).toEqual([
      [null, 'waitlisted'],
      ['waitlisted', 'enrolled'],
    ]);
    expect(enrolmentRows(p.db, q.first.learnerId).map((e) => [e.course_id, e.status, e.placement_id])).toEqual([
      [c1.course.id, 'enrolled', first.id],
      [c2.course.id, 'enrolled', first.id],
    ]);
    // The programme is full again; nobody else is offered anything.
    expect(placementRowsOf(p.db, q.second.learnerId)[0]!.offered_at).toBeNull();
    expect(code(placeLearner(p.db, staff, q.second.learnerId, q.g.id, 'enrol', { now: at(13) }))).toBe('placement.full');
  });

  test('an offered learner who is withdrawn passes the offer to the next one', () => {
    const q = fullWithQueue();
    endPlacementByStaff(p.db, staff, q.holder.id, 'withdrawn', 'Atteicās', at(10));
    const first = placementRowsOf(p.db, q.first.learnerId)[0]!;
    expect(first.offered_at).not.toBeNull();
    expect(endPlacementByStaff(p.db, staff, first.id, 'withdrawn', 'Nevēlas mācīties', at(20)).ok).toBe(true);
    expect(placementRow(p.db, first.id)).toMatchObject({ status: 'withdrawn', offered_at: null });
    expect(placementRowsOf(p.db, q.second.learnerId)[0]!.offered_at).toBe(at(20).toISOString());
  });

  test('withdrawing a waiting learner frees no seat: nobody is offered one', () => {
    const q = fullWithQueue();
    const second = placementRowsOf(p.db, q.second.learnerId)[0]!;
    endPlacementByStaff(p.db, staff, second.id, 'withdrawn', 'Pārdomāja', at(10));
    expect(placementRowsOf(p.db, q.first.learnerId)[0]!.offered_at).toBeNull();
  });

  test('each freed seat is offered once, to the next learner in order', () => {
    const g = programme({ seats: 2 });
    const holders = [consulted(), consulted()].map((l) => enrolOk(l.learnerId, g.id));
    const queue = [consulted({ release: '2026-09-01' }), consulted({ release: '2026-10-01' }), consulted({ release: '2026-11-01' })];
    queue.forEach((l, i) => waitOk(l.learnerId, g.id, at(i)));
    const offered = () => queue.map((l) => placementRowsOf(p.db, l.learnerId)[0]!.offered_at !== null);
    endPlacementByStaff(p.db, staff, holders[0]!.id, 'withdrawn', 'a', at(10));
    expect(offered()).toEqual([true, false, false]);
    endPlacementByStaff(p.db, staff, holders[1]!.id, 'withdrawn', 'b', at(11));
    expect(offered()).toEqual([true, true, false]);
    // Both offers reserve their seats.
    expect(code(placeLearner(p.db, staff, queue[2]!.learnerId, g.id, 'enrol', { now: at(12) }))).toBe('placement.full');
  });

  test('waiting for a programme with a free seat: the seat is offered at once and held for that learner', () => {
    const g = programme({ seats: 1 });
    const waiting = consulted();
    const placement = waitOk(waiting.learnerId, g.id, at(1));
    expect(placement.offeredAt).toBe(at(1).toISOString());
    expect(code(placeLearner(p.db, staff, consulted().learnerId, g.id, 'enrol', { now: at(2) }))).toBe('placement.full');
    expect(enrolOk(waiting.learnerId, g.id, at(3)).id).toBe(placement.id);
  });

  test('a closed programme offers no freed seats', () => {
    const q = fullWithQueue();
    const r = updateProgramme(p.db, p.admin.user, q.g.id, { ...programmeInput(p.facilityA.id, [c1.course.id, c2.course.id]), seats: 1, status: 'closed' }, at(5));
    expect(r.ok).toBe(true);
    endPlacementByStaff(p.db, staff, q.holder.id, 'withdrawn', 'Atteicās', at(10));
    expect(placementRowsOf(p.db, q.first.learnerId)[0]!.offered_at).toBeNull();
  });
});

describe('completing a programme', () => {
  test('completing every course with the learning functions completes the placement, with the outcome recorded', () => {
    const withQuiz = installCourse(p.db, courses.dir, 'metinasana-tests', { quiz: true });
    const g = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id, withQuiz.course.id], { seats: 1 }));
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    const placement = enrolOk(l, g.id);
    const waiting = consulted();
    waitOk(waiting.learnerId, g.id, at(1));

    expect(completeCourse(p.db, l, c1, at(60))).toBe(true);
    // One course of two: still enrolled, its course enrolment completed.
    expect(getPlacement(p.db, placement.id)!.status).toBe('enrolled');
    expect(enrolmentRows(p.db, l).map((e) => e.status)).toEqual(['completed', 'enrolled']);

    expect(completeCourse(p.db, l, withQuiz, at(120))).toBe(true);
    expect(getPlacement(p.db, placement.id)).toMatchObject({
      status: 'completed',
      statusAt: at(120).toISOString(),
      reason: null,
      outcome: {
        courses: [
          { courseId: c1.course.id, percent: 100, completed: true },
          { courseId: withQuiz.course.id, percent: 100, completed: true },
        ],
      },
    });
    expect(enrolmentRows(p.db, l).map((e) => e.status)).toEqual(['completed', 'completed']);
    expect(eventRows(p.db, placement.id).at(-1)).toMatchObject({ from_status: 'enrolled', to_status: 'completed', actor_id: null, at: at(120).toISOString() });
    expect(listEnded(p.db, g.id).map((x) => x.id)).toEqual([placement.id]);
    // Completed courses are still open for review.
    expect(getStudyEnrolment(p.db, l, withQuiz.course.id)?.status).toBe('completed');
    // The freed seat is offered.
    expect(placementRowsOf(p.db, waiting.learnerId)[0]!.offered_at).toBe(at(120).toISOString());
  });

  test('a waiting learner who completes the courses on their own stays on the waiting list', () => {
    const g = programme({ seats: 1 });
    enrolOk(consulted().learnerId, g.id);
    const l = p.learner.learnerId;
    const waiting = waitOk(l, g.id);
    enrol(p.db, l, c1.course.id);
    enrol(p.db, l, c2.course.id);
    completeCourse(p.db, l, c1);
    completeCourse(p.db, l, c2);
    expect(getPlacement(p.db, waiting.id)!.status).toBe('waitlisted');
  });

  test('another programme of the learner is not completed by a course it does not hold', () => {
    const only1 = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id], { title: 'Pamati' }));
    const both = programme({ title: 'Pilnais', timetable: [{ day: 2, from: '09:00', to: '11:00' }] });
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    const a = enrolOk(l, only1.id);
    const b = enrolOk(l, both.id, at(1));
    completeCourse(p.db, l, c1, at(5));
    expect(getPlacement(p.db, a.id)!.status).toBe('completed');
    expect(getPlacement(p.db, b.id)!.status).toBe('enrolled');
  });
});

describe('closing a learner’s placements (transfer, release)', () => {
  test.each(['transferred', 'released_before_completion'] as const)('to %s: placements and their course enrolments close, with the outcome of each course; progress stays', (to) => {
    const c3 = installCourse(p.db, courses.dir, 'latviesu-valoda');
    const enrolledIn = programme({ seats: 5 });
    const waitingFor = programme({ seats: 1, title: 'Pilns', timetable: [{ day: 4, from: '13:00', to: '15:00' }] });
    const l = p.learner.learnerId;
    addConsultation(p.db, l);
    enrolOk(consulted().learnerId, waitingFor.id);
    const enrolled = enrolOk(l, enrolledIn.id);
    const waiting = waitOk(l, waitingFor.id, at(1));
    // A course outside any programme.
    enrol(p.db, l, c3.course.id, NOW);
    markLessonDone(p.db, l, c1.course, c1.items[0]!, at(2));
    markLessonDone(p.db, l, c3.course, c3.items[0]!, at(2));

    const closed = p.db.transaction(() => closePlacementsOfLearner(p.db, l, to, { actorId: staff.id, reason: 'Lēmums Nr. 7', facilityId: p.facilityA.id }, at(30)))();
    expect(closed).toBe(2);
    expect(getPlacement(p.db, enrolled.id)).toMatchObject({
      status: to,
      reason: 'Lēmums Nr. 7',
      statusAt: at(30).toISOString(),
      outcome: {
        courses: [
          { courseId: c1.course.id, percent: 50, completed: false },
          { courseId: c2.course.id, percent: 0, completed: false },
        ],
      },
    });
    expect(getPlacement(p.db, waiting.id)).toMatchObject({ status: to, reason: 'Lēmums Nr. 7', outcome: null, offeredAt: null });
    expect(eventRows(p.db, enrolled.id).at(-1)).toMatchObject({ from_status: 'enrolled', to_status: to, reason: 'Lēmums Nr. 7', actor_id: staff.id });
    expect(eventRows(p.db, waiting.id).at(-1)).toMatchObject({ from_status: 'waitlisted', to_status: to, actor_id: staff.id });
    expect(enrolmentRows(p.db, l).map((e) => [e.course_id, e.status])).toEqual([
      [c1.course.id, to],
      [c2.course.id, to],
      // A course outside any programme goes with a transferred learner; a release ends it.
      [c3.course.id, to === 'transferred' ? 'enrolled' : to],
    ]);
    expect(count('SELECT count(*) FROM lesson_progress WHERE learner_id = ?', l)).toBe(2);
    // Nothing is open any more; a second call closes nothing.
    expect(p.db.transaction(() => closePlacementsOfLearner(p.db, l, to, { actorId: null, reason: null, facilityId: p.facilityA.id }, at(31)))()).toBe(0);
  });
});
