import { z } from 'zod';
import { defineAction } from './runner.ts';
import type { Course, CourseItem } from '../lib/server/courses/catalog.ts';
import { getActivity, getQuizVersion } from '../lib/server/courses/catalog.ts';
import { getCourseProgress } from '../lib/server/learning/progress.ts';
import { markLessonDone } from '../lib/server/learning/course-completed.ts';
import { submitQuizAttempt } from '../lib/server/learning/quiz-attempts.ts';
import { readAnswers } from '../lib/server/learning/grading.ts';
import { allowOneMoreTry } from '../lib/server/learning/extra-tries.ts';
import { ESSAY_COMMENT_MAX, gradeQuizEssay, parseQuizEssayId } from '../lib/server/learning/essays.ts';
import { gradeH5pEssay, parseH5pEssayId } from '../lib/server/learning/h5p-results.ts';

/** Learning (the learner's lesson and quiz pages) and grading (the teacher's essays). */

/**
 * The buttons of one lesson or quiz page. `openItem` already checked that the
 * learner may study this item now; the calls below check their own rules.
 */
export function studyActions(learnerId: number, course: Course, item: CourseItem) {
  const base = `/learn/courses/${course.id}`;
  return {
    /** "Done" on a lesson: on to the next item (or back to the course when it was the last). */
    done: defineAction({
      input: z.object({}),
      run: (_input, { db }) => {
        if (item.kind !== 'lesson') return { ok: false as const, code: 'validation.badForm' };
        // A lesson with an H5P activity is done by passing the activity, not by this button.
        if (getActivity(db, item.versionId)) return { ok: false as const, code: 'activity.finishToComplete' };
        markLessonDone(db, learnerId, course, item);
        const after = getCourseProgress(db, learnerId, course);
        const following = after.items[after.items.findIndex((i) => i.id === item.id) + 1];
        return { ok: true as const, nextItemId: following?.id ?? null };
      },
      redirect: (result) => (result.nextItemId ? `${base}/${result.nextItemId}` : base),
    }),
    /** A quiz's answers (numbered fields per question, read by the quiz's own reader). */
    submit: defineAction({
      input: z.instanceof(FormData),
      raw: true,
      run: (form, { db }) => {
        const quiz = item.kind === 'quiz' ? getQuizVersion(db, item.versionId) : null;
        if (!quiz || item.kind !== 'quiz') return { ok: false as const, code: 'validation.badForm' };
        /** The quiz version the learner answered (a quiz changed meanwhile is refused). */
        const answered = Number(form.get('version'));
        const answers = readAnswers(quiz, form);
        /** Set by the "Yes, send anyway" button the page shows after "N questions have no answer". */
        const confirmUnanswered = form.get('confirmUnanswered') === '1';
        const result = submitQuizAttempt(db, learnerId, course, item, answers, new Date(), Number.isInteger(answered) ? answered : -1, confirmUnanswered);
        // Sent back with what the learner wrote, so nothing is lost (essay word limits).
        return result.ok ? result : { ...result, answers };
      },
      redirect: (result) => `${base}/${item.id}?attempt=${result.attempt.id}`,
    }),
  };
}

/** One essay's grade: the teacher's points (checked against the essay's maximum in the domain) and comment. */
const gradeInput = z.object({
  /** Whose essay: a quiz question or an H5P activity's free-text answer. */
  source: z.enum(['quiz', 'h5p'], { error: 'validation.badForm' }),
  /** The essay's id as the waiting list shows it. */
  id: z.string().min(1, { error: 'validation.badForm' }).max(200, { error: 'validation.badForm' }),
  /** The points given, 0 up to the question's maximum. */
  points: z.string().trim().regex(/^\d{1,3}$/, { error: 'essay.pointsRange' }).transform(Number),
  /** What the teacher tells the learner. */
  comment: z
    .string()
    .default('')
    // Browsers send CRLF line breaks: count the comment as it is stored.
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .pipe(z.string().max(ESSAY_COMMENT_MAX, { error: 'essay.commentTooLong' })),
});

/** The teacher grades an essay from the course's waiting list. */
export function gradeEssay(courseId: string) {
  return defineAction({
    input: gradeInput,
    fields: { 'essay.pointsRange': 'points', 'essay.commentTooLong': 'comment' },
    run: (input, { db, user }) => {
      if (input.source === 'h5p') {
        const resultId = parseH5pEssayId(input.id);
        return resultId ? gradeH5pEssay(db, user, resultId, input.points, input.comment) : { ok: false as const, code: 'essay.notFound' };
      }
      const ref = parseQuizEssayId(input.id);
      return ref ? gradeQuizEssay(db, user, ref.attemptId, ref.questionIndex, input.points, input.comment) : { ok: false as const, code: 'essay.notFound' };
    },
    redirect: () => `/teach/courses/${courseId}/grading?graded=1`,
  });
}

/**
 * "Allow one more try" on a learner's page in the gradebook: the learner and
 * the course come from the address the page checked; the quiz from the button.
 */
export function extraTryActions(courseId: string, learnerId: number) {
  return {
    extraTry: defineAction({
      input: z.object({
        /** The quiz (course item id) the learner is out of tries on. */
        item: z.coerce.number({ error: 'validation.badForm' }).int().positive({ error: 'validation.badForm' }),
      }),
      invalid: 'quiz.extraTryNotFound',
      run: (input, { db, user }) => allowOneMoreTry(db, user, courseId, learnerId, input.item),
      redirect: (_result, { url }) => `${url.pathname}?allowed=1`,
    }),
  };
}
