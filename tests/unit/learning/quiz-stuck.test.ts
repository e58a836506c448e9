import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAudit } from '../../../src/lib/server/audit.ts';
import { stmt } from '../../../src/lib/server/db.ts';
import type { SessionUser } from '../../../src/lib/server/session.ts';
import type { Answer } from '../../../src/lib/server/learning/grading.ts';
import { allowOneMoreTry } from '../../../src/lib/server/learning/extra-tries.ts';
import { getGradebook } from '../../../src/lib/server/learning/gradebook.ts';
import { listAttempts, quizTries, submitQuizAttempt } from '../../../src/lib/server/learning/quiz-attempts.ts';
import { teacherAttention } from '../../../src/lib/server/learning/teacher-attention.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { createCoursesDir, SAMPLE, samplePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { assignTeacher, enrol, installPackage, type InstalledCourse } from '../../helpers/learning.ts';

/**
 * Issue 19: a learner can never get stuck on a quiz for good. An empty
 * submission is refused and uses no try; a partly answered one asks first;
 * a teacher of the course (and only they) allows one more try, audited.
 */

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
let c: InstalledCourse;
beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  // The sample quiz: 5 questions, 6 points, pass mark 60 %, 2 tries.
  c = installPackage(p.db, courses.dir, samplePackage('test-course'));
  assignTeacher(p.db, c.course.id, p.teacher.user.id);
  enrol(p.db, p.learner.learnerId, c.course.id);
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

const NOTHING: Answer[] = [
  { type: 'single', option: null },
  { type: 'multiple', options: [] },
  { type: 'truefalse', value: null },
  { type: 'short', text: '   ' },
  { type: 'order', positions: [null, null, null] },
];
const RIGHT: Answer[] = [
  { type: 'single', option: 1 },
  { type: 'multiple', options: [0, 1, 3] },
  { type: 'truefalse', value: false },
  { type: 'short', text: 'ceturtdaļa' },
  { type: 'order', positions: [1, 2, 3] },
];
/** Only the true/false question right. */
const WRONG: Answer[] = [
  { type: 'single', option: 0 },
  { type: 'multiple', options: [2] },
  { type: 'truefalse', value: false },
  { type: 'short', text: 'trešdaļa' },
  { type: 'order', positions: [3, 2, 1] },
];
/** Two questions answered, three left blank. */
const HALF: Answer[] = [RIGHT[0]!, RIGHT[1]!, NOTHING[2]!, NOTHING[3]!, NOTHING[4]!];

const quiz = () => c.item(SAMPLE.quiz);
const submit = (answers: Answer[], confirm = false) => submitQuizAttempt(p.db, p.learner.learnerId, c.course, quiz(), answers, new Date(), undefined, confirm);
const tries = () => quizTries(p.db, p.learner.learnerId, quiz(), { attempts: 2 });
const useUpTries = () => {
  expect(submit(WRONG).ok).toBe(true);
  expect(submit(WRONG).ok).toBe(true);
  expect(submit(RIGHT)).toEqual({ ok: false, code: 'quiz.noAttemptsLeft' });
};

describe('an empty submission', () => {
  test('is refused and uses no try, however often it is sent', () => {
    for (let i = 0; i < 3; i++) expect(submit(NOTHING)).toEqual({ ok: false, code: 'quiz.empty' });
    // Even "send anyway" does not turn nothing into a try.
    expect(submit(NOTHING, true)).toEqual({ ok: false, code: 'quiz.empty' });
    expect(submit([])).toEqual({ ok: false, code: 'quiz.empty' });
    expect(listAttempts(p.db, p.learner.learnerId, quiz().id)).toHaveLength(0);
    expect(tries()).toEqual({ used: 0, allowed: 2, left: 2 });
    expect(submit(RIGHT).ok).toBe(true);
  });
});

describe('a submission with unanswered questions', () => {
  test('asks first, naming the questions, and counts only once confirmed', () => {
    expect(submit(HALF)).toEqual({ ok: false, code: 'quiz.unansweredConfirm', unanswered: [2, 3, 4] });
    expect(tries().used).toBe(0);
    const confirmed = submit(HALF, true);
    expect(confirmed.ok && confirmed.attempt).toMatchObject({ score: 2, maxScore: 6, passed: false });
    expect(tries()).toEqual({ used: 1, allowed: 2, left: 1 });
  });

  test('a fully answered quiz needs no confirmation', () => {
    expect(submit(WRONG).ok).toBe(true);
  });
});

describe('"allow one more try"', () => {
  test("the course's teacher lets a learner out of tries try once more, audited; the learner then passes", () => {
    useUpTries();
    const book = getGradebook(p.db, p.teacher.user, c.course.id)!;
    expect(book.rows[0]!.help.outOfTries.map((i) => i.id)).toEqual([quiz().id]);
    expect(teacherAttention(p.db, p.teacher.user)[0]!.outOfTries).toMatchObject([{ learnerId: p.learner.learnerId, item: { id: quiz().id } }]);

    const granted = allowOneMoreTry(p.db, p.teacher.user, c.course.id, p.learner.learnerId, quiz().id);
    expect(granted).toEqual({ ok: true, tries: { used: 2, allowed: 3, left: 1 } });
    const [entry] = listAudit(p.db, { action: 'quiz.extraTry' }).entries;
    expect(entry).toMatchObject({
      actorUserId: p.teacher.user.id,
      targetType: 'learner',
      targetId: String(p.learner.learnerId),
      facilityId: p.facilityA.id,
      details: { courseId: c.course.id, itemId: quiz().id, used: 2, allowed: 3 },
    });
    // One try, not a key to unlimited tries: a second click finds nothing to allow.
    expect(allowOneMoreTry(p.db, p.teacher.user, c.course.id, p.learner.learnerId, quiz().id)).toEqual({ ok: false, code: 'quiz.extraTryNotNeeded' });

    const passed = submit(RIGHT);
    expect(passed.ok && passed.attempt.passed).toBe(true);
    expect(getGradebook(p.db, p.teacher.user, c.course.id)!.rows[0]!.help.outOfTries).toEqual([]);
  });

  test('is refused while the learner still has tries', () => {
    expect(allowOneMoreTry(p.db, p.teacher.user, c.course.id, p.learner.learnerId, quiz().id)).toEqual({ ok: false, code: 'quiz.extraTryNotNeeded' });
  });

  test('a teacher of another course or another prison is refused, and nothing is written', () => {
    useUpTries();
    const notTeaching: SessionUser = { ...p.teacher.user };
    stmt(p.db, 'DELETE FROM course_teacher WHERE course_id = ?').run(c.course.id);
    expect(allowOneMoreTry(p.db, notTeaching, c.course.id, p.learner.learnerId, quiz().id)).toEqual({ ok: false, code: 'quiz.extraTryNotFound' });

    // A teacher of this course, but at the other prison: not their learner.
    const otherPrisonTeacherId = Number(
      stmt(p.db, "INSERT INTO user (role, username, display_name, facility_id, secret_hash, preferred_locale, created_at, updated_at) VALUES ('teacher', 'other.teacher', 'Other Teacher', ?, 'x', 'lv', ?, ?)").run(
        p.facilityB.id,
        '2026-01-01T00:00:00Z',
        '2026-01-01T00:00:00Z',
      ).lastInsertRowid,
    );
    assignTeacher(p.db, c.course.id, otherPrisonTeacherId);
    const otherPrison: SessionUser = { ...p.teacher.user, id: otherPrisonTeacherId, username: 'other.teacher', facilityId: p.facilityB.id, facilityIds: [p.facilityB.id] };
    expect(allowOneMoreTry(p.db, otherPrison, c.course.id, p.learner.learnerId, quiz().id)).toEqual({ ok: false, code: 'quiz.extraTryNotFound' });

    // Other roles may not at all, even the prison's education staff.
    expect(allowOneMoreTry(p.db, p.educationStaff.user, c.course.id, p.learner.learnerId, quiz().id)).toEqual({ ok: false, code: 'auth.forbidden' });

    expect(tries()).toEqual({ used: 2, allowed: 2, left: 0 });
    expect(listAudit(p.db, { action: 'quiz.extraTry' }).entries).toHaveLength(0);
  });

  test('a lesson or a quiz of another course is not a quiz to allow a try on', () => {
    assignTeacher(p.db, c.course.id, p.teacher.user.id);
    expect(allowOneMoreTry(p.db, p.teacher.user, c.course.id, p.learner.learnerId, c.item(SAMPLE.lesson1).id)).toEqual({ ok: false, code: 'quiz.extraTryNotFound' });
    const other = installPackage(p.db, courses.dir, samplePackage('other-course'));
    expect(allowOneMoreTry(p.db, p.teacher.user, c.course.id, p.learner.learnerId, other.item(SAMPLE.quiz).id)).toEqual({ ok: false, code: 'quiz.extraTryNotFound' });
  });
});

describe('who needs help', () => {
  test('not started, then stuck after a week without progress, then fine again', () => {
    const row = (now: Date) => getGradebook(p.db, p.teacher.user, c.course.id, {}, now)!.rows[0]!.help;
    const start = new Date('2026-03-02T09:00:00Z');
    expect(row(start)).toMatchObject({ notStarted: true, stuck: false, lastActivityAt: null });
    markLessonDone(p.db, p.learner.learnerId, c.course, c.item(SAMPLE.lesson1), start);
    expect(row(new Date('2026-03-08T09:00:00Z'))).toMatchObject({ notStarted: false, stuck: false });
    const week = new Date('2026-03-09T09:00:00Z');
    expect(row(week)).toMatchObject({ stuck: true, lastActivityAt: start.toISOString() });
    expect(teacherAttention(p.db, p.teacher.user, week)[0]!.stuck).toEqual([{ learnerId: p.learner.learnerId, name: expect.any(String), lastActivityAt: start.toISOString() }]);
  });
});
