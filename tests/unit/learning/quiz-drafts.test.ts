import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import { deleteQuizDraft, draftInputSchema, loadQuizDraft, saveQuizDraft } from '../../../src/lib/server/learning/quiz-drafts.ts';
import { submitQuizAttempt } from '../../../src/lib/server/learning/quiz-attempts.ts';
import { createCoursesDir, SAMPLE, samplePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { enrol, installPackage, type InstalledCourse } from '../../helpers/learning.ts';

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
let c: InstalledCourse;
beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  c = installPackage(p.db, courses.dir, samplePackage());
  enrol(p.db, p.learner.learnerId, c.course.id);
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

// The sample quiz: single, multiple, true/false, short answer, ordering (3 items).
const HALF_DONE = { q0: ['1'], q1: ['0', '3'], q3: ['ceturt'], q4_0: ['2'] };

describe('quiz drafts', () => {
  test('answers typed but not submitted come back as the grader reads them; fields not answered stay empty', () => {
    const quiz = c.item(SAMPLE.quiz);
    expect(loadQuizDraft(p.db, p.learner.learnerId, quiz)).toBeNull();
    expect(saveQuizDraft(p.db, p.learner.learnerId, quiz, quiz.versionId, HALF_DONE)).toBe(true);
    expect(loadQuizDraft(p.db, p.learner.learnerId, quiz)).toEqual([
      { type: 'single', option: 1 },
      { type: 'multiple', options: [0, 3] },
      { type: 'truefalse', value: null },
      { type: 'short', text: 'ceturt' },
      { type: 'order', positions: [2, null, null] },
    ]);
  });

  test('a later save replaces the earlier one', () => {
    const quiz = c.item(SAMPLE.quiz);
    saveQuizDraft(p.db, p.learner.learnerId, quiz, quiz.versionId, HALF_DONE);
    saveQuizDraft(p.db, p.learner.learnerId, quiz, quiz.versionId, { q2: ['false'] });
    expect(loadQuizDraft(p.db, p.learner.learnerId, quiz)?.slice(0, 3)).toEqual([
      { type: 'single', option: null },
      { type: 'multiple', options: [] },
      { type: 'truefalse', value: false },
    ]);
    expect(stmt(p.db, 'SELECT count(*) FROM quiz_draft').pluck().get()).toBe(1);
  });

  test('forged values are read like a forged form: out-of-range options are dropped', () => {
    const quiz = c.item(SAMPLE.quiz);
    saveQuizDraft(p.db, p.learner.learnerId, quiz, quiz.versionId, { q0: ['99'], q1: ['1', '7', 'x'], q4_0: ['9'] });
    const answers = loadQuizDraft(p.db, p.learner.learnerId, quiz)!;
    expect(answers[0]).toEqual({ type: 'single', option: null });
    expect(answers[1]).toEqual({ type: 'multiple', options: [1] });
    expect(answers[4]).toEqual({ type: 'order', positions: [null, null, null] });
  });

  test('a draft of another version of the quiz, or of a lesson, is not saved; an old version\'s draft is not offered', () => {
    const quiz = c.item(SAMPLE.quiz);
    expect(saveQuizDraft(p.db, p.learner.learnerId, quiz, quiz.versionId + 1000, HALF_DONE)).toBe(false);
    const lesson = c.item(SAMPLE.lesson1);
    expect(saveQuizDraft(p.db, p.learner.learnerId, lesson, lesson.versionId, HALF_DONE)).toBe(false);
    expect(stmt(p.db, 'SELECT count(*) FROM quiz_draft').pluck().get()).toBe(0);

    saveQuizDraft(p.db, p.learner.learnerId, quiz, quiz.versionId, HALF_DONE);
    expect(loadQuizDraft(p.db, p.learner.learnerId, { id: quiz.id, versionId: quiz.versionId + 1 })).toBeNull();
  });

  test('each learner sees only their own draft', () => {
    const quiz = c.item(SAMPLE.quiz);
    saveQuizDraft(p.db, p.learner.learnerId, quiz, quiz.versionId, HALF_DONE);
    expect(loadQuizDraft(p.db, p.otherLearner.learnerId, quiz)).toBeNull();
  });

  test('submitting the quiz removes the draft; deleting it by hand does too', () => {
    const quiz = c.item(SAMPLE.quiz);
    saveQuizDraft(p.db, p.learner.learnerId, quiz, quiz.versionId, HALF_DONE);
    const answers = loadQuizDraft(p.db, p.learner.learnerId, quiz)!;
    // Half done: the learner confirmed sending with unanswered questions.
    expect(submitQuizAttempt(p.db, p.learner.learnerId, c.course, quiz, answers, new Date(), undefined, true).ok).toBe(true);
    expect(loadQuizDraft(p.db, p.learner.learnerId, quiz)).toBeNull();

    saveQuizDraft(p.db, p.learner.learnerId, quiz, quiz.versionId, HALF_DONE);
    deleteQuizDraft(p.db, p.learner.learnerId, quiz.id);
    expect(loadQuizDraft(p.db, p.learner.learnerId, quiz)).toBeNull();
  });

  test('the request schema refuses field names that are not quiz fields', () => {
    const base = { courseId: 'x', itemId: 1, version: 1 };
    expect(draftInputSchema.safeParse({ ...base, fields: HALF_DONE }).success).toBe(true);
    expect(draftInputSchema.safeParse({ ...base, fields: { csrf: ['x'] } }).success).toBe(false);
    expect(draftInputSchema.safeParse({ ...base, fields: { q0: 'not a list' } }).success).toBe(false);
  });
});
