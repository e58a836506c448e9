import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import type { Answer } from '../../../src/lib/server/learning/grading.ts';
import { getCourseProgress } from '../../../src/lib/server/learning/progress.ts';
import { attemptsLeft, getAttempt, listAttempts, submitQuizAttempt, type SubmitResult } from '../../../src/lib/server/learning/quiz-attempts.ts';
import { createCoursesDir, quizOf, SAMPLE, samplePackage, type CoursePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
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

// The sample quiz: 6 points, pass mark 60 %, 2 attempts, keep best.
const RIGHT: Answer[] = [
  { type: 'single', option: 1 },
  { type: 'multiple', options: [0, 1, 3] },
  { type: 'truefalse', value: false },
  { type: 'short', text: 'ceturtdaļa' },
  { type: 'order', positions: [1, 2, 3] },
];
/** Only the true/false question right: 1 of 6 points. */
const WRONG: Answer[] = [
  { type: 'single', option: 0 },
  { type: 'multiple', options: [2] },
  { type: 'truefalse', value: false },
  { type: 'short', text: 'trešdaļa' },
  { type: 'order', positions: [3, 2, 1] },
];

function setUp(edit: (pkg: CoursePackage) => void = () => {}): InstalledCourse {
  const pkg = samplePackage();
  edit(pkg);
  const installed = installPackage(p.db, courses.dir, pkg);
  enrol(p.db, p.learner.learnerId, installed.course.id);
  return installed;
}

function submit(c: InstalledCourse, answers: Answer[], learnerId = p.learner.learnerId) {
  return submitQuizAttempt(p.db, learnerId, c.course, c.item(SAMPLE.quiz), answers);
}

function accepted(r: SubmitResult) {
  if (!r.ok) throw new Error(r.code);
  return r.attempt;
}

const quizState = (c: InstalledCourse) => getCourseProgress(p.db, p.learner.learnerId, c.course).items.find((i) => i.key === SAMPLE.quiz)!;

describe('attempt limits', () => {
  test('a learner gets as many attempts as the quiz allows, and no more', () => {
    const c = setUp();
    expect(accepted(submit(c, WRONG))).toMatchObject({ score: 1, maxScore: 6, percent: 16.7, passed: false });
    expect(accepted(submit(c, WRONG)).passed).toBe(false);
    expect(submit(c, RIGHT)).toEqual({ ok: false, code: 'quiz.noAttemptsLeft' });
    expect(listAttempts(p.db, p.learner.learnerId, c.item(SAMPLE.quiz).id)).toHaveLength(2);
  });

  test("another learner's attempts do not use up mine", () => {
    const c = setUp();
    enrol(p.db, p.otherLearner.learnerId, c.course.id);
    submit(c, WRONG, p.otherLearner.learnerId);
    submit(c, WRONG, p.otherLearner.learnerId);
    expect(accepted(submit(c, RIGHT)).passed).toBe(true);
  });

  test('attempts: 0 means no limit', () => {
    const c = setUp((pkg) => (quizOf(pkg).attempts = 0));
    for (let i = 0; i < 6; i++) expect(submit(c, WRONG).ok).toBe(true);
    expect(attemptsLeft({ attempts: 0 }, 1000)).toBe(Infinity);
    expect(attemptsLeft({ attempts: 3 }, 1)).toBe(2);
    expect(attemptsLeft({ attempts: 3 }, 5)).toBe(0);
  });

  test('a lesson cannot be submitted as a quiz', () => {
    const c = setUp();
    expect(submitQuizAttempt(p.db, p.learner.learnerId, c.course, c.item(SAMPLE.lesson1), RIGHT)).toEqual({ ok: false, code: 'quiz.notAQuiz' });
  });
});

describe('which attempt counts', () => {
  test('keep best: a failed retry does not take away a pass', () => {
    const c = setUp((pkg) => (quizOf(pkg).keep = 'best'));
    submit(c, RIGHT);
    submit(c, WRONG);
    expect(quizState(c)).toMatchObject({ state: 'passed', attempts: 2, keptPercent: 100 });
  });

  test('keep best: a pass after a fail counts', () => {
    const c = setUp((pkg) => (quizOf(pkg).keep = 'best'));
    submit(c, WRONG);
    expect(quizState(c)).toMatchObject({ state: 'failed', attempts: 1, keptPercent: 16.7 });
    submit(c, RIGHT);
    expect(quizState(c)).toMatchObject({ state: 'passed', attempts: 2, keptPercent: 100 });
  });

  test('keep last: the latest attempt decides, even when it is worse', () => {
    const c = setUp((pkg) => (quizOf(pkg).keep = 'last'));
    submit(c, RIGHT);
    expect(quizState(c)).toMatchObject({ state: 'passed', keptPercent: 100 });
    submit(c, WRONG);
    expect(quizState(c)).toMatchObject({ state: 'failed', attempts: 2, keptPercent: 16.7 });
  });

  test('before any attempt the quiz is still to do', () => {
    const c = setUp();
    expect(quizState(c)).toMatchObject({ state: 'todo', attempts: 0, keptPercent: null });
  });
});

describe('grading on the server against the stored version', () => {
  test('the stored attempt holds the answers, the per-question result and the version it was graded against', () => {
    const c = setUp();
    const attempt = accepted(submit(c, WRONG));
    expect(attempt.versionId).toBe(c.item(SAMPLE.quiz).versionId);
    expect(attempt.answers).toEqual(WRONG);
    expect(attempt.result.questions.map((q) => q.correct)).toEqual([false, false, true, false, false]);
    expect(getAttempt(p.db, p.learner.learnerId, attempt.id)).toEqual(attempt);
    // Nobody else reads it through the learner's lookup.
    expect(getAttempt(p.db, p.otherLearner.learnerId, attempt.id)).toBeNull();
  });

  test('an attempt made on version 1 keeps its score after the teacher changes the answer key', () => {
    const v1 = setUp();
    const before = accepted(submit(v1, RIGHT));
    expect(before).toMatchObject({ score: 6, percent: 100, passed: true });

    const pkg = samplePackage();
    quizOf(pkg).questions[0].answer = '20'; // the key of question 1 changes
    const v2 = installPackage(p.db, courses.dir, pkg);
    expect(v2.item(SAMPLE.quiz).id).toBe(v1.item(SAMPLE.quiz).id);
    expect(v2.item(SAMPLE.quiz).versionId).not.toBe(before.versionId);

    // The same answers are now graded against version 2.
    const after = accepted(submit(v2, RIGHT));
    expect(after).toMatchObject({ score: 5, percent: 83.3, versionId: v2.item(SAMPLE.quiz).versionId });
    const stored = listAttempts(p.db, p.learner.learnerId, v2.item(SAMPLE.quiz).id);
    expect(stored.map((a) => [a.versionId, a.score, a.percent])).toEqual([
      [before.versionId, 6, 100],
      [after.versionId, 5, 83.3],
    ]);
    expect(quizState(v2)).toMatchObject({ state: 'passed', keptPercent: 100 });
  });

  test('a double submit cannot exceed the limit (the check and the insert are one transaction)', () => {
    const c = setUp((pkg) => (quizOf(pkg).attempts = 1));
    const results = [submit(c, RIGHT), submit(c, RIGHT)];
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(stmt(p.db, 'SELECT count(*) FROM quiz_attempt').pluck().get()).toBe(1);
  });
});

describe('a quiz edited while a learner answers it', () => {
  test('answers to the old version are not graded against the new one, and use no attempt', () => {
    const c = setUp();
    const shownVersion = c.item(SAMPLE.quiz).versionId;
    const pkg = samplePackage();
    quizOf(pkg).questions[0].prompt = 'Cik ir puse no 8?';
    const updated = installPackage(p.db, courses.dir, pkg);
    const result = submitQuizAttempt(p.db, p.learner.learnerId, updated.course, updated.item(SAMPLE.quiz), RIGHT, new Date(), shownVersion);
    expect(result).toEqual({ ok: false, code: 'quiz.changed' });
    expect(listAttempts(p.db, p.learner.learnerId, updated.item(SAMPLE.quiz).id)).toHaveLength(0);
  });
});
