import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SYSTEM_ACTOR, verifyAuditChain } from '../../../src/lib/server/audit.ts';
import { stmt } from '../../../src/lib/server/db.ts';
import { contentOf, listLearnerCertificates } from '../../../src/lib/server/certificates/certificates.ts';
import { getStudyEnrolment } from '../../../src/lib/server/learning/enrolments.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { insertLearner } from '../../../src/lib/server/people/learners.ts';
import { listMoves, releaseLearner, transferLearner, type LifecycleActor } from '../../../src/lib/server/people/lifecycle.ts';
import { getPlacement, placeLearner, type Placement } from '../../../src/lib/server/placement/placements.ts';
import type { Programme } from '../../../src/lib/server/placement/programmes.ts';
import { createSession, generateSessionToken, validateSessionToken, type SessionUser } from '../../../src/lib/server/session.ts';
import { createCoursesDir, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, TEST_TIMEOUTS, type Prison } from '../../helpers/fixture.ts';
import { enrol, type InstalledCourse } from '../../helpers/learning.ts';
import {
  addConsultation,
  addFacility,
  addLearner,
  addProgramme,
  auditRows,
  completeCourse,
  enrolmentRows,
  eventRows,
  installCourse,
  NOW,
  programmeInput,
  runInWorkers,
} from '../../helpers/placement.ts';

let p: Prison & { cleanup: () => void; file: string };
let courses: CoursesDir;
let c1: InstalledCourse;
let c2: InstalledCourse;
let c3: InstalledCourse;

beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  c1 = installCourse(p.db, courses.dir, 'metinasana-pamati');
  c2 = installCourse(p.db, courses.dir, 'metinasana-prakse');
  c3 = installCourse(p.db, courses.dir, 'latviesu-valoda');
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

const later = new Date(NOW.getTime() + 86_400_000); // 2026-03-03
const staffActor = (user: SessionUser): LifecycleActor => ({ kind: 'staff', user });
const code = (r: { ok: boolean; code?: string }) => (r.ok ? 'ok' : r.code);
const count = (sql: string, ...params: unknown[]) => stmt(p.db, sql).pluck().get(...params) as number;
const facilityOfUser = (userId: number) => stmt(p.db, 'SELECT facility_id FROM user WHERE id = ?').pluck().get(userId) as number;
const moves = (learnerId: number) =>
  stmt(p.db, 'SELECT learner_id, from_facility_id, to_facility_id, kind, on_date, reason, actor_id, at FROM learner_move WHERE learner_id = ? ORDER BY id').all(learnerId);
const lifecycleAudit = () => auditRows(p.db).filter((a) => a.action.startsWith('learner.'));

/**
 * The fixture's learner at facility A: enrolled in a programme of c1 and c2
 * (c1 completed, one lesson of c2 done), waiting for a full programme, and
 * studying c3 outside any programme.
 */
function learnerInProgrammes(): { enrolledIn: Programme; waitingFor: Programme; enrolled: Placement; waiting: Placement } {
  const l = p.learner.learnerId;
  addConsultation(p.db, l);
  const staff = p.educationStaff.user;
  const enrolledIn = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c1.course.id, c2.course.id], { title: 'Metināšana' }));
  const waitingFor = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c3.course.id], { title: 'Valoda', seats: 1, timetable: [{ day: 2, from: '09:00', to: '10:00' }] }));
  const other = addLearner(p.db, p.facilityA.id);
  addConsultation(p.db, other.learnerId);
  const place = (learnerId: number, g: Programme, mode: 'enrol' | 'waitlist') => {
    const r = placeLearner(p.db, staff, learnerId, g.id, mode, { now: NOW });
    if (!r.ok) throw new Error(r.code);
    return r.placement;
  };
  place(other.learnerId, waitingFor, 'enrol');
  const enrolled = place(l, enrolledIn, 'enrol');
  const waiting = place(l, waitingFor, 'waitlist');
  enrol(p.db, l, c3.course.id, NOW); // outside any programme (c3 is the waited programme's course)
  completeCourse(p.db, l, c1, NOW);
  markLessonDone(p.db, l, c2.course, c2.items[0]!, NOW);
  return { enrolledIn, waitingFor, enrolled, waiting };
}

describe('transferring a learner', () => {
  test('moves the learner: placements close as transferred with the outcome, their course enrolments too; progress stays; recorded and audited', () => {
    const l = p.learner.learnerId;
    const { enrolled, waiting } = learnerInProgrammes();
    const progressBefore = count('SELECT count(*) FROM lesson_progress WHERE learner_id = ?', l);
    const staff = p.educationStaff.user;

    const r = transferLearner(p.db, staffActor(staff), l, p.facilityB.id, { onDate: '2026-03-01', reason: 'Pārvietots drošības apsvērumu dēļ' }, later);
    expect(r).toEqual({ ok: true, closedPlacements: 2 });
    expect(facilityOfUser(p.learner.user.id)).toBe(p.facilityB.id);
    expect(stmt(p.db, 'SELECT status, updated_at FROM learner WHERE id = ?').get(l)).toEqual({ status: 'in_custody', updated_at: later.toISOString() });

    expect(getPlacement(p.db, enrolled.id)).toMatchObject({
      status: 'transferred',
      reason: 'Pārvietots drošības apsvērumu dēļ',
      statusAt: later.toISOString(),
      outcome: {
        courses: [
          { courseId: c1.course.id, percent: 100, completed: true },
          { courseId: c2.course.id, percent: 50, completed: false },
        ],
      },
    });
    expect(getPlacement(p.db, waiting.id)).toMatchObject({ status: 'transferred', outcome: null });
    expect(eventRows(p.db, enrolled.id).at(-1)).toMatchObject({ from_status: 'enrolled', to_status: 'transferred', actor_id: staff.id, reason: 'Pārvietots drošības apsvērumu dēļ' });
    // Completed courses stay completed; the programme's open ones are transferred; the course taken outside any programme continues.
    expect(enrolmentRows(p.db, l).map((e) => [e.course_id, e.status])).toEqual([
      [c1.course.id, 'completed'],
      [c2.course.id, 'transferred'],
      [c3.course.id, 'enrolled'],
    ]);
    expect(getStudyEnrolment(p.db, l, c1.course.id)?.status).toBe('completed');
    expect(getStudyEnrolment(p.db, l, c2.course.id)).toBeNull();
    expect(getStudyEnrolment(p.db, l, c3.course.id)?.status).toBe('enrolled');
    // Progress and completions stay with the learner.
    expect(count('SELECT count(*) FROM lesson_progress WHERE learner_id = ?', l)).toBe(progressBefore);
    expect(count('SELECT count(*) FROM course_completion WHERE learner_id = ?', l)).toBe(1);

    expect(moves(l)).toEqual([
      {
        learner_id: l,
        from_facility_id: p.facilityA.id,
        to_facility_id: p.facilityB.id,
        kind: 'transfer',
        on_date: '2026-03-01',
        reason: 'Pārvietots drošības apsvērumu dēļ',
        actor_id: staff.id,
        at: later.toISOString(),
      },
    ]);
    expect(lifecycleAudit()).toEqual([
      {
        action: 'learner.transfer',
        actor_user_id: staff.id,
        actor_label: 'ieva.ozola',
        target_type: 'learner',
        target_id: String(l),
        facility_id: p.facilityB.id,
        details: {
          inmateNumber: p.learner.inmateNumber,
          from: p.facilityA.id,
          to: p.facilityB.id,
          closedPlacements: 2,
          keptCourses: [c3.course.id],
          reason: 'Pārvietots drošības apsvērumu dēļ',
        },
      },
    ]);
  });

  test('without options: today’s date, no reason', () => {
    const r = transferLearner(p.db, staffActor(p.educationStaff.user), p.learner.learnerId, p.facilityB.id, {}, later);
    expect(r).toEqual({ ok: true, closedPlacements: 0 });
    expect(moves(p.learner.learnerId)).toMatchObject([{ on_date: '2026-03-03', reason: null }]);
    expect(lifecycleAudit()[0]!.details).toMatchObject({ closedPlacements: 0, keptCourses: [], reason: null });
  });

  test('keeps what the new prison can continue: a course outside any programme stays open there; the statement of achievement lists what was closed', () => {
    const l = p.learner.learnerId;
    const { enrolledIn } = learnerInProgrammes();
    expect(transferLearner(p.db, staffActor(p.educationStaff.user), l, p.facilityB.id, {}, later).ok).toBe(true);
    // The learner studies c3 at Iļģuciems without being placed again.
    expect(getStudyEnrolment(p.db, l, c3.course.id)).toMatchObject({ status: 'enrolled' });
    markLessonDone(p.db, l, c3.course, c3.items[0]!, later);
    // The programme left unfinished: a statement naming each of its courses, done or how far.
    const statements = listLearnerCertificates(p.db, l).filter((c) => c.kind === 'statement');
    expect(statements.map((c) => c.programmeId)).toEqual([enrolledIn.id]);
    expect(contentOf(statements[0]!)?.items?.map((i) => [i.completedOn === null ? 'open' : 'done', i.progressPercent ?? 100])).toEqual([
      ['done', 100],
      ['open', 50],
    ]);
    // At the new prison, a programme with the course continues the same enrolment (nothing is duplicated).
    const inB = addProgramme(p.db, p.admin.user, programmeInput(p.facilityB.id, [c3.course.id], { title: 'Valoda Iļģuciemā', timetable: [{ day: 3, from: '09:00', to: '10:00' }] }));
    expect(code(placeLearner(p.db, p.otherEducationStaff.user, l, inB.id, 'enrol', { now: later }))).toBe('ok');
    expect(enrolmentRows(p.db, l).filter((e) => e.course_id === c3.course.id).map((e) => e.status)).toEqual(['enrolled']);
  });

  test('a release still closes the courses outside programmes (access ends)', () => {
    const l = p.learner.learnerId;
    learnerInProgrammes();
    expect(releaseLearner(p.db, staffActor(p.educationStaff.user), l, {}, later).ok).toBe(true);
    expect(getStudyEnrolment(p.db, l, c3.course.id)).toBeNull();
  });

  test('staff of the sending prison may record it; the receiving prison cannot pull a learner in; nobody else', () => {
    const facilityC = addFacility(p.db, 'JEL', 'Jelgavas cietums');
    const a = () => addLearner(p.db, p.facilityA.id).learnerId;
    // Receiving prison: refused, nothing moves.
    const pulled = a();
    expect(code(transferLearner(p.db, staffActor(p.otherEducationStaff.user), pulled, p.facilityB.id, {}, later))).toBe('auth.forbidden');
    expect(moves(pulled)).toEqual([]);
    // Neither sending nor receiving.
    const l = a();
    expect(code(transferLearner(p.db, staffActor(p.otherEducationStaff.user), l, facilityC, {}, later))).toBe('auth.forbidden');
    for (const who of [p.teacher.user, p.supervisor.user, p.learner.user]) {
      expect(code(transferLearner(p.db, staffActor(who), l, p.facilityB.id, {}, later))).toBe('auth.forbidden');
    }
    expect(facilityOfUser(stmt(p.db, 'SELECT user_id FROM learner WHERE id = ?').pluck().get(l) as number)).toBe(p.facilityA.id);
    expect(moves(l)).toEqual([]);
    // Sending prison, to a third one.
    expect(code(transferLearner(p.db, staffActor(p.educationStaff.user), l, facilityC, {}, later))).toBe('ok');
    // Admins anywhere; the system (roster import) too, audited under its own name.
    expect(code(transferLearner(p.db, staffActor(p.admin.user), a(), facilityC, {}, later))).toBe('ok');
    const bySystem = a();
    expect(code(transferLearner(p.db, { kind: 'system', audit: { id: null, label: 'roster' } }, bySystem, p.facilityB.id, { reason: 'Reģistrs' }, later))).toBe('ok');
    expect(moves(bySystem)).toMatchObject([{ actor_id: null, reason: 'Reģistrs' }]);
    expect(lifecycleAudit().at(-1)).toMatchObject({ actor_user_id: null, actor_label: 'roster', target_id: String(bySystem) });
  });

  test('refused: the same facility, a learner not in custody, an unknown learner or facility; nothing is written', () => {
    const admin = staffActor(p.admin.user);
    expect(code(transferLearner(p.db, admin, p.learner.learnerId, p.facilityA.id, {}, later))).toBe('lifecycle.sameFacility');
    expect(code(transferLearner(p.db, admin, p.formerLearner.learnerId, p.facilityB.id, {}, later))).toBe('lifecycle.notInCustody');
    expect(code(transferLearner(p.db, admin, 99_999, p.facilityB.id, {}, later))).toBe('learner.notFound');
    expect(code(transferLearner(p.db, admin, p.learner.learnerId, 99_999, {}, later))).toBe('lifecycle.facilityNotFound');
    expect(count('SELECT count(*) FROM learner_move')).toBe(0);
    expect(lifecycleAudit()).toEqual([]);
    expect(facilityOfUser(p.learner.user.id)).toBe(p.facilityA.id);
  });

  test('inside the caller’s transaction, a failure later rolls the transfer back', () => {
    const { enrolled } = learnerInProgrammes();
    expect(() =>
      p.db.transaction(() => {
        expect(transferLearner(p.db, SYSTEM, p.learner.learnerId, p.facilityB.id, {}, later).ok).toBe(true);
        throw new Error('roster import failed');
      })(),
    ).toThrow('roster import failed');
    expect(facilityOfUser(p.learner.user.id)).toBe(p.facilityA.id);
    expect(getPlacement(p.db, enrolled.id)!.status).toBe('enrolled');
    expect(count('SELECT count(*) FROM learner_move')).toBe(0);
    expect(lifecycleAudit()).toEqual([]);
  });

  test('at the new prison the learner is placed by its staff; the consultation held at the old prison still counts', () => {
    learnerInProgrammes();
    transferLearner(p.db, staffActor(p.educationStaff.user), p.learner.learnerId, p.facilityB.id, {}, later);
    const inB = addProgramme(p.db, p.admin.user, programmeInput(p.facilityB.id, [c2.course.id], { title: 'Iļģuciems' }));
    const inA = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c3.course.id], { title: 'Olaine' }));
    const place = (who: SessionUser, g: Programme) => code(placeLearner(p.db, who, p.learner.learnerId, g.id, 'enrol', { now: later }));
    expect(place(p.educationStaff.user, inA)).toBe('placement.learnerNotFound');
    expect(place(p.admin.user, inA)).toBe('placement.otherFacility');
    expect(place(p.otherEducationStaff.user, inB)).toBe('ok');
    expect(getStudyEnrolment(p.db, p.learner.learnerId, c2.course.id)?.status).toBe('enrolled');
  });
});

const SYSTEM: LifecycleActor = { kind: 'system', audit: SYSTEM_ACTOR };

describe('releasing a learner', () => {
  test('ends access at once: status released, sessions gone, placements released before completion with the outcome; recorded and audited', () => {
    const l = p.learner.learnerId;
    const { enrolled, waiting } = learnerInProgrammes();
    const tokens = [generateSessionToken(), generateSessionToken()];
    const t = Date.now();
    for (const token of tokens) createSession(p.db, token, p.learner.user.id, TEST_TIMEOUTS, { ip: '10.0.0.5', userAgent: 'kiosk' }, t);
    const staffToken = generateSessionToken();
    createSession(p.db, staffToken, p.educationStaff.user.id, TEST_TIMEOUTS, { ip: null, userAgent: null }, t);
    expect(validateSessionToken(p.db, tokens[0]!, TEST_TIMEOUTS, t + 1000).user?.learnerId).toBe(l);

    const staff = p.educationStaff.user;
    const r = releaseLearner(p.db, staffActor(staff), l, { onDate: '2026-03-03', reason: 'Soda termiņa beigas' }, later);
    expect(r).toEqual({ ok: true, closedPlacements: 2 });

    expect(stmt(p.db, 'SELECT status, released_on, updated_at FROM learner WHERE id = ?').get(l)).toEqual({
      status: 'released',
      released_on: '2026-03-03',
      updated_at: later.toISOString(),
    });
    // Each open session is refused at its next use, with the reason the learner is shown ("staff ended it"), and removed.
    for (const token of tokens) expect(validateSessionToken(p.db, token, TEST_TIMEOUTS, t + 2000)).toMatchObject({ session: null, user: null, ended: 'barred' });
    expect(count('SELECT count(*) FROM session WHERE user_id = ?', p.learner.user.id)).toBe(0);
    // Other people's sessions are untouched.
    expect(validateSessionToken(p.db, staffToken, TEST_TIMEOUTS, t + 2000).user?.id).toBe(staff.id);

    expect(getPlacement(p.db, enrolled.id)).toMatchObject({
      status: 'released_before_completion',
      reason: 'Soda termiņa beigas',
      outcome: {
        courses: [
          { courseId: c1.course.id, percent: 100, completed: true },
          { courseId: c2.course.id, percent: 50, completed: false },
        ],
      },
    });
    expect(getPlacement(p.db, waiting.id)).toMatchObject({ status: 'released_before_completion', outcome: null });
    expect(enrolmentRows(p.db, l).map((e) => [e.course_id, e.status])).toEqual([
      [c1.course.id, 'completed'],
      [c2.course.id, 'released_before_completion'],
      [c3.course.id, 'released_before_completion'],
    ]);
    // The record stays for the released-person portal.
    expect(count('SELECT count(*) FROM course_completion WHERE learner_id = ?', l)).toBe(1);
    expect(count('SELECT count(*) FROM lesson_progress WHERE learner_id = ?', l)).toBeGreaterThan(0);
    expect(count('SELECT count(*) FROM consultation WHERE learner_id = ?', l)).toBe(1);

    expect(moves(l)).toEqual([
      {
        learner_id: l,
        from_facility_id: p.facilityA.id,
        to_facility_id: null,
        kind: 'release',
        on_date: '2026-03-03',
        reason: 'Soda termiņa beigas',
        actor_id: staff.id,
        at: later.toISOString(),
      },
    ]);
    expect(lifecycleAudit()).toEqual([
      {
        action: 'learner.release',
        actor_user_id: staff.id,
        actor_label: 'ieva.ozola',
        target_type: 'learner',
        target_id: String(l),
        facility_id: p.facilityA.id,
        details: { inmateNumber: p.learner.inmateNumber, releasedOn: '2026-03-03', closedPlacements: 2, sessionsEnded: 2 },
      },
    ]);
  });

  test('a session opened before the release cannot be used after it', () => {
    const token = generateSessionToken();
    const t = Date.now();
    createSession(p.db, token, p.learner.user.id, TEST_TIMEOUTS, { ip: null, userAgent: null }, t);
    expect(validateSessionToken(p.db, token, TEST_TIMEOUTS, t).session).not.toBeNull();
    expect(releaseLearner(p.db, SYSTEM, p.learner.learnerId, {}, later).ok).toBe(true);
    const after = validateSessionToken(p.db, token, TEST_TIMEOUTS, t + 1000);
    expect(after.session).toBeNull();
    expect(after.user).toBeNull();
  });

  test('a learner is released once; without options the date is today', () => {
    const l = p.learner.learnerId;
    expect(releaseLearner(p.db, staffActor(p.educationStaff.user), l, {}, later)).toEqual({ ok: true, closedPlacements: 0 });
    expect(stmt(p.db, 'SELECT released_on FROM learner WHERE id = ?').pluck().get(l)).toBe('2026-03-03');
    expect(lifecycleAudit()[0]!.details).toMatchObject({ releasedOn: '2026-03-03', closedPlacements: 0, sessionsEnded: 0 });
    expect(code(releaseLearner(p.db, staffActor(p.educationStaff.user), l, { onDate: '2026-03-10' }, later))).toBe('lifecycle.notInCustody');
    expect(code(transferLearner(p.db, staffActor(p.educationStaff.user), l, p.facilityB.id, {}, later))).toBe('lifecycle.notInCustody');
    expect(moves(l)).toHaveLength(1);
    expect(lifecycleAudit()).toHaveLength(1);
    expect(stmt(p.db, 'SELECT released_on FROM learner WHERE id = ?').pluck().get(l)).toBe('2026-03-03');
  });

  test('only staff of the learner’s prison (and admins, and the system) release', () => {
    const l = p.learner.learnerId;
    for (const who of [p.otherEducationStaff.user, p.teacher.user, p.supervisor.user, p.learner.user]) {
      expect(code(releaseLearner(p.db, staffActor(who), l, {}, later))).toBe('auth.forbidden');
    }
    expect(code(releaseLearner(p.db, staffActor(p.admin.user), 99_999, {}, later))).toBe('learner.notFound');
    expect(stmt(p.db, 'SELECT status FROM learner WHERE id = ?').pluck().get(l)).toBe('in_custody');
    expect(lifecycleAudit()).toEqual([]);
    expect(code(releaseLearner(p.db, staffActor(p.admin.user), l, {}, later))).toBe('ok');
    const other = addLearner(p.db, p.facilityA.id).learnerId;
    expect(code(releaseLearner(p.db, SYSTEM, other, { reason: 'Reģistrs' }, later))).toBe('ok');
    expect(lifecycleAudit().at(-1)).toMatchObject({ action: 'learner.release', actor_user_id: null, actor_label: 'system' });
    expect(moves(other)).toMatchObject([{ kind: 'release', actor_id: null, reason: 'Reģistrs' }]);
  });

  test('the freed seat of a released learner is offered to the first waiting', () => {
    const { waitingFor } = learnerInProgrammes();
    // The learner holding waitingFor's only seat is released; our learner is first in line.
    const holder = stmt(p.db, "SELECT learner_id FROM placement WHERE programme_id = ? AND status = 'enrolled'").pluck().get(waitingFor.id) as number;
    expect(releaseLearner(p.db, SYSTEM, holder, {}, later).ok).toBe(true);
    expect(stmt(p.db, "SELECT offered_at FROM placement WHERE programme_id = ? AND learner_id = ? AND status = 'waitlisted'").pluck().get(waitingFor.id, p.learner.learnerId)).toBe(
      later.toISOString(),
    );
  });
});

describe('listMoves', () => {
  test('admission, transfers and the release, oldest first, with facility names', () => {
    const id = p.db.transaction(() =>
      insertLearner(
        p.db,
        SYSTEM_ACTOR,
        {
          inmateNumber: 'A-1500',
          surname: 'Kalniņš',
          givenNames: 'Edgars',
          birthYear: 1985,
          facilityId: p.facilityA.id,
          educationLevel: 'basic',
          latvianLevel: 'A2',
          expectedReleaseDate: '2028-01-31',
          status: 'in_custody',
          preferredLocale: 'lv',
        },
        'not-a-real-hash',
        { reason: 'Uzņemts' },
        NOW,
      ),
    )();
    expect(transferLearner(p.db, staffActor(p.educationStaff.user), id, p.facilityB.id, { onDate: '2026-04-01', reason: 'Uz Rīgu' }, later).ok).toBe(true);
    // Back again: recorded by the prison the learner is in now.
    expect(transferLearner(p.db, staffActor(p.otherEducationStaff.user), id, p.facilityA.id, { onDate: '2026-05-01' }, later).ok).toBe(true);
    expect(releaseLearner(p.db, staffActor(p.educationStaff.user), id, { onDate: '2026-06-01', reason: 'Nosacīti pirms termiņa' }, later).ok).toBe(true);
    expect(listMoves(p.db, id)).toEqual([
      { kind: 'admission', fromFacility: null, toFacility: p.facilityA.name, onDate: '2026-03-02', reason: 'Uzņemts' },
      { kind: 'transfer', fromFacility: p.facilityA.name, toFacility: p.facilityB.name, onDate: '2026-04-01', reason: 'Uz Rīgu' },
      { kind: 'transfer', fromFacility: p.facilityB.name, toFacility: p.facilityA.name, onDate: '2026-05-01', reason: null },
      { kind: 'release', fromFacility: p.facilityA.name, toFacility: null, onDate: '2026-06-01', reason: 'Nosacīti pirms termiņa' },
    ]);
    expect(listMoves(p.db, p.otherLearner.learnerId)).toEqual([]);
  });
});

describe('transfers and releases on several connections at once', () => {
  // Was a bug (fixed): lifecycle.ts ran transferLearner and releaseLearner in a DEFERRED
  // transaction (`db.transaction(fn)()`), which reads (learnerRow) before it writes. When another
  // connection writes in between (the web server while a roster import or another process runs),
  // SQLite cannot upgrade the read to a write lock and fails at once with SQLITE_BUSY ("database is
  // locked"): the busy timeout is not applied to a lock upgrade. Every other writer here uses
  // `.immediate()` (see inTransaction in db.ts: "two writers never deadlock on an upgrade").
  // `.immediate()` also nests as a savepoint inside a caller's transaction (the roster import).
  test(
    'worker threads transferring and releasing different learners at the same moment all succeed (they wait for the lock)',
    async () => {
      const groups = Array.from({ length: 4 }, () => Array.from({ length: 15 }, () => addLearner(p.db, p.facilityA.id).learnerId));
      const results = (
        await runInWorkers(p.file, p.admin.user, [
          { mode: 'transfer', toFacilityId: p.facilityB.id, learnerIds: groups[0]! },
          { mode: 'release', learnerIds: groups[1]! },
          { mode: 'transfer', toFacilityId: p.facilityB.id, learnerIds: groups[2]! },
          { mode: 'release', learnerIds: groups[3]! },
        ])
      ).flat();
      expect(results.filter((r) => r.error).map((r) => r.error)).toEqual([]);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(count("SELECT count(*) FROM learner_move WHERE kind = 'transfer'")).toBe(30);
      expect(count("SELECT count(*) FROM learner WHERE status = 'released' AND released_on IS NOT NULL")).toBe(30);
      expect(verifyAuditChain(p.db)).toMatchObject({ ok: true });
    },
    60_000,
  );
});
