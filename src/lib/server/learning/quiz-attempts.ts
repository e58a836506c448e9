import { stmt, type Db } from '../db.ts';
import { getQuizVersion, type Course, type CourseItem } from '../courses/catalog.ts';
import type { Quiz } from '../courses/package-schema.ts';
import { gradeQuiz, type Answer, type QuizResult } from './grading.ts';
import { recordCompletionIfDue } from './progress.ts';

/** Quiz attempts: graded on the server, limited by the quiz's attempt count. */

export interface Attempt {
  id: number;
  itemId: number;
  versionId: number;
  submittedAt: string;
  score: number;
  maxScore: number;
  percent: number;
  passed: boolean;
  answers: Answer[];
  result: QuizResult;
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
  answers_json: string;
}

function toAttempt(r: Row): Attempt {
  const stored = JSON.parse(r.answers_json) as { answers: Answer[]; result: QuizResult };
  return {
    id: r.id,
    itemId: r.item_id,
    versionId: r.version_id,
    submittedAt: r.submitted_at,
    score: r.score,
    maxScore: r.max_score,
    percent: r.percent,
    passed: r.passed === 1,
    answers: stored.answers,
    result: stored.result,
  };
}

export function listAttempts(db: Db, learnerId: number, itemId: number): Attempt[] {
  return (
    stmt(
      db,
      'SELECT id, item_id, version_id, submitted_at, score, max_score, percent, passed, answers_json FROM quiz_attempt WHERE learner_id = ? AND item_id = ? ORDER BY id',
    ).all(learnerId, itemId) as Row[]
  ).map(toAttempt);
}

export function getAttempt(db: Db, learnerId: number, attemptId: number): Attempt | null {
  const row = stmt(
    db,
    'SELECT id, item_id, version_id, submitted_at, score, max_score, percent, passed, answers_json FROM quiz_attempt WHERE id = ? AND learner_id = ?',
  ).get(attemptId, learnerId) as Row | undefined;
  return row ? toAttempt(row) : null;
}

/** Attempts left (Infinity when the quiz has no limit). */
export function attemptsLeft(quiz: Pick<Quiz, 'attempts'>, used: number): number {
  return quiz.attempts === 0 ? Infinity : Math.max(0, quiz.attempts - used);
}

export type SubmitResult =
  | { ok: true; attempt: Attempt; courseCompleted: boolean }
  | { ok: false; code: 'quiz.noAttemptsLeft' | 'quiz.notAQuiz' | 'quiz.changed' };

/**
 * Grades and stores an attempt against the quiz version the learner sees now.
 * The attempt limit is checked inside the write transaction, so a double
 * submit cannot exceed it.
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
): SubmitResult {
  const quiz = item.kind === 'quiz' ? getQuizVersion(db, item.versionId) : null;
  if (!quiz) return { ok: false, code: 'quiz.notAQuiz' };
  if (answeredVersionId !== item.versionId) return { ok: false, code: 'quiz.changed' };
  return db
    .transaction((): SubmitResult => {
      const used = stmt(db, 'SELECT count(*) FROM quiz_attempt WHERE learner_id = ? AND item_id = ?').pluck().get(learnerId, item.id) as number;
      if (attemptsLeft(quiz, used) <= 0) return { ok: false, code: 'quiz.noAttemptsLeft' };
      const result = gradeQuiz(quiz, answers);
      const id = Number(
        stmt(
          db,
          `INSERT INTO quiz_attempt (learner_id, item_id, version_id, submitted_at, score, max_score, percent, passed, answers_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(learnerId, item.id, item.versionId, now.toISOString(), result.score, result.maxScore, result.percent, result.passed ? 1 : 0, JSON.stringify({ answers, result }))
          .lastInsertRowid,
      );
      const courseCompleted = recordCompletionIfDue(db, learnerId, course, now);
      return { ok: true, attempt: getAttempt(db, learnerId, id)!, courseCompleted };
    })
    .immediate();
}
