import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import type { Answer } from '../../../src/lib/server/learning/grading.ts';
import { learnerListColumns } from '../../../src/lib/server/learning/learner-columns.ts';
import { learnerStudy } from '../../../src/lib/server/learning/learner-study.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { submitQuizAttempt } from '../../../src/lib/server/learning/quiz-attempts.ts';
import { createCoursesDir, SAMPLE, samplePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, grantFacility, type Prison } from '../../helpers/fixture.ts';
import { enrol, installPackage, type InstalledCourse } from '../../helpers/learning.ts';

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

const RIGHT: Answer[] = [
  { type: 'single', option: 1 },
  { type: 'multiple', options: [0, 1, 3] },
  { type: 'truefalse', value: false },
  { type: 'short', text: 'ceturtdaļa' },
  { type: 'order', positions: [1, 2, 3] },
];
const WRONG: Answer[] = [{ type: 'single', option: 0 }];
const learner = () => p.learner.learnerId;
const install = (id: string) => installPackage(p.db, courses.dir, samplePackage(id));
const quiz = (c: InstalledCourse, answers: Answer[]) => {
  // A wrong try answers one question only: the learner chose to submit it anyway.
  const item = c.item(SAMPLE.quiz);
  const r = submitQuizAttempt(p.db, learner(), c.course, item, answers, new Date(), item.versionId, true);
  if (!r.ok) throw new Error(r.code);
};
/** Active time as the heartbeats store it. */
const spend = (c: InstalledCourse, key: string, seconds: number, at: string) =>
  stmt(p.db, 'INSERT INTO time_on_task (learner_id, item_id, seconds, last_active_at) VALUES (?, ?, ?, ?)').run(learner(), c.item(key).id, seconds, at);

describe('the learner page: what the learner is studying', () => {
  test('a learner mid-course in one course and begun outside any enrolment in another: both shown with percent, time, last activity and best quiz score', () => {
    const fractions = install('fractions');
    const money = install('money');
    enrol(p.db, learner(), fractions.course.id);
    markLessonDone(p.db, learner(), fractions.course, fractions.item(SAMPLE.lesson1));
    quiz(fractions, WRONG);
    quiz(fractions, RIGHT);
    spend(fractions, SAMPLE.lesson1, 5400, '2026-11-20T10:00:00.000Z');
    // Money was begun (time on a lesson) but the learner is not enrolled in it now.
    spend(money, SAMPLE.lesson1, 600, '2026-10-01T09:00:00.000Z');

    const studies = learnerStudy(p.db, p.educationStaff.user, learner())!;
    expect(studies.map((s) => [s.course.id, s.enrolmentStatus])).toEqual([
      ['fractions', 'enrolled'],
      ['money', null],
    ]);
    const [f, m] = studies;
    // Lesson 1 and the quiz of three counted items (the optional lesson does not count).
    expect(f).toMatchObject({ percent: 66, countedDone: 2, countedTotal: 3, seconds: 5400 });
    // The last activity is the newest of the learner's records (the quiz attempts were just now).
    expect(Date.parse(f!.lastActivityAt!)).toBeGreaterThan(Date.parse('2026-11-20T10:00:00.000Z'));
    expect(f!.tests).toEqual([{ itemId: fractions.item(SAMPLE.quiz).id, title: fractions.item(SAMPLE.quiz).title, kind: 'quiz', bestPercent: 100, attempts: 2, state: 'passed' }]);
    expect(m).toMatchObject({ percent: 0, seconds: 600, lastActivityAt: '2026-10-01T09:00:00.000Z', tests: [] });
  });

  test('H5P activity results are listed with their best score', () => {
    const fractions = install('fractions');
    enrol(p.db, learner(), fractions.course.id);
    const item = fractions.item(SAMPLE.lesson2);
    // As the player's statements are stored (h5p-results.ts); the content row is not what this test is about.
    p.db.pragma('foreign_keys = OFF');
    for (const [percent, passed] of [[40, 0], [75, 1]] as const) {
      stmt(
        p.db,
        `INSERT INTO h5p_result (learner_id, item_id, version_id, content_id, attempt_key, verb, raw, max, percent, passed, status, statement_json, received_at)
         VALUES (?, ?, ?, 1, ?, 'completed', ?, 100, ?, ?, 'scored', '{}', '2026-11-21T08:00:00.000Z')`,
      ).run(learner(), item.id, item.versionId, `k${percent}`, percent, percent, passed);
    }
    p.db.pragma('foreign_keys = ON');
    const [f] = learnerStudy(p.db, p.educationStaff.user, learner())!;
    expect(f!.tests).toEqual([{ itemId: item.id, title: item.title, kind: 'activity', bestPercent: 75, attempts: 2, state: 'failed' }]);
  });

  test('a waiting-list place is not a course being studied; no course at all is an empty list', () => {
    const fractions = install('fractions');
    stmt(p.db, "INSERT INTO enrolment (learner_id, course_id, status, enrolled_at, status_at) VALUES (?, ?, 'waitlisted', ?, ?)").run(learner(), fractions.course.id, 'x', 'x');
    expect(learnerStudy(p.db, p.educationStaff.user, learner())).toEqual([]);
  });

  test("another prison's staff cannot read the learner's study (looks missing)", () => {
    const fractions = install('fractions');
    enrol(p.db, learner(), fractions.course.id);
    expect(learnerStudy(p.db, p.otherEducationStaff.user, learner())).toBeNull();
    expect(learnerStudy(p.db, p.educationStaff.user, 999_999)).toBeNull();
  });
});

describe('the learner list: courses, average progress, last consultation', () => {
  const consult = (learnerId: number, facilityId: number, on: string) =>
    stmt(p.db, "INSERT INTO consultation (learner_id, facility_id, kind, held_on, mode, created_at) VALUES (?, ?, 'career', ?, 'in_person', ?)").run(learnerId, facilityId, on, on);

  test('counts the courses, averages their progress (a completed one as 100) and gives the last consultation date', () => {
    const fractions = install('fractions');
    const money = install('money');
    enrol(p.db, learner(), fractions.course.id);
    enrol(p.db, learner(), money.course.id);
    markLessonDone(p.db, learner(), fractions.course, fractions.item(SAMPLE.lesson1));
    quiz(fractions, RIGHT);
    consult(learner(), p.facilityA.id, '2026-03-02');
    consult(learner(), p.facilityA.id, '2026-09-14');
    const columns = learnerListColumns(p.db, p.educationStaff.user, [learner(), p.formerLearner.learnerId]);
    // Fractions 2 of 3 counted items (66 %), money 0 %: average 33 %.
    expect(columns.get(learner())).toEqual({ courses: 2, averagePercent: 33, lastConsultationOn: '2026-09-14' });
    expect(columns.get(p.formerLearner.learnerId)).toEqual({ courses: 0, averagePercent: null, lastConsultationOn: null });
    // The same figure as the learner page for a course (no quiz kept-last subtleties here).
    expect(learnerStudy(p.db, p.educationStaff.user, learner())!.find((s) => s.course.id === 'fractions')!.percent).toBe(66);

    stmt(p.db, "INSERT INTO course_completion (learner_id, course_id, completed_at, evidence_json) VALUES (?, 'money', '2026-11-01T00:00:00Z', '{}')").run(learner());
    expect(learnerListColumns(p.db, p.educationStaff.user, [learner()]).get(learner())?.averagePercent).toBe(83);
  });

  test("the whole page is one query, however many learners, and another prison's learner is left out", () => {
    const fractions = install('fractions');
    enrol(p.db, p.otherLearner.learnerId, fractions.course.id);
    consult(p.otherLearner.learnerId, p.facilityB.id, '2026-05-05');
    // Every statement execution of better-sqlite3 goes through these prototype methods.
    const proto = Object.getPrototypeOf(p.db.prepare('SELECT 1')) as Record<'all' | 'get' | 'run' | 'iterate', (...a: unknown[]) => unknown>;
    const spies = (['all', 'get', 'run', 'iterate'] as const).map((m) => vi.spyOn(proto, m));
    const columns = learnerListColumns(p.db, p.educationStaff.user, [learner(), p.otherLearner.learnerId, p.formerLearner.learnerId]);
    const executed = spies.reduce((n, spy) => n + spy.mock.calls.length, 0);
    spies.forEach((spy) => spy.mockRestore());
    expect(executed).toBe(1);
    expect([...columns.keys()].sort()).toEqual([learner(), p.formerLearner.learnerId].sort());
    // Granted the other prison, the same staff member sees that learner's columns.
    const granted = grantFacility(p.db, p.educationStaff, p.facilityB.id);
    expect(learnerListColumns(p.db, granted, [p.otherLearner.learnerId]).get(p.otherLearner.learnerId)).toEqual({
      courses: 1,
      averagePercent: 0,
      lastConsultationOn: '2026-05-05',
    });
  });
});
