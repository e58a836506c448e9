import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import type { SessionUser } from '../../../src/lib/server/session.ts';
import type { Answer } from '../../../src/lib/server/learning/grading.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { getAttempt, listAttempts, submitQuizAttempt, type Attempt, type SubmitResult } from '../../../src/lib/server/learning/quiz-attempts.ts';
import {
  essayFeedback,
  gradeQuizEssay,
  listPendingQuizEssays,
  parseQuizEssayId,
  quizEssayId,
  type GradeEssayResult,
} from '../../../src/lib/server/learning/essays.ts';
import { createCoursesDir, quizOf, SAMPLE, samplePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { auditActions, createPrison, grantFacility, type Prison } from '../../helpers/fixture.ts';
import { assignTeacher, enrol, installPackage, type InstalledCourse } from '../../helpers/learning.ts';

/**
 * Essays in native quizzes: the attempt waits for the teacher, blocks the
 * next attempt, and counts once the teacher of the learner's course and
 * facility has graded it (points and a comment, audited).
 */

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

/** Index of the essay added to the sample quiz (after its 5 questions). */
const ESSAY = 5;
const ESSAY_PROMPT = 'Uzrakstiet, kā Jūs dalītu picu četriem draugiem.';
const GUIDANCE = 'Jāmin ceturtdaļas.';
const ESSAY_TEXT = 'Es sagrieztu picu\nčetrās vienādās daļās.\n\nKatram draugam ceturtdaļa.';

// The sample quiz's 5 questions (6 points) answered right, and wrong (1 point).
const RIGHT: Answer[] = [
  { type: 'single', option: 1 },
  { type: 'multiple', options: [0, 1, 3] },
  { type: 'truefalse', value: false },
  { type: 'short', text: 'ceturtdaļa' },
  { type: 'order', positions: [1, 2, 3] },
];
const WRONG: Answer[] = [
  { type: 'single', option: 0 },
  { type: 'multiple', options: [2] },
  { type: 'truefalse', value: false },
  { type: 'short', text: 'trešdaļa' },
  { type: 'order', positions: [3, 2, 1] },
];
const essay = (text = ESSAY_TEXT): Answer => ({ type: 'essay', text });

/**
 * The sample course with a 4-point essay added to its quiz (10 points, pass
 * mark 60 %: the 6 automatic points alone pass only with the essay graded),
 * the learner enrolled and the fixture's teacher (Olaine) teaching it.
 */
function setUp(extra: Array<Record<string, unknown>> = []): InstalledCourse {
  const pkg = samplePackage();
  quizOf(pkg).questions.push({ type: 'essay', prompt: ESSAY_PROMPT, guidance: GUIDANCE, minWords: 5, maxWords: 60, points: 4 }, ...extra);
  const c = installPackage(p.db, courses.dir, pkg);
  enrol(p.db, p.learner.learnerId, c.course.id);
  assignTeacher(p.db, c.course.id, p.teacher.user.id);
  return c;
}

function submit(c: InstalledCourse, answers: Answer[], learnerId = p.learner.learnerId): SubmitResult {
  return submitQuizAttempt(p.db, learnerId, c.course, c.item(SAMPLE.quiz), answers);
}

function accepted(r: SubmitResult): Attempt {
  if (!r.ok) throw new Error(r.code);
  return r.attempt;
}

function grade(attempt: Attempt, points: number, comment = 'Labi!', actor: SessionUser = p.teacher.user, question = ESSAY): GradeEssayResult {
  return gradeQuizEssay(p.db, actor, attempt.id, question, points, comment);
}

const attemptRow = (id: number) =>
  stmt(p.db, 'SELECT status, score, percent, passed, graded_by, graded_at FROM quiz_attempt WHERE id = ?').get(id) as {
    status: string;
    score: number;
    percent: number;
    passed: number;
    graded_by: number | null;
    graded_at: string | null;
  };
const completions = () => stmt(p.db, 'SELECT count(*) FROM course_completion WHERE learner_id = ?').pluck().get(p.learner.learnerId) as number;

describe('an attempt with an essay waits for the teacher', () => {
  test('it is stored as pending, not passed, with the automatic points only', () => {
    const c = setUp();
    const attempt = accepted(submit(c, [...RIGHT, essay()]));
    expect(attempt).toMatchObject({ status: 'pending', score: 6, maxScore: 10, percent: 60, passed: false });
    expect(attempt.result.pending).toBe(true);
    expect(attempt.result.questions[ESSAY]).toEqual({ correct: false, points: 0, maxPoints: 4, answered: true, pending: true });
    expect(attemptRow(attempt.id)).toMatchObject({ status: 'pending', score: 6, passed: 0, graded_by: null });
    expect(essayFeedback(attempt).get(ESSAY)).toEqual({ state: 'waiting' });
  });

  test('the learner cannot start another attempt of that quiz until it is graded', () => {
    const c = setUp();
    const first = accepted(submit(c, [...WRONG, essay()]));
    expect(submit(c, [...RIGHT, essay()])).toEqual({ ok: false, code: 'essay.waitingForTeacher' });
    expect(listAttempts(p.db, p.learner.learnerId, c.item(SAMPLE.quiz).id)).toHaveLength(1);

    expect(grade(first, 1).ok).toBe(true);
    expect(accepted(submit(c, [...RIGHT, essay()])).status).toBe('pending');
  });

  test("another learner's pending attempt does not block mine", () => {
    const c = setUp();
    enrol(p.db, p.otherLearner.learnerId, c.course.id);
    accepted(submit(c, [...RIGHT, essay()], p.otherLearner.learnerId));
    expect(submit(c, [...RIGHT, essay()]).ok).toBe(true);
  });

  test('an essay outside its word limits is refused at submit, field by field, and uses no attempt', () => {
    const c = setUp();
    expect(submit(c, [...RIGHT, essay('Pārāk īsi.')])).toEqual({
      ok: false,
      code: 'essay.wordLimits',
      problems: [{ question: ESSAY, code: 'essay.tooShort', limit: 5, words: 2 }],
    });
    expect(submit(c, [...RIGHT, essay('vārds '.repeat(61))])).toMatchObject({
      ok: false,
      problems: [{ question: ESSAY, code: 'essay.tooLong', limit: 60, words: 61 }],
    });
    expect(listAttempts(p.db, p.learner.learnerId, c.item(SAMPLE.quiz).id)).toHaveLength(0);
  });

  test('a quiz without essays is graded at once, as before', () => {
    const pkg = samplePackage();
    const c = installPackage(p.db, courses.dir, pkg);
    enrol(p.db, p.learner.learnerId, c.course.id);
    expect(accepted(submit(c, RIGHT))).toMatchObject({ status: 'graded', passed: true, score: 6 });
  });
});

describe('the teacher grades the essay', () => {
  test('the waiting essay is listed with the learner, the question, the guidance and the text as written', () => {
    const c = setUp();
    const attempt = accepted(submit(c, [...RIGHT, essay()]));
    expect(listPendingQuizEssays(p.db, p.teacher.user, c.course.id)).toEqual([
      {
        source: 'quiz',
        id: quizEssayId(attempt.id, ESSAY),
        learnerId: p.learner.learnerId,
        learnerName: 'Bērziņš, Mārtiņš',
        inmateNumber: p.learner.inmateNumber,
        itemId: c.item(SAMPLE.quiz).id,
        itemTitle: c.item(SAMPLE.quiz).title,
        prompt: ESSAY_PROMPT,
        guidance: GUIDANCE,
        response: ESSAY_TEXT,
        maxPoints: 4,
        submittedAt: attempt.submittedAt,
      },
    ]);
    expect(parseQuizEssayId(quizEssayId(attempt.id, ESSAY))).toEqual({ attemptId: attempt.id, questionIndex: ESSAY });
    expect(parseQuizEssayId('h5p:12')).toBeNull();
    expect(parseQuizEssayId('quiz:1:1; DROP TABLE')).toBeNull();
  });

  test('grading the last essay scores the attempt: the teacher points count, and passing follows', () => {
    const c = setUp();
    const attempt = accepted(submit(c, [...RIGHT, essay()]));
    const result = grade(attempt, 3, 'Skaidri uzrakstīts.\nPievienojiet, cik katram tiek.');
    expect(result).toMatchObject({ ok: true, attemptGraded: true, courseCompleted: false });
    const after = getAttempt(p.db, p.learner.learnerId, attempt.id)!;
    expect(after).toMatchObject({ status: 'graded', score: 9, maxScore: 10, percent: 90, passed: true });
    expect(after.result.pending).toBe(false);
    expect(after.result.questions[ESSAY]).toEqual({ correct: false, points: 3, maxPoints: 4, answered: true });
    expect(essayFeedback(after).get(ESSAY)).toEqual({ state: 'graded', points: 3, maxPoints: 4, comment: 'Skaidri uzrakstīts.\nPievienojiet, cik katram tiek.' });
    expect(attemptRow(attempt.id)).toMatchObject({ status: 'graded', score: 9, passed: 1, graded_by: p.teacher.user.id });
    expect(attemptRow(attempt.id).graded_at).not.toBeNull();
    expect(listPendingQuizEssays(p.db, p.teacher.user, c.course.id)).toEqual([]);
  });

  test('too few essay points fail the attempt once graded', () => {
    const c = setUp();
    const attempt = accepted(submit(c, [...WRONG, essay()]));
    expect(grade(attempt, 4)).toMatchObject({ ok: true, attemptGraded: true });
    expect(getAttempt(p.db, p.learner.learnerId, attempt.id)).toMatchObject({ status: 'graded', score: 5, percent: 50, passed: false });
  });

  test('with two essays the attempt waits until both are graded', () => {
    const c = setUp([{ type: 'essay', prompt: 'Vēl viena eseja.', points: 2 }]);
    const attempt = accepted(submit(c, [...RIGHT, essay(), essay('Otrā atbilde ir šeit.')]));
    expect(listPendingQuizEssays(p.db, p.teacher.user, c.course.id).map((e) => e.id)).toEqual([quizEssayId(attempt.id, 5), quizEssayId(attempt.id, 6)]);

    expect(grade(attempt, 4, '', p.teacher.user, 5)).toMatchObject({ ok: true, attemptGraded: false });
    expect(getAttempt(p.db, p.learner.learnerId, attempt.id)).toMatchObject({ status: 'pending', passed: false });
    expect(listPendingQuizEssays(p.db, p.teacher.user, c.course.id).map((e) => e.id)).toEqual([quizEssayId(attempt.id, 6)]);

    expect(grade(attempt, 2, '', p.teacher.user, 6)).toMatchObject({ ok: true, attemptGraded: true });
    expect(getAttempt(p.db, p.learner.learnerId, attempt.id)).toMatchObject({ status: 'graded', score: 12, maxScore: 12, percent: 100, passed: true });
  });

  test('grading the essay that decides the last quiz completes the course in the same step', () => {
    const c = setUp();
    markLessonDone(p.db, p.learner.learnerId, c.course, c.item(SAMPLE.lesson1));
    markLessonDone(p.db, p.learner.learnerId, c.course, c.item(SAMPLE.lesson2));
    const attempt = accepted(submit(c, [...RIGHT, essay()]));
    expect(completions()).toBe(0);
    expect(grade(attempt, 2)).toMatchObject({ ok: true, attemptGraded: true, courseCompleted: true });
    expect(completions()).toBe(1);
    expect(stmt(p.db, 'SELECT status FROM enrolment WHERE learner_id = ? AND course_id = ?').pluck().get(p.learner.learnerId, c.course.id)).toBe('completed');
  });

  test('the grade is audited: who, which learner, which facility, the points', () => {
    const c = setUp();
    const attempt = accepted(submit(c, [...RIGHT, essay()]));
    grade(attempt, 3, 'Labi.');
    expect(auditActions(p.db)).toContain('essay.grade');
    const entry = stmt(p.db, "SELECT actor_user_id, target_type, target_id, facility_id, details FROM audit_log WHERE action = 'essay.grade'").get() as Record<string, unknown>;
    expect(entry).toMatchObject({ actor_user_id: p.teacher.user.id, target_type: 'learner', target_id: String(p.learner.learnerId), facility_id: p.facilityA.id });
    expect(JSON.parse(entry.details as string)).toMatchObject({ source: 'quiz', attemptId: attempt.id, question: ESSAY, points: 3, maxPoints: 4, attemptGraded: true });
  });

  test('points outside 0 to the maximum and over-long comments are refused, and nothing is stored', () => {
    const c = setUp();
    const attempt = accepted(submit(c, [...RIGHT, essay()]));
    expect(grade(attempt, 5)).toEqual({ ok: false, code: 'essay.pointsRange' });
    expect(grade(attempt, -1)).toEqual({ ok: false, code: 'essay.pointsRange' });
    expect(grade(attempt, 1.5)).toEqual({ ok: false, code: 'essay.pointsRange' });
    expect(grade(attempt, 2, 'x'.repeat(2001))).toEqual({ ok: false, code: 'essay.commentTooLong' });
    expect(grade(attempt, 0, 'x'.repeat(2000))).toMatchObject({ ok: true });
    expect(auditActions(p.db).filter((a) => a === 'essay.grade')).toHaveLength(1);
  });

  test('an essay is graded once; a question that is not a waiting essay is not found', () => {
    const c = setUp();
    const attempt = accepted(submit(c, [...RIGHT, essay()]));
    expect(grade(attempt, 0, '', p.teacher.user, 0)).toEqual({ ok: false, code: 'essay.notFound' });
    expect(grade(attempt, 0, '', p.teacher.user, 99)).toEqual({ ok: false, code: 'essay.notFound' });
    expect(gradeQuizEssay(p.db, p.teacher.user, 999_999, ESSAY, 1, '')).toEqual({ ok: false, code: 'essay.notFound' });
    expect(grade(attempt, 2).ok).toBe(true);
    expect(grade(attempt, 4)).toEqual({ ok: false, code: 'essay.alreadyGraded' });
    expect(getAttempt(p.db, p.learner.learnerId, attempt.id)!.score).toBe(8);
  });

  test('an essay left empty (no minimum) waits for nobody: 0 points at once', () => {
    const pkg = samplePackage();
    quizOf(pkg).questions.push({ type: 'essay', prompt: ESSAY_PROMPT, points: 4 });
    const c = installPackage(p.db, courses.dir, pkg);
    enrol(p.db, p.learner.learnerId, c.course.id);
    // Sent with the essay left blank, after the page asked "send anyway?".
    const attempt = accepted(submitQuizAttempt(p.db, p.learner.learnerId, c.course, c.item(SAMPLE.quiz), [...RIGHT, essay('  \n ')], new Date(), undefined, true));
    expect(attempt).toMatchObject({ status: 'graded', score: 6, percent: 60, passed: true });
    expect(essayFeedback(attempt).get(ESSAY)).toEqual({ state: 'unanswered', maxPoints: 4 });
  });
});

describe('only a teacher of the course, for learners of their facilities', () => {
  test('a teacher who does not teach the course neither sees nor grades its essays', () => {
    const c = setUp();
    stmt(p.db, 'DELETE FROM course_teacher WHERE course_id = ?').run(c.course.id);
    const attempt = accepted(submit(c, [...RIGHT, essay()]));
    expect(listPendingQuizEssays(p.db, p.teacher.user, c.course.id)).toEqual([]);
    expect(grade(attempt, 4)).toEqual({ ok: false, code: 'essay.notFound' });
    expect(attemptRow(attempt.id).status).toBe('pending');
    expect(auditActions(p.db)).not.toContain('essay.grade');
  });

  test("a teacher of the course does not see or grade another facility's learner, unless granted that facility", () => {
    const c = setUp();
    enrol(p.db, p.otherLearner.learnerId, c.course.id);
    const theirs = accepted(submit(c, [...RIGHT, essay()], p.otherLearner.learnerId));
    const mine = accepted(submit(c, [...RIGHT, essay()]));
    expect(listPendingQuizEssays(p.db, p.teacher.user, c.course.id).map((e) => e.learnerId)).toEqual([p.learner.learnerId]);
    expect(grade(theirs, 4)).toEqual({ ok: false, code: 'essay.notFound' });
    expect(attemptRow(theirs.id).status).toBe('pending');

    const granted = grantFacility(p.db, p.teacher, p.facilityB.id);
    expect(listPendingQuizEssays(p.db, granted, c.course.id).map((e) => e.id)).toEqual([quizEssayId(theirs.id, ESSAY), quizEssayId(mine.id, ESSAY)]);
    expect(grade(theirs, 4, '', granted)).toMatchObject({ ok: true, attemptGraded: true });
  });

  test('other roles cannot grade, even for their own facility', () => {
    const c = setUp();
    const attempt = accepted(submit(c, [...RIGHT, essay()]));
    for (const person of [p.educationStaff, p.admin, p.supervisor, p.learner]) {
      expect(listPendingQuizEssays(p.db, person.user, c.course.id)).toEqual([]);
      expect(grade(attempt, 4, '', person.user)).toEqual({ ok: false, code: 'essay.notFound' });
    }
    expect(attemptRow(attempt.id).status).toBe('pending');
  });
});
