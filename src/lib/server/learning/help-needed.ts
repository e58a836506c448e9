import { stmt, type Db } from '../db.ts';
import { getQuizVersion, type CourseItem } from '../courses/catalog.ts';
import type { CourseProgress } from './progress.ts';
import { attemptsLeft } from './quiz-attempts.ts';

/**
 * Who needs a teacher's help in a course (issue 19): learners who have not
 * started, who made no progress for a week while not done, and who used every
 * try of a quiz they have not passed. The gradebook shows these as text
 * labels; the teacher's home lists them with links.
 */

/** No progress for this many days while the course is not complete reads as stuck. */
export const STUCK_AFTER_DAYS = 7;

export interface HelpFlags {
  /** Nothing done, tried or even opened yet. */
  notStarted: boolean;
  /** Started, not complete, and nothing happened for STUCK_AFTER_DAYS days. */
  stuck: boolean;
  /** Quizzes not passed with no try left (and nothing waiting for the teacher). */
  outOfTries: CourseItem[];
  /** The learner's last step in the course (a lesson done, a try, active time, an activity result). */
  lastActivityAt: string | null;
}

/** The last time the learner did anything in the course. */
export function lastActivityAt(db: Db, learnerId: number, courseId: string): string | null {
  return (
    (stmt(
      db,
      `SELECT max(at) FROM (
         SELECT p.done_at AS at FROM lesson_progress p JOIN course_item i ON i.id = p.item_id WHERE p.learner_id = @learner AND i.course_id = @course
         UNION ALL SELECT a.submitted_at FROM quiz_attempt a JOIN course_item i ON i.id = a.item_id WHERE a.learner_id = @learner AND i.course_id = @course
         UNION ALL SELECT t.last_active_at FROM time_on_task t JOIN course_item i ON i.id = t.item_id WHERE t.learner_id = @learner AND i.course_id = @course
         UNION ALL SELECT r.received_at FROM h5p_result r JOIN course_item i ON i.id = r.item_id WHERE r.learner_id = @learner AND i.course_id = @course
       )`,
    )
      .pluck()
      .get({ learner: learnerId, course: courseId }) as string | null) ?? null
  );
}

/** Extra tries a teacher allowed per quiz item, for one learner in one course. */
function extraTriesByItem(db: Db, learnerId: number, courseId: string): Map<number, number> {
  const rows = stmt(
    db,
    `SELECT x.item_id AS item, count(*) AS n FROM quiz_extra_try x JOIN course_item i ON i.id = x.item_id
     WHERE x.learner_id = ? AND i.course_id = ? GROUP BY x.item_id`,
  ).all(learnerId, courseId) as Array<{ item: number; n: number }>;
  return new Map(rows.map((r) => [r.item, r.n]));
}

export function helpFlags(db: Db, learnerId: number, progress: CourseProgress, now = new Date()): HelpFlags {
  const last = lastActivityAt(db, learnerId, progress.courseId);
  const extra = extraTriesByItem(db, learnerId, progress.courseId);
  const outOfTries = progress.items.filter((i) => {
    if (i.kind !== 'quiz' || i.state !== 'failed') return false;
    const quiz = getQuizVersion(db, i.versionId);
    return quiz !== null && attemptsLeft(quiz, i.attempts, extra.get(i.id) ?? 0) === 0;
  });
  const notStarted = last === null && progress.items.every((i) => i.state === 'todo');
  const idleMs = last === null ? 0 : now.getTime() - new Date(last).getTime();
  const stuck = !notStarted && !progress.completedAt && !progress.complete && idleMs >= STUCK_AFTER_DAYS * 86_400_000;
  return { notStarted, stuck, outOfTries, lastActivityAt: last };
}

/** Whether the gradebook marks the learner as needing help. */
export function needsHelp(flags: HelpFlags): boolean {
  return flags.stuck || flags.outOfTries.length > 0;
}
