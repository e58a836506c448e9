import { stmt, type Db } from '../db.ts';

/**
 * Active learning time by day: per learner and course (learning_day) and
 * per prison and course (learning_facility_day, what the indicators read).
 * The heartbeat flush (time-on-task.ts) writes both; this is the same write
 * for time that arrives another way (demo history, benchmarks, tests).
 */
export function addLearningDay(db: Db, learnerId: number, courseId: string, day: string, seconds: number): void {
  stmt(
    db,
    `INSERT INTO learning_day (day, learner_id, course_id, seconds) VALUES (?, ?, ?, ?)
     ON CONFLICT (day, learner_id, course_id) DO UPDATE SET seconds = seconds + excluded.seconds`,
  ).run(day, learnerId, courseId, seconds);
  stmt(
    db,
    `INSERT INTO learning_facility_day (day, facility_id, course_id, seconds)
     SELECT ?, u.facility_id, ?, ? FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ? AND u.facility_id IS NOT NULL
     ON CONFLICT (day, facility_id, course_id) DO UPDATE SET seconds = seconds + excluded.seconds`,
  ).run(day, courseId, seconds, learnerId);
}

export interface LearningWeek {
  /** Monday to Sunday of the week of `today` (YYYY-MM-DD) with the active seconds of each day. */
  days: Array<{ day: string; seconds: number }>;
  seconds: number;
}

/** A learner's active learning time this week, day by day (their home page shows it). */
export function learningWeek(db: Db, learnerId: number, today: string): LearningWeek {
  const date = new Date(`${today}T00:00:00Z`);
  const monday = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * 86_400_000);
  const days = Array.from({ length: 7 }, (_, i) => new Date(monday.getTime() + i * 86_400_000).toISOString().slice(0, 10));
  const rows = stmt(db, 'SELECT day, sum(seconds) AS seconds FROM learning_day WHERE learner_id = ? AND day BETWEEN ? AND ? GROUP BY day').all(learnerId, days[0], days[6]) as Array<{
    day: string;
    seconds: number;
  }>;
  const by = new Map(rows.map((r) => [r.day, r.seconds]));
  const week = days.map((day) => ({ day, seconds: by.get(day) ?? 0 }));
  return { days: week, seconds: week.reduce((s, d) => s + d.seconds, 0) };
}
