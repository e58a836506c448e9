import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { endPlacementByStaff, placeLearner } from '../../../src/lib/server/placement/placements.ts';
import type { ProgrammeInput } from '../../../src/lib/server/placement/programmes.ts';
import { rankProgrammes, type Placeability, type RankedProgramme, type Reason } from '../../../src/lib/server/placement/ranking.ts';
import { createCoursesDir, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { enrol, type InstalledCourse } from '../../helpers/learning.ts';
import {
  addConsultation,
  addLearner,
  addProgramme,
  completeCourse,
  installCourse,
  learnerForPlacement,
  NOW,
  OLD,
  programmeInput,
  RECENT,
  type LearnerOptions,
} from '../../helpers/placement.ts';

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
let c1: InstalledCourse;
let c2: InstalledCourse;

beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  c1 = installCourse(p.db, courses.dir, 'metinasana-pamati');
  c2 = installCourse(p.db, courses.dir, 'metinasana-prakse');
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

/** A programme at facility A (default: 2026-03-09 … 2026-06-30, Monday 09:00–11:30, 10 seats, welding). */
const programme = (overrides: Partial<ProgrammeInput> = {}, facilityId = p.facilityA.id) =>
  addProgramme(p.db, p.admin.user, programmeInput(facilityId, [c1.course.id], { title: `Programma ${Math.random().toString(36).slice(2, 7)}`, ...overrides }));
const rank = (learnerId: number, months?: number, now = NOW): Placeability => rankProgrammes(p.db, learnerForPlacement(p.db, learnerId), now, months);
const entry = (result: Placeability, programmeId: number): RankedProgramme => {
  const found = result.ranked.find((r) => r.programme.id === programmeId);
  if (!found) throw new Error(`programme ${programmeId} not ranked`);
  return found;
};
const reasonsOf = (learnerId: number, programmeId: number) => entry(rank(learnerId), programmeId).reasons;
const reason = <K extends Reason['kind']>(reasons: Reason[], kind: K) => reasons.filter((r): r is Extract<Reason, { kind: K }> => r.kind === kind);
const learner = (o: LearnerOptions = {}, consultation: Parameters<typeof addConsultation>[2] | null = {}) => {
  const l = addLearner(p.db, p.facilityA.id, o);
  if (consultation) addConsultation(p.db, l.learnerId, consultation);
  return l.learnerId;
};
const enrolOk = (learnerId: number, programmeId: number) => {
  const r = placeLearner(p.db, p.educationStaff.user, learnerId, programmeId, 'enrol', { now: NOW });
  if (!r.ok) throw new Error(r.code);
  return r.placement;
};
const waitOk = (learnerId: number, programmeId: number) => {
  const r = placeLearner(p.db, p.educationStaff.user, learnerId, programmeId, 'waitlist', { now: NOW });
  if (!r.ok) throw new Error(r.code);
  return r.placement;
};

describe('the reasons given for each programme', () => {
  test('recommended direction and matching interests (from the latest career consultation)', () => {
    const l = learner({}, null);
    addConsultation(p.db, l, { heldOn: '2025-11-01', interests: ['it'], recommended: ['it'] });
    addConsultation(p.db, l, { heldOn: RECENT, interests: ['welding', 'cooking'], recommended: ['construction'] });
    const both = programme({ interests: ['welding', 'construction'] });
    const other = programme({ interests: ['it'] });
    const none = programme({ interests: [] });
    expect(reasonsOf(l, both.id).slice(0, 2)).toEqual([
      { kind: 'recommended', ok: true, interests: ['construction'] },
      { kind: 'interest', ok: true, interests: ['welding'] },
    ]);
    // An older consultation's interests and recommendations no longer count.
    expect(reason(reasonsOf(l, other.id), 'recommended')).toEqual([]);
    expect(reason(reasonsOf(l, other.id), 'interest')).toEqual([{ kind: 'interest', ok: false, interests: ['it'] }]);
    // A programme that declares no interests says nothing about them.
    expect(reason(reasonsOf(l, none.id), 'interest')).toEqual([]);
    expect(reason(reasonsOf(l, none.id), 'recommended')).toEqual([]);
    // Interests never block.
    expect(entry(rank(l), other.id)).toMatchObject({ canWait: true, canEnrol: true });
  });

  test('education: enough, or missing (blocks)', () => {
    const l = learner({ education: 'basic' });
    const ok = programme({ minEducation: 'basic' });
    const missing = programme({ minEducation: 'secondary' });
    const free = programme();
    expect(reason(reasonsOf(l, ok.id), 'education')).toEqual([{ kind: 'education', ok: true, required: 'basic', has: 'basic' }]);
    expect(reason(reasonsOf(l, missing.id), 'education')).toEqual([{ kind: 'education', ok: false, required: 'secondary', has: 'basic' }]);
    expect(reason(reasonsOf(l, free.id), 'education')).toEqual([]);
    expect(entry(rank(l), ok.id)).toMatchObject({ canEnrol: true, canWait: true });
    expect(entry(rank(l), missing.id)).toMatchObject({ canEnrol: false, canWait: false });
    // Higher education satisfies a lower requirement.
    const higher = learner({ education: 'higher' });
    expect(entry(rank(higher), missing.id)).toMatchObject({ canEnrol: true, canWait: true });
  });

  test('Latvian: enough, or missing (blocks)', () => {
    const l = learner({ latvian: 'B1' });
    const ok = programme({ minLatvian: 'A2' });
    const missing = programme({ minLatvian: 'B2' });
    expect(reason(reasonsOf(l, ok.id), 'latvian')).toEqual([{ kind: 'latvian', ok: true, required: 'A2', has: 'B1' }]);
    expect(reason(reasonsOf(l, missing.id), 'latvian')).toEqual([{ kind: 'latvian', ok: false, required: 'B2', has: 'B1' }]);
    expect(entry(rank(l), missing.id)).toMatchObject({ canEnrol: false, canWait: false });
    const none = learner({ latvian: 'none' });
    expect(reason(reasonsOf(none, ok.id), 'latvian')).toEqual([{ kind: 'latvian', ok: false, required: 'A2', has: 'none' }]);
  });

  test('previous course: missing (blocks) until the learner has completed it', () => {
    const l = learner();
    const g = addProgramme(p.db, p.admin.user, programmeInput(p.facilityA.id, [c2.course.id], { prerequisiteCourseId: c1.course.id }));
    expect(reason(reasonsOf(l, g.id), 'previousCourse')).toEqual([{ kind: 'previousCourse', ok: false, courseId: c1.course.id }]);
    expect(entry(rank(l), g.id)).toMatchObject({ canEnrol: false, canWait: false });
    // Enrolled but not completed is not enough.
    enrol(p.db, l, c1.course.id, NOW);
    expect(reason(reasonsOf(l, g.id), 'previousCourse')[0]!.ok).toBe(false);
    completeCourse(p.db, l, c1);
    expect(reason(reasonsOf(l, g.id), 'previousCourse')).toEqual([{ kind: 'previousCourse', ok: true, courseId: c1.course.id }]);
    expect(entry(rank(l), g.id)).toMatchObject({ canEnrol: true, canWait: true });
  });

  test('release: finishes N weeks before, cannot finish (blocks), continues outside (does not block), no release date', () => {
    const g = programme(); // ends 2026-06-30
    const continues = programme({ continuesAfterRelease: true });
    const eightWeeks = learner({ release: '2026-08-25' });
    expect(reason(reasonsOf(eightWeeks, g.id), 'release')).toEqual([{ kind: 'release', ok: true, weeks: 8 }]);
    const onLastDay = learner({ release: '2026-06-30' });
    expect(reason(reasonsOf(onLastDay, g.id), 'release')).toEqual([{ kind: 'release', ok: true, weeks: 0 }]);
    const twoWeeksShort = learner({ release: '2026-06-16' });
    expect(reason(reasonsOf(twoWeeksShort, g.id), 'release')).toEqual([{ kind: 'release', ok: false, weeks: 2, continuesAfterRelease: false }]);
    expect(entry(rank(twoWeeksShort), g.id)).toMatchObject({ canEnrol: false, canWait: false });
    // A few days short is counted as a (started) week short.
    const daysShort = learner({ release: '2026-06-27' });
    expect(reason(reasonsOf(daysShort, g.id), 'release')).toEqual([{ kind: 'release', ok: false, weeks: 1, continuesAfterRelease: false }]);
    // Continued outside (e.g. with the State Employment Agency): shown, but no block.
    expect(reason(reasonsOf(twoWeeksShort, continues.id), 'release')).toEqual([{ kind: 'release', ok: false, weeks: 2, continuesAfterRelease: true }]);
    expect(entry(rank(twoWeeksShort), continues.id)).toMatchObject({ canEnrol: true, canWait: true });
    const noDate = learner({ release: null });
    expect(reason(reasonsOf(noDate, g.id), 'noReleaseDate')).toEqual([{ kind: 'noReleaseDate', ok: true }]);
    expect(reason(reasonsOf(noDate, g.id), 'release')).toEqual([]);
    expect(entry(rank(noDate), g.id)).toMatchObject({ canEnrol: true, canWait: true });
  });

  test('seats: how many are left, or none with how many are waiting (enrolment blocked, the waiting list open)', () => {
    const l = learner();
    const roomy = programme({ seats: 10 });
    const full = programme({ seats: 1 });
    enrolOk(learner(), roomy.id);
    enrolOk(learner(), full.id);
    waitOk(learner(), full.id);
    waitOk(learner(), full.id);
    expect(reason(reasonsOf(l, roomy.id), 'seats')).toEqual([{ kind: 'seats', ok: true, left: 9, waiting: 0 }]);
    expect(reason(reasonsOf(l, full.id), 'seats')).toEqual([{ kind: 'seats', ok: false, left: 0, waiting: 2 }]);
    expect(entry(rank(l), full.id)).toMatchObject({ canEnrol: false, canWait: true });
    expect(entry(rank(l), roomy.id)).toMatchObject({ canEnrol: true, canWait: true });
  });

  test("clash with the timetable of a programme the learner is enrolled in (blocks); touching slots, other dates and waiting lists do not clash", () => {
    const l = learner();
    const enrolled = programme({ title: 'Metināšana', timetable: [{ day: 1, from: '09:00', to: '11:30' }] });
    const overlapping = programme({ timetable: [{ day: 3, from: '13:00', to: '14:00' }, { day: 1, from: '11:00', to: '12:00' }] });
    const touching = programme({ timetable: [{ day: 1, from: '11:30', to: '13:00' }] });
    const later = programme({ startsOn: '2026-07-01', endsOn: '2026-09-30', timetable: [{ day: 1, from: '09:00', to: '11:30' }] });
    const otherDay = programme({ timetable: [{ day: 2, from: '09:00', to: '11:30' }] });
    const waitedFor = programme({ title: 'Gaida', timetable: [{ day: 5, from: '09:00', to: '11:00' }] });
    const sameAsWaited = programme({ timetable: [{ day: 5, from: '10:00', to: '12:00' }] });
    enrolOk(l, enrolled.id);
    waitOk(l, waitedFor.id);
    const result = rank(l);
    expect(reason(entry(result, overlapping.id).reasons, 'clash')).toEqual([{ kind: 'clash', ok: false, programmeTitle: 'Metināšana' }]);
    expect(entry(result, overlapping.id)).toMatchObject({ canEnrol: false, canWait: false });
    for (const g of [touching, later, otherDay, sameAsWaited]) {
      expect(reason(entry(result, g.id).reasons, 'clash')).toEqual([]);
      expect(entry(result, g.id)).toMatchObject({ canEnrol: true, canWait: true });
    }
    // The enrolled programme does not clash with itself.
    expect(reason(entry(result, enrolled.id).reasons, 'clash')).toEqual([]);
  });

  test('already enrolled or waiting: no second place; a waiting learner can be enrolled when a seat is free', () => {
    const l = learner();
    const enrolled = programme();
    const waiting = programme({ timetable: [{ day: 2, from: '09:00', to: '10:00' }] });
    const waitingFull = programme({ seats: 1, timetable: [{ day: 3, from: '09:00', to: '10:00' }] });
    enrolOk(l, enrolled.id);
    waitOk(l, waiting.id);
    enrolOk(learner(), waitingFull.id);
    waitOk(l, waitingFull.id);
    const result = rank(l);
    expect(reason(entry(result, enrolled.id).reasons, 'already')).toEqual([{ kind: 'already', ok: false, status: 'enrolled' }]);
    expect(entry(result, enrolled.id)).toMatchObject({ canEnrol: false, canWait: false });
    expect(reason(entry(result, waiting.id).reasons, 'already')).toEqual([{ kind: 'already', ok: false, status: 'waitlisted' }]);
    expect(entry(result, waiting.id)).toMatchObject({ canEnrol: true, canWait: false });
    expect(entry(result, waitingFull.id)).toMatchObject({ canEnrol: false, canWait: false });
  });
});

describe('the consultation', () => {
  test('without a valid career consultation nothing can be enrolled, but the waiting lists are open', () => {
    const g = programme();
    const none = learner({}, null);
    expect(rank(none)).toMatchObject({ lastConsultation: null, consultationValid: false, months: 6 });
    expect(entry(rank(none), g.id)).toMatchObject({ canEnrol: false, canWait: true });
    const old = learner({}, { heldOn: OLD });
    expect(rank(old)).toMatchObject({ lastConsultation: OLD, consultationValid: false });
    expect(entry(rank(old), g.id)).toMatchObject({ canEnrol: false, canWait: true });
    // The configured period.
    expect(rank(old, 12)).toMatchObject({ lastConsultation: OLD, consultationValid: true, months: 12 });
    expect(entry(rank(old, 12), g.id)).toMatchObject({ canEnrol: true, canWait: true });
    // A pre-release consultation does not count.
    const preRelease = learner({}, { kind: 'pre_release', heldOn: RECENT });
    expect(rank(preRelease)).toMatchObject({ lastConsultation: null, consultationValid: false });
    const recent = learner({}, { heldOn: RECENT });
    expect(rank(recent)).toMatchObject({ lastConsultation: RECENT, consultationValid: true });
  });
});

describe('order and scope', () => {
  test('blocked programmes last; recommended above mere interest, interest above none; more spare weeks higher; then the earlier start', () => {
    const l = learner({ release: '2026-12-31' }, { interests: ['cooking'], recommended: ['welding'] });
    const recommended = programme({ title: 'A recommended', interests: ['welding'] }); // 100 + 26/10
    const interest = programme({ title: 'B interest', interests: ['cooking'] }); // 10 + 2.6
    const interestLater = programme({ title: 'C interest, ends later', interests: ['cooking'], endsOn: '2026-10-31' }); // 10 + 0.8
    const plain = programme({ title: 'D plain', interests: ['it'] }); // 2.6
    const plainLaterStart = programme({ title: 'E plain, starts later', interests: ['it'], startsOn: '2026-03-16' }); // 2.6
    const blockedRecommended = programme({ title: 'F blocked, recommended', interests: ['welding'], minEducation: 'higher' });
    const blockedPlain = programme({ title: 'G blocked', interests: [], minLatvian: 'C2' });
    const result = rank(l);
    expect(result.ranked.map((r) => r.programme.id)).toEqual([recommended, interest, interestLater, plain, plainLaterStart, blockedRecommended, blockedPlain].map((g) => g.id));
    expect(result.ranked.map((r) => Math.round(r.score * 10) / 10)).toEqual([102.6, 12.6, 10.8, 2.6, 2.6, 102.6, 2.6]);
  });

  test('spare weeks count up to a year', () => {
    const l = learner({ release: '2030-01-01' });
    const soon = programme({ title: 'Soon' });
    const later = programme({ title: 'Later', endsOn: '2026-09-30' });
    const result = rank(l);
    // Both end more than 52 weeks before release: the same score.
    expect(entry(result, soon.id).score).toBeCloseTo(5.2);
    expect(entry(result, later.id).score).toBeCloseTo(5.2);
  });

  test("closed programmes, programmes that have ended and other facilities' programmes are not listed", () => {
    const l = learner();
    const open = programme({ title: 'Open' });
    const endsToday = programme({ title: 'Ends today', startsOn: '2026-01-05', endsOn: '2026-03-02' });
    programme({ title: 'Closed', status: 'closed' });
    programme({ title: 'Ended', startsOn: '2026-01-05', endsOn: '2026-03-01' });
    programme({ title: 'At the other facility' }, p.facilityB.id);
    expect(rank(l).ranked.map((r) => r.programme.id).sort()).toEqual([open.id, endsToday.id].sort());
    // The learner of the other prison sees only that prison's programme.
    addConsultation(p.db, p.otherLearner.learnerId);
    expect(rank(p.otherLearner.learnerId).ranked.map((r) => r.programme.title)).toEqual(['At the other facility']);
  });

  // Was a bug, fixed (ranking.ts rankProgrammes, `left = programme.seats - programme.seatsTaken`): a seat on
  // offer to a waiting learner is reserved (placeLearner refuses everyone else with
  // placement.full), but the ranking counts it as free and says canEnrol: true.
  test('a seat on offer to someone else is not a free seat', () => {
    const g = programme({ seats: 1 });
    const holder = enrolOk(learner(), g.id);
    const first = learner();
    waitOk(first, g.id);
    expect(endPlacementByStaff(p.db, p.educationStaff.user, holder.id, 'withdrawn', 'Atteicās', NOW).ok).toBe(true);
    // The offered learner can take the seat.
    expect(entry(rank(first), g.id).canEnrol).toBe(true);
    const outsider = learner();
    const r = placeLearner(p.db, p.educationStaff.user, outsider, g.id, 'enrol', { now: NOW });
    expect(r.ok ? 'ok' : r.code).toBe('placement.full');
    // The ranking must agree with placeLearner.
    expect(entry(rank(outsider), g.id).canEnrol).toBe(false);
  });
});
