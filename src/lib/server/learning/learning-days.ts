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
