import { stmt, type Db } from '../db.ts';
import { learnerFacilityId } from '../people/learners.ts';
import { appendAudit } from '../audit.ts';
import type { SessionUser } from '../session.ts';
import { getQuizVersion } from '../courses/catalog.ts';
import { auditActor } from '../people/users.ts';
import { getGradebook, type Gradebook } from './gradebook.ts';
import { recordCompletionIfDue } from './course-completed.ts';
import { getAttemptForGrading, storeAttemptReview, type Attempt } from './quiz-attempts.ts';
import type { Answer } from './grading.ts';

/**
 * Essays that wait for a teacher: the long answers of native quizzes (here)
 * and of H5P essays (h5p/), listed per course for its teachers and graded
 * with points and a comment. A teacher sees and grades only the learners
 * their gradebook shows: a course they teach, learners of their facilities.
 */

/** One essay answer waiting for grading, as the grading page lists it. */
export interface PendingEssay {
  source: 'quiz' | 'h5p';
  /** 'quiz:<attemptId>:<questionIndex>' for quizzes; the form posts it back. */
  id: string;
  learnerId: number;
  learnerName: string;
  inmateNumber: string;
  itemId: number;
  itemTitle: string;
  prompt: string;
  /** What a good answer contains (from the question), for the teacher. */
  guidance: string | null;
  /** The learner's text as written (line breaks kept). */
  response: string;
  maxPoints: number;
  submittedAt: string;
}

/** Longest teacher's comment, in characters. */
export const ESSAY_COMMENT_MAX = 2000;

export function quizEssayId(attemptId: number, questionIndex: number): string {
  return `quiz:${attemptId}:${questionIndex}`;
}

/** The attempt and question of a quiz essay id; null when it is not one. */
export function parseQuizEssayId(id: string): { attemptId: number; questionIndex: number } | null {
  const m = /^quiz:([1-9]\d{0,15}):(\d{1,3})$/.exec(id);
  return m ? { attemptId: Number(m[1]), questionIndex: Number(m[2]) } : null;
}

interface PendingRow {
  id: number;
  learner_id: number;
  item_id: number;
  version_id: number;
  submitted_at: string;
  answers_json: string;
  review_json: string | null;
}

/**
 * The quiz essays waiting in a gradebook's course, for its learners only
 * (the gradebook is already scoped to the teacher), oldest first.
 */
export function pendingQuizEssaysOf(db: Db, book: Gradebook): PendingEssay[] {
  const learners = new Map(book.rows.map((r) => [r.learnerId, r]));
  if (learners.size === 0) return [];
  const titles = new Map(book.items.map((i) => [i.id, i.title]));
  const rows = stmt(
    db,
    `SELECT a.id, a.learner_id, a.item_id, a.version_id, a.submitted_at, a.answers_json, a.review_json
     FROM quiz_attempt a JOIN course_item i ON i.id = a.item_id
     WHERE i.course_id = ? AND a.status = 'pending'
     ORDER BY a.submitted_at, a.id`,
  ).all(book.course.id) as PendingRow[];
  return rows.flatMap((r) => {
    const learner = learners.get(r.learner_id);
    const quiz = getQuizVersion(db, r.version_id);
    if (!learner || !quiz) return [];
    const stored = JSON.parse(r.answers_json) as { answers: Answer[]; result: { questions: Array<{ pending?: true }> } };
    const review = r.review_json ? (JSON.parse(r.review_json) as Record<string, unknown>) : {};
    return quiz.questions.flatMap((q, i): PendingEssay[] => {
      const answer = stored.answers[i];
      if (q.type !== 'essay' || !stored.result.questions[i]?.pending || review[String(i)] || answer?.type !== 'essay') return [];
      return [
        {
          source: 'quiz',
          id: quizEssayId(r.id, i),
          learnerId: learner.learnerId,
          learnerName: learner.name,
          inmateNumber: learner.inmateNumber,
          itemId: r.item_id,
          itemTitle: titles.get(r.item_id) ?? quiz.title,
          prompt: q.prompt,
          guidance: q.guidance ?? null,
          response: answer.text,
          maxPoints: q.points,
          submittedAt: r.submitted_at,
        },
      ];
    });
  });
}

/** The quiz essays waiting in a course the actor teaches, for the learners of their facilities; [] otherwise. */
export function listPendingQuizEssays(db: Db, actor: SessionUser, courseId: string): PendingEssay[] {
  const book = getGradebook(db, actor, courseId);
  return book ? pendingQuizEssaysOf(db, book) : [];
}

export type GradeEssayError =
  /** No such essay waiting, or not the actor's to grade (the two are not told apart). */
  | 'essay.notFound'
  /** This essay already has the teacher's grade. */
  | 'essay.alreadyGraded'
  /** Points are not a whole number from 0 to the question's points. */
  | 'essay.pointsRange'
  /** The comment is longer than ESSAY_COMMENT_MAX characters. */
  | 'essay.commentTooLong';

export type GradeEssayResult =
  | {
      ok: true;
      /** The attempt as it is now. */
      attempt: Attempt;
      /** This was the attempt's last waiting essay: it now counts (passed or not). */
      attemptGraded: boolean;
      /** Grading it completed the learner's course. */
      courseCompleted: boolean;
    }
  | { ok: false; code: GradeEssayError };

/**
 * The teacher's points (0 to the question's points) and comment (may be
 * empty) for one quiz essay. When it was the attempt's last waiting essay,
 * the attempt is scored and the course completion checked, in the same
 * transaction as the grade and its audit entry.
 */
export function gradeQuizEssay(
  db: Db,
  actor: SessionUser,
  attemptId: number,
  questionIndex: number,
  points: number,
  comment: string,
  now = new Date(),
): GradeEssayResult {
  return db
    .transaction((): GradeEssayResult => {
      const found = getAttemptForGrading(db, attemptId);
      const book = found ? getGradebook(db, actor, found.courseId) : null;
      if (!found || !book || !book.rows.some((r) => r.learnerId === found.learnerId)) return { ok: false, code: 'essay.notFound' };
      const { attempt, learnerId } = found;
      const question = getQuizVersion(db, attempt.versionId)?.questions[questionIndex];
      const result = attempt.result.questions[questionIndex];
      if (question?.type !== 'essay' || !result) return { ok: false, code: 'essay.notFound' };
      if (attempt.review[String(questionIndex)]) return { ok: false, code: 'essay.alreadyGraded' };
      if (!result.pending) return { ok: false, code: 'essay.notFound' };
      if (!Number.isInteger(points) || points < 0 || points > question.points) return { ok: false, code: 'essay.pointsRange' };
      const text = comment.trim();
      if (text.length > ESSAY_COMMENT_MAX) return { ok: false, code: 'essay.commentTooLong' };

      const review = { ...attempt.review, [String(questionIndex)]: { points, comment: text, gradedBy: actor.id, gradedAt: now.toISOString() } };
      const stored = storeAttemptReview(db, attempt, review, actor.id, now);
      const attemptGraded = stored.status === 'graded';
      const courseCompleted = attemptGraded && recordCompletionIfDue(db, learnerId, book.course, now);
      const facilityId = learnerFacilityId(db, learnerId);
      appendAudit(
        db,
        {
          actor: auditActor(actor),
          action: 'essay.grade',
          targetType: 'learner',
          targetId: learnerId,
          facilityId,
          details: { source: 'quiz', courseId: book.course.id, itemId: attempt.itemId, attemptId, question: questionIndex, points, maxPoints: question.points, attemptGraded },
        },
        now,
      );
      return { ok: true, attempt: stored, attemptGraded, courseCompleted };
    })
    .immediate();
}

/** What the learner sees about one essay answer of an attempt. */
export type EssayFeedback =
  | { state: 'waiting' }
  | { state: 'graded'; points: number; maxPoints: number; comment: string }
  /** Left empty: nothing for the teacher to grade, 0 points. */
  | { state: 'unanswered'; maxPoints: number };

/** The essay answers of an attempt by question index: waiting for the teacher, or the teacher's points and comment. */
export function essayFeedback(attempt: Pick<Attempt, 'answers' | 'result' | 'review'>): Map<number, EssayFeedback> {
  const feedback = new Map<number, EssayFeedback>();
  attempt.answers.forEach((answer, i) => {
    if (answer?.type !== 'essay') return;
    const result = attempt.result.questions[i];
    const grade = attempt.review[String(i)];
    if (!result) return;
    if (grade) feedback.set(i, { state: 'graded', points: grade.points, maxPoints: result.maxPoints, comment: grade.comment });
    else if (result.pending) feedback.set(i, { state: 'waiting' });
    else feedback.set(i, { state: 'unanswered', maxPoints: result.maxPoints });
  });
  return feedback;
}
