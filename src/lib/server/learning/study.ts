import { unlessBusy, type Db } from '../db.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { getCourse, getCourseItem, type Course, type CourseItem } from '../courses/catalog.ts';
import { getStudyEnrolment, listStudyEnrolments, type Enrolment } from './enrolments.ts';
import { getCourseProgress, type CourseProgress } from './progress.ts';
import { recordCompletionIfDue } from './course-completed.ts';
import type { TimeOnTask } from './time-on-task.ts';

/**
 * The learner's side of learning, with the access rule in one place: a
 * learner opens only courses they are enrolled in (or completed), and only
 * current items of those courses.
 */

export interface StudyContext {
  learnerId: number;
  course: Course;
  enrolment: Enrolment;
}

export function openCourse(db: Db, user: SessionUser, courseId: string): StudyContext | null {
  if (!can(user, 'learning:study') || user.learnerId === null) return null;
  const course = getCourse(db, courseId);
  if (!course || course.archived) return null;
  const enrolment = getStudyEnrolment(db, user.learnerId, courseId);
  return enrolment ? { learnerId: user.learnerId, course, enrolment } : null;
}

export function openItem(db: Db, user: SessionUser, courseId: string, itemId: number): (StudyContext & { item: CourseItem }) | null {
  const context = openCourse(db, user, courseId);
  if (!context) return null;
  const item = getCourseItem(db, courseId, itemId);
  return item ? { ...context, item } : null;
}

export interface MyCourse {
  course: Course;
  enrolment: Enrolment;
  progress: CourseProgress;
}

/** "My learning": every course the learner studies, with progress and the next step. */
export function listMyCourses(db: Db, user: SessionUser): MyCourse[] {
  if (!can(user, 'learning:study') || user.learnerId === null) return [];
  const learnerId = user.learnerId;
  return listStudyEnrolments(db, learnerId).flatMap((enrolment) => {
    const course = getCourse(db, enrolment.courseId);
    return course && !course.archived ? [{ course, enrolment, progress: getCourseProgress(db, learnerId, course) }] : [];
  });
}

/**
 * The course outline with progress. Completion is normally recorded by the
 * step that finished the course; time credited in a later batch can satisfy
 * a minimum-hours rule afterwards, so it is checked here too.
 */
export function courseOverview(db: Db, context: StudyContext): CourseProgress {
  const progress = getCourseProgress(db, context.learnerId, context.course);
  if (progress.complete && !progress.completedAt) {
    db.transaction(() => recordCompletionIfDue(db, context.learnerId, context.course)).immediate();
    return getCourseProgress(db, context.learnerId, context.course);
  }
  return progress;
}

/**
 * A visible-page heartbeat on an item the learner has open: credits active
 * time (capped), writes the gathered time when a batch is due, and records
 * the completion if that time satisfied a minimum-hours rule.
 */
export function recordHeartbeat(db: Db, timeOnTask: TimeOnTask, sessionId: string, context: StudyContext & { item: CourseItem }): number {
  const creditedMs = timeOnTask.beat(sessionId, context.learnerId, context.item.id);
  // The batch write is bookkeeping: while another process holds the lock the time stays in memory for the next one.
  let flushed = 0;
  unlessBusy(() => {
    flushed = timeOnTask.flush(db);
  });
  if (flushed > 0) unlessBusy(() => db.transaction(() => recordCompletionIfDue(db, context.learnerId, context.course)).immediate());
  return creditedMs;
}
