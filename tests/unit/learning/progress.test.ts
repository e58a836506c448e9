import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAudit } from '../../../src/lib/server/audit.ts';
import { stmt } from '../../../src/lib/server/db.ts';
import { getStudyEnrolment } from '../../../src/lib/server/learning/enrolments.ts';
import type { Answer } from '../../../src/lib/server/learning/grading.ts';
import { counts, getCourseProgress } from '../../../src/lib/server/learning/progress.ts';
import { markLessonDone, recordCompletionIfDue } from '../../../src/lib/server/learning/course-completed.ts';
import { submitQuizAttempt } from '../../../src/lib/server/learning/quiz-attempts.ts';
import { courseOverview, openCourse } from '../../../src/lib/server/learning/study.ts';
import { TimeOnTask } from '../../../src/lib/server/learning/time-on-task.ts';
import { createCoursesDir, manifestOf, SAMPLE, samplePackage, type CoursePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { auditActions, createPrison, type Prison } from '../../helpers/fixture.ts';
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

/** The sample course (lessons 1 and 2 required, a quiz, an optional lesson) with the learner enrolled. */
function setUp(passRules: Record<string, unknown> = {}): InstalledCourse {
  const pkg: CoursePackage = samplePackage();
  Object.assign(manifestOf(pkg).passRules, passRules);
  const installed = installPackage(p.db, courses.dir, pkg);
  enrol(p.db, learner(), installed.course.id);
  return installed;
}
const learner = () => p.learner.learnerId;
const done = (c: InstalledCourse, key: string) => markLessonDone(p.db, learner(), c.course, c.item(key));
const quiz = (c: InstalledCourse, answers: Answer[]) => {
  // The learner confirmed any unanswered questions (the quiz page asks first).
  const r = submitQuizAttempt(p.db, learner(), c.course, c.item(SAMPLE.quiz), answers, new Date(), undefined, true);
  if (!r.ok) throw new Error(r.code);
  return r.courseCompleted;
};
const progress = (c: InstalledCourse) => getCourseProgress(p.db, learner(), c.course);
const completions = () => stmt(p.db, 'SELECT count(*) FROM course_completion').pluck().get() as number;

describe('"My learning": percent and the Continue button', () => {
  test('a new learner starts at 0 % with Continue on the first lesson', () => {
    const c = setUp();
    expect(progress(c)).toMatchObject({ percent: 0, countedDone: 0, countedTotal: 3, nextItemId: c.item(SAMPLE.lesson1).id, complete: false, completedAt: null });
  });

  test('each finished item moves the percent and Continue to the next unfinished item in order', () => {
    const c = setUp();
    done(c, SAMPLE.lesson1);
    expect(progress(c)).toMatchObject({ percent: 33, nextItemId: c.item(SAMPLE.lesson2).id });
    done(c, SAMPLE.lesson2);
    expect(progress(c)).toMatchObject({ percent: 66, nextItemId: c.item(SAMPLE.quiz).id });
    quiz(c, WRONG);
    // A failed quiz is not finished: Continue stays on it.
    expect(progress(c)).toMatchObject({ percent: 66, nextItemId: c.item(SAMPLE.quiz).id });
    quiz(c, RIGHT);
    // Everything that counts is done; the optional lesson is still offered.
    expect(progress(c)).toMatchObject({ percent: 100, nextItemId: c.item(SAMPLE.optionalLesson).id });
    done(c, SAMPLE.optionalLesson);
    expect(progress(c).nextItemId).toBeNull();
  });

  test('Continue goes back to a lesson that was skipped', () => {
    const c = setUp();
    done(c, SAMPLE.lesson2);
    expect(progress(c)).toMatchObject({ percent: 33, nextItemId: c.item(SAMPLE.lesson1).id });
  });

  test('marking a lesson done twice keeps the first time', () => {
    const c = setUp();
    markLessonDone(p.db, learner(), c.course, c.item(SAMPLE.lesson1), new Date('2026-02-01T10:00:00Z'));
    markLessonDone(p.db, learner(), c.course, c.item(SAMPLE.lesson1), new Date('2026-02-02T10:00:00Z'));
    expect(stmt(p.db, 'SELECT done_at FROM lesson_progress').pluck().all()).toEqual(['2026-02-01T10:00:00.000Z']);
  });

  test('only lessons of the course can be marked done', () => {
    const c = setUp();
    expect(() => markLessonDone(p.db, learner(), c.course, c.item(SAMPLE.quiz))).toThrow();
    const other = installPackage(p.db, courses.dir, samplePackage('second-course'));
    expect(() => markLessonDone(p.db, learner(), c.course, other.item(SAMPLE.lesson1))).toThrow();
  });
});

describe('pass rules', () => {
  test("lessons: 'required' (the default) leaves optional lessons out", () => {
    const c = setUp({ lessons: 'required' });
    expect(progress(c).items.map((i) => [i.key, i.counts])).toEqual([
      [SAMPLE.lesson1, true],
      [SAMPLE.lesson2, true],
      [SAMPLE.quiz, true],
      [SAMPLE.optionalLesson, false],
    ]);
    done(c, SAMPLE.lesson1);
    done(c, SAMPLE.lesson2);
    expect(quiz(c, RIGHT)).toBe(true);
  });

  test("lessons: 'all' needs the optional lesson too", () => {
    const c = setUp({ lessons: 'all' });
    done(c, SAMPLE.lesson1);
    done(c, SAMPLE.lesson2);
    expect(quiz(c, RIGHT)).toBe(false);
    expect(progress(c)).toMatchObject({ countedTotal: 4, percent: 75, complete: false });
    expect(done(c, SAMPLE.optionalLesson)).toBe(true);
  });

  test('quizzes: true needs every quiz passed, a failed one is not enough', () => {
    const c = setUp({ quizzes: true });
    quiz(c, WRONG);
    done(c, SAMPLE.lesson1);
    expect(done(c, SAMPLE.lesson2)).toBe(false);
    expect(progress(c).evidence).toMatchObject({ lessonsDone: 2, lessonsRequired: 2, quizzesPassed: 0, quizzesRequired: 1 });
  });

  test('quizzes: false makes quizzes practice only', () => {
    const c = setUp({ quizzes: false });
    done(c, SAMPLE.lesson1);
    expect(done(c, SAMPLE.lesson2)).toBe(true);
    expect(progress(c)).toMatchObject({ countedTotal: 2, percent: 100, complete: true });
  });

  test('counts() tells which items count under the rules', () => {
    const rules = (lessons: 'all' | 'required', quizzes: boolean) => ({ lessons, quizzes, minHours: 0 });
    expect(counts({ kind: 'lesson', required: false }, rules('required', true))).toBe(false);
    expect(counts({ kind: 'lesson', required: false }, rules('all', true))).toBe(true);
    expect(counts({ kind: 'lesson', required: true }, rules('required', false))).toBe(true);
    expect(counts({ kind: 'quiz', required: true }, rules('all', false))).toBe(false);
  });

  test('minHours: completion waits for enough active time, then the course page records it', () => {
    const c = setUp({ minHours: 0.01 }); // 36 seconds
    done(c, SAMPLE.lesson1);
    done(c, SAMPLE.lesson2);
    expect(quiz(c, RIGHT)).toBe(false);
    expect(progress(c)).toMatchObject({ percent: 100, complete: false, completedAt: null });

    // 40 seconds on a lesson arrive in a later batch of heartbeats.
    const time = new TimeOnTask();
    const t0 = Date.parse('2026-02-03T09:00:00Z');
    time.start('s', learner(), c.item(SAMPLE.lesson1).id, t0);
    time.beat('s', learner(), c.item(SAMPLE.lesson1).id, t0 + 40_000);
    time.flush(p.db, t0 + 40_000, true);
    expect(progress(c)).toMatchObject({ seconds: 40, complete: true, completedAt: null });

    const context = openCourse(p.db, p.learner.user, c.course.id)!;
    const overview = courseOverview(p.db, context);
    expect(overview.completedAt).not.toBeNull();
    expect(getStudyEnrolment(p.db, learner(), c.course.id)?.status).toBe('completed');
    expect(JSON.parse(stmt(p.db, 'SELECT evidence_json FROM course_completion').pluck().get() as string)).toMatchObject({ seconds: 40, minHours: 0.01 });
  });
});

describe('completion', () => {
  test('is recorded once, with its evidence; the enrolment becomes completed and the completion is audited', () => {
    const c = setUp();
    done(c, SAMPLE.lesson1);
    quiz(c, RIGHT);
    expect(completions()).toBe(0);
    const at = new Date('2026-03-01T12:00:00Z');
    expect(markLessonDone(p.db, learner(), c.course, c.item(SAMPLE.lesson2), at)).toBe(true);

    const row = stmt(p.db, 'SELECT learner_id, course_id, completed_at, evidence_json FROM course_completion').get() as Record<string, unknown>;
    expect(row).toMatchObject({ learner_id: learner(), course_id: 'test-course', completed_at: at.toISOString() });
    expect(JSON.parse(row.evidence_json as string)).toEqual({
      lessonsDone: 2,
      lessonsRequired: 2,
      quizzesPassed: 1,
      quizzesRequired: 1,
      seconds: 0,
      minHours: 0,
    });
    expect(getStudyEnrolment(p.db, learner(), c.course.id)).toMatchObject({ status: 'completed', statusAt: at.toISOString() });
    expect(progress(c).completedAt).toBe(at.toISOString());
    const entry = listAudit(p.db, { action: 'learning.courseCompleted' }).entries;
    expect(entry).toHaveLength(1);
    expect(entry[0]).toMatchObject({
      targetType: 'learner',
      targetId: String(learner()),
      facilityId: p.facilityA.id,
      details: { courseId: 'test-course', evidence: expect.objectContaining({ lessonsDone: 2 }) },
    });

    // Later steps (reviewing, the optional lesson, another attempt) do not complete it again.
    expect(done(c, SAMPLE.optionalLesson)).toBe(false);
    expect(quiz(c, RIGHT)).toBe(false);
    expect(p.db.transaction(() => recordCompletionIfDue(p.db, learner(), c.course)).immediate()).toBe(false);
    expect(completions()).toBe(1);
    expect(auditActions(p.db).filter((a) => a === 'learning.courseCompleted')).toHaveLength(1);
  });

  test("one learner's completion is not another's", () => {
    const c = setUp();
    enrol(p.db, p.otherLearner.learnerId, c.course.id);
    done(c, SAMPLE.lesson1);
    done(c, SAMPLE.lesson2);
    quiz(c, RIGHT);
    expect(getCourseProgress(p.db, p.otherLearner.learnerId, c.course)).toMatchObject({ percent: 0, complete: false, completedAt: null });
    expect(getStudyEnrolment(p.db, p.otherLearner.learnerId, c.course.id)?.status).toBe('enrolled');
  });
});
