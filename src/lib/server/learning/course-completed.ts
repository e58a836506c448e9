import { stmt, type Db } from '../db.ts';
import { appendAudit, SYSTEM_ACTOR } from '../audit.ts';
import { learnerFacilityId } from '../people/learners.ts';
import type { Course, CourseItem } from '../courses/catalog.ts';
import { completeEnrolment } from './enrolments.ts';
import { getCourseProgress } from './progress.ts';
import { completePlacementsIfDone } from '../placement/placements.ts';
import { awardOnCourseCompletion } from '../certificates/awards.ts';

/**
 * The one step that records a course completion, and the list of what
 * follows it. Progress (read only) knows nothing of placements or
 * certificates; they subscribe here instead, which keeps the modules free of
 * import cycles (tests/unit/architecture/boundaries.test.ts checks it).
 */

/** A course a learner has just completed. */
export interface CourseCompleted {
  learnerId: number;
  courseId: string;
  at: Date;
}

/** A follower of a completion; it runs inside the completion's transaction, so a failure undoes the whole step. */
export type CourseCompletedFollower = (db: Db, event: CourseCompleted) => void;

/**
 * What a completion sets off, in order: the enrolment closes; a programme
 * whose every course is now completed is completed too; then its
 * certificates (issued now, or waiting for the education staff's approval),
 * which read the placements just completed.
 */
export const AFTER_COURSE_COMPLETED: readonly CourseCompletedFollower[] = [
  (db, e) => completeEnrolment(db, e.learnerId, e.courseId, e.at),
  (db, e) => completePlacementsIfDone(db, e.learnerId, e.at),
  (db, e) => awardOnCourseCompletion(db, e.learnerId, e.courseId, e.at),
];

/**
 * Records the completion (with its evidence) the first time the pass rules
 * hold, then runs the followers. Call inside the transaction that recorded
 * the learner's last step. Returns true when this call completed the course.
 */
export function recordCompletionIfDue(db: Db, learnerId: number, course: Pick<Course, 'id' | 'passRules'>, now = new Date()): boolean {
  const progress = getCourseProgress(db, learnerId, course);
  if (!progress.complete || progress.completedAt) return false;
  stmt(db, 'INSERT INTO course_completion (learner_id, course_id, completed_at, evidence_json) VALUES (?, ?, ?, ?)').run(
    learnerId,
    course.id,
    now.toISOString(),
    JSON.stringify(progress.evidence),
  );
  const event: CourseCompleted = { learnerId, courseId: course.id, at: now };
  for (const follow of AFTER_COURSE_COMPLETED) follow(db, event);
  appendAudit(
    db,
    {
      actor: SYSTEM_ACTOR,
      action: 'learning.courseCompleted',
      targetType: 'learner',
      targetId: learnerId,
      facilityId: learnerFacilityId(db, learnerId),
      details: { courseId: course.id, evidence: progress.evidence },
    },
    now,
  );
  return true;
}

/** "Mark as done" on a lesson; returns true when this completed the course. */
export function markLessonDone(db: Db, learnerId: number, course: Pick<Course, 'id' | 'passRules'>, item: CourseItem, now = new Date()): boolean {
  if (item.kind !== 'lesson' || item.courseId !== course.id) throw new Error('markLessonDone: not a lesson of this course');
  return db
    .transaction(() => {
      stmt(db, 'INSERT OR IGNORE INTO lesson_progress (learner_id, item_id, version_id, done_at) VALUES (?, ?, ?, ?)').run(
        learnerId,
        item.id,
        item.versionId,
        now.toISOString(),
      );
      return recordCompletionIfDue(db, learnerId, course, now);
    })
    .immediate();
}
