import type { Db } from '../db.ts';
import type { SessionUser } from '../session.ts';
import type { Course } from '../courses/catalog.ts';
import { getGradebook } from './gradebook.ts';
import { listAttempts } from './quiz-attempts.ts';

/**
 * A teacher's class at a glance (issue 15): how far the class has come, who
 * has not started, who is stuck on which item, and the average score of each
 * quiz question (a question most get wrong may be a bad question). Built on
 * the gradebook, so it sees exactly the learners the gradebook shows.
 */

export const PROGRESS_BANDS = ['0', '1-24', '25-49', '50-74', '75-99', '100'] as const;
export type ProgressBand = (typeof PROGRESS_BANDS)[number];

/** A quiz tried this many times without passing, as the next item, is where a learner is stuck. */
export const STUCK_TRIES = 2;
/** …or the next item has taken this many times its planned minutes (at least STUCK_MIN_MINUTES) without being done. */
export const STUCK_TIME_FACTOR = 2;
export const STUCK_MIN_MINUTES = 20;

export interface StuckLearner {
  learnerId: number;
  name: string;
  itemId: number;
  itemTitle: string;
  /** Why: failed tries of a quiz, or minutes spent on the item. */
  reason: { kind: 'tries'; tries: number } | { kind: 'time'; minutes: number };
}

export interface QuestionScore {
  itemId: number;
  itemTitle: string;
  /** 1-based, as the quiz shows it. */
  question: number;
  /** Graded answers counted (every submitted attempt; essays once graded). */
  answers: number;
  /** Average points as a percent of the question's points. */
  averagePercent: number;
}

export interface ClassOverview {
  course: Course;
  learners: number;
  distribution: Array<{ band: ProgressBand; learners: number }>;
  notStarted: Array<{ learnerId: number; name: string }>;
  stuck: StuckLearner[];
  questions: QuestionScore[];
}

function band(percent: number): ProgressBand {
  if (percent <= 0) return '0';
  if (percent >= 100) return '100';
  return percent < 25 ? '1-24' : percent < 50 ? '25-49' : percent < 75 ? '50-74' : '75-99';
}

/** The overview of a course the teacher teaches, or null (not theirs). */
export function getClassOverview(db: Db, teacher: SessionUser, courseId: string): ClassOverview | null {
  const book = getGradebook(db, teacher, courseId);
  if (!book) return null;
  const distribution = PROGRESS_BANDS.map((b) => ({ band: b, learners: book.rows.filter((r) => band(r.progress.percent) === b).length }));
  const notStarted = book.rows.filter((r) => r.progress.seconds === 0 && r.progress.items.every((i) => i.state === 'todo')).map((r) => ({ learnerId: r.learnerId, name: r.name }));
  const stuck: StuckLearner[] = [];
  for (const r of book.rows) {
    if (r.progress.complete || r.progress.nextItemId === null) continue;
    const item = r.progress.items.find((i) => i.id === r.progress.nextItemId);
    if (!item) continue;
    const minutes = Math.round(item.seconds / 60);
    if (item.kind === 'quiz' && item.state === 'failed' && item.attempts >= STUCK_TRIES) {
      stuck.push({ learnerId: r.learnerId, name: r.name, itemId: item.id, itemTitle: item.title, reason: { kind: 'tries', tries: item.attempts } });
    } else if (item.state !== 'done' && minutes >= Math.max(STUCK_MIN_MINUTES, item.minutes * STUCK_TIME_FACTOR)) {
      stuck.push({ learnerId: r.learnerId, name: r.name, itemId: item.id, itemTitle: item.title, reason: { kind: 'time', minutes } });
    }
  }
  const questions: QuestionScore[] = [];
  for (const item of book.items.filter((i) => i.kind === 'quiz')) {
    const sums = new Map<number, { points: number; max: number; answers: number }>();
    for (const r of book.rows) {
      for (const attempt of listAttempts(db, r.learnerId, item.id)) {
        attempt.result.questions.forEach((q, index) => {
          if (q.pending || q.maxPoints <= 0) return;
          const s = sums.get(index) ?? { points: 0, max: 0, answers: 0 };
          s.points += q.points;
          s.max += q.maxPoints;
          s.answers += 1;
          sums.set(index, s);
        });
      }
    }
    for (const [index, s] of [...sums].sort((a, b) => a[0] - b[0])) {
      questions.push({ itemId: item.id, itemTitle: item.title, question: index + 1, answers: s.answers, averagePercent: Math.round((s.points / s.max) * 100) });
    }
  }
  return { course: book.course, learners: book.rows.length, distribution, notStarted, stuck, questions };
}
