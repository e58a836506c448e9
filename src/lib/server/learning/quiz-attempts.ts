import { stmt, type Db } from '../db.ts';
import { getQuizVersion, type Course, type CourseItem } from '../courses/catalog.ts';
import type { Quiz } from '../courses/package-schema.ts';
import { applyReview, checkEssayLengths, gradeQuiz, type Answer, type AttemptReview, type EssayLengthProblem, type QuizResult } from './grading.ts';
import { recordCompletionIfDue } from './course-completed.ts';
import { deleteQuizDraft } from './quiz-drafts.ts';

/**
 * Quiz attempts: graded on the server, limited by the quiz's attempt count.
 * An attempt with an essay answer is stored as 'pending' until a teacher has
 * graded every essay (essays.ts); meanwhile the learner cannot start another.
 */

export type AttemptStatus = 'graded' | 'pending';

export interface Attempt {
  id: number;
  itemId: number;
  versionId: number;
  submittedAt: string;
  /** While pending: the automatically graded part plus any essays graded so far. */
  score: number;
  maxScore: number;
  percent: number;
  /** Never true while pending. */
  passed: boolean;
  /** 'pending': an essay answer waits for the teacher. */
  status: AttemptStatus;
  answers: Answer[];
  /** Per question, with the teacher's points for the essays graded so far. */
  result: QuizResult;
  /** The teacher's points and comment of each graded essay, by question index. */
  review: AttemptReview;
  /** When the last essay was graded (null for attempts graded at once). */
  gradedAt: string | null;
}

interface Row {
  id: number;
  item_id: number;
  version_id: number;
  submitted_at: string;
  score: number;
  max_score: number;
  percent: number;
  passed: number;
  status: AttemptStatus;
  answers_json: string;
  review_json: string | null;
  graded_at: string | null;
}

const COLUMNS = 'id, item_id, version_id, submitted_at, score, max_score, percent, passed, status, answers_json, review_json, graded_at';

function toAttempt(db: Db, r: Row): Attempt {
  // answers_json keeps the attempt as submitted; the teacher's grades live beside it.
  const stored = JSON.parse(r.answers_json) as { answers: Answer[]; result: QuizResult };
  const review = r.review_json ? (JSON.parse(r.review_json) as AttemptReview) : {};
  const passPercent = getQuizVersion(db, r.version_id)?.passPercent ?? 100;
  return {
    id: r.id,
    itemId: r.item_id,
    versionId: r.version_id,
    submittedAt: r.submitted_at,
    score: r.score,
    maxScore: r.max_score,
    percent: r.percent,
    passed: r.passed === 1,
    status: r.status,
    answers: stored.answers,
    result: Object.keys(review).length ? applyReview({ passPercent }, stored.result, review) : stored.result,
    review,
    gradedAt: r.graded_at,
  };
}

export function listAttempts(db: Db, learnerId: number, itemId: number): Attempt[] {
  return (stmt(db, `SELECT ${COLUMNS} FROM quiz_attempt WHERE learner_id = ? AND item_id = ? ORDER BY id`).all(learnerId, itemId) as Row[]).map((r) =>
    toAttempt(db, r),
  );
}

export function getAttempt(db: Db, learnerId: number, attemptId: number): Attempt | null {
  const row = stmt(db, `SELECT ${COLUMNS} FROM quiz_attempt WHERE id = ? AND learner_id = ?`).get(attemptId, learnerId) as Row | undefined;
  return row ? toAttempt(db, row) : null;
}

/**
 * Attempts left (Infinity when the quiz has no limit). `extra`: tries a
 * teacher of the course allowed on top of the quiz's limit (extra-tries.ts).
 */
export function attemptsLeft(quiz: Pick<Quiz, 'attempts'>, used: number, extra = 0): number {
  return quiz.attempts === 0 ? Infinity : Math.max(0, quiz.attempts + extra - used);
}

/** Tries a teacher allowed this learner on this quiz beyond its limit. */
export function extraTries(db: Db, learnerId: number, itemId: number): number {
  return stmt(db, 'SELECT count(*) FROM quiz_extra_try WHERE learner_id = ? AND item_id = ?').pluck().get(learnerId, itemId) as number;
}

/**
 * Where a learner stands with a quiz's tries: every page that speaks of tries
 * (the banner, the button, the result) reads this one answer so they agree.
 */
export interface Tries {
  used: number;
  /** The quiz's limit plus the tries a teacher allowed (0: no limit). */
  allowed: number;
  left: number;
}

export function quizTries(db: Db, learnerId: number, item: Pick<CourseItem, 'id'>, quiz: Pick<Quiz, 'attempts'>): Tries {
  const used = stmt(db, 'SELECT count(*) FROM quiz_attempt WHERE learner_id = ? AND item_id = ?').pluck().get(learnerId, item.id) as number;
  const extra = extraTries(db, learnerId, item.id);
  return { used, allowed: quiz.attempts === 0 ? 0 : quiz.attempts + extra, left: attemptsLeft(quiz, used, extra) };
}

export type SubmitResult =
  | { ok: true; attempt: Attempt; courseCompleted: boolean }
  /** 'quiz.empty': not one question answered; nothing stored, no try used. */
  | { ok: false; code: 'quiz.noAttemptsLeft' | 'quiz.notAQuiz' | 'quiz.changed' | 'essay.waitingForTeacher' | 'quiz.empty' }
  /** Some questions have no answer and the learner has not confirmed: nothing stored, the form asks (indexes of those questions). */
  | { ok: false; code: 'quiz.unansweredConfirm'; unanswered: number[] }
  /** Essay answers outside their word limits: nothing was stored, the learner fixes them. */
  | { ok: false; code: 'essay.wordLimits'; problems: EssayLengthProblem[] };

/**
 * Grades and stores an attempt against the quiz version the learner sees now.
 * The attempt limit and the one-pending-attempt rule are checked inside the
 * write transaction, so a double submit cannot get around them.
 */
export function submitQuizAttempt(
  db: Db,
  learnerId: number,
  course: Pick<Course, 'id' | 'passRules'>,
  item: CourseItem,
  answers: Answer[],
  now = new Date(),
  /** The version the learner answered (from the form); a newer version must be answered afresh. */
  answeredVersionId: number = item.versionId,
  /** The learner saw "N questions have no answer" and chose to submit anyway. */
  confirmUnanswered = false,
): SubmitResult {
  const quiz = item.kind === 'quiz' ? getQuizVersion(db, item.versionId) : null;
  if (!quiz) return { ok: false, code: 'quiz.notAQuiz' };
  if (answeredVersionId !== item.versionId) return { ok: false, code: 'quiz.changed' };
  return db
    .transaction((): SubmitResult => {
      const pending = stmt(db, "SELECT 1 FROM quiz_attempt WHERE learner_id = ? AND item_id = ? AND status = 'pending'").get(learnerId, item.id);
      if (pending) return { ok: false, code: 'essay.waitingForTeacher' };
      if (quizTries(db, learnerId, item, quiz).left <= 0) return { ok: false, code: 'quiz.noAttemptsLeft' };
      const result = gradeQuiz(quiz, answers);
      // A submission without a single answer is a slip (an early click, a
      // double tap), never a try: refusing it keeps the learner's tries.
      const unanswered = result.questions.flatMap((q, i) => (q.answered ? [] : [i]));
      if (unanswered.length === result.questions.length) return { ok: false, code: 'quiz.empty' };
      const problems = checkEssayLengths(quiz, answers);
      if (problems.length) return { ok: false, code: 'essay.wordLimits', problems };
      if (unanswered.length > 0 && !confirmUnanswered) return { ok: false, code: 'quiz.unansweredConfirm', unanswered };
      const id = Number(
        stmt(
          db,
          `INSERT INTO quiz_attempt (learner_id, item_id, version_id, submitted_at, score, max_score, percent, passed, status, answers_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          learnerId,
          item.id,
          item.versionId,
          now.toISOString(),
          result.score,
          result.maxScore,
          result.percent,
          result.passed ? 1 : 0,
          result.pending ? 'pending' : 'graded',
          JSON.stringify({ answers, result }),
        ).lastInsertRowid,
      );
      // The answers are submitted: the unsent copy is no longer needed.
      deleteQuizDraft(db, learnerId, item.id);
      const courseCompleted = recordCompletionIfDue(db, learnerId, course, now);
      return { ok: true, attempt: getAttempt(db, learnerId, id)!, courseCompleted };
    })
    .immediate();
}

/** An attempt with whose it is, for grading (the caller authorizes). */
export interface AttemptForGrading {
  attempt: Attempt;
  learnerId: number;
  courseId: string;
}

/** Any learner's attempt by id, with its course; null when there is none. */
export function getAttemptForGrading(db: Db, attemptId: number): AttemptForGrading | null {
  const row = stmt(
    db,
    `SELECT ${COLUMNS.replace(/(\w+)/g, 'a.$1')}, a.learner_id, i.course_id
     FROM quiz_attempt a JOIN course_item i ON i.id = a.item_id WHERE a.id = ?`,
  ).get(attemptId) as (Row & { learner_id: number; course_id: string }) | undefined;
  return row ? { attempt: toAttempt(db, row), learnerId: row.learner_id, courseId: row.course_id } : null;
}

/**
 * Stores the teacher's grades of an attempt and its score recomputed with
 * them; once no essay waits any more the attempt becomes 'graded' (passed or
 * not). Call inside the grading transaction. Returns the attempt as stored.
 */
export function storeAttemptReview(db: Db, attempt: Attempt, review: AttemptReview, graderId: number, now: Date): Attempt {
  const quiz = getQuizVersion(db, attempt.versionId);
  if (!quiz) throw new Error(`storeAttemptReview: attempt ${attempt.id} has no quiz version`);
  const stored = (JSON.parse(stmt(db, 'SELECT answers_json FROM quiz_attempt WHERE id = ?').pluck().get(attempt.id) as string) as { result: QuizResult }).result;
  const result = applyReview(quiz, stored, review);
  const finished = !result.pending;
  stmt(
    db,
    `UPDATE quiz_attempt SET review_json = ?, score = ?, percent = ?, passed = ?, status = ?, graded_by = ?, graded_at = ? WHERE id = ?`,
  ).run(
    JSON.stringify(review),
    result.score,
    result.percent,
    result.passed ? 1 : 0,
    finished ? 'graded' : 'pending',
    finished ? graderId : null,
    finished ? now.toISOString() : null,
    attempt.id,
  );
  const row = stmt(db, `SELECT ${COLUMNS} FROM quiz_attempt WHERE id = ?`).get(attempt.id) as Row;
  return toAttempt(db, row);
}
