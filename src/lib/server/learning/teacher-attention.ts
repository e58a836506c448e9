import type { Db } from '../db.ts';
import type { SessionUser } from '../session.ts';
import type { Course, CourseItem } from '../courses/catalog.ts';
import { getGradebook, listTaughtCourses } from './gradebook.ts';
import { pendingQuizEssaysOf } from './essays.ts';
import { pendingH5pEssaysOf } from './h5p-results.ts';

/**
 * What needs the teacher now, per course they teach (the teacher's home):
 * answers waiting for a grade, learners out of tries on a quiz (only the
 * teacher can let them go on), and learners with no progress for a week.
 * Same scope as the gradebook: courses they teach, learners of their facilities.
 */

export interface AttentionLearner {
  learnerId: number;
  name: string;
}

export interface CourseAttention {
  course: Course;
  essaysWaiting: number;
  outOfTries: Array<AttentionLearner & { item: CourseItem }>;
  stuck: Array<AttentionLearner & { lastActivityAt: string }>;
}

/** Courses with something waiting, in the order of the teacher's course list; empty when all is calm. */
export function teacherAttention(db: Db, teacher: SessionUser, now = new Date()): CourseAttention[] {
  return listTaughtCourses(db, teacher).flatMap(({ course }) => {
    const book = getGradebook(db, teacher, course.id, {}, now);
    if (!book) return [];
    const essaysWaiting = pendingQuizEssaysOf(db, book).length + pendingH5pEssaysOf(db, book).length;
    const outOfTries = book.rows.flatMap((r) => r.help.outOfTries.map((item) => ({ learnerId: r.learnerId, name: r.name, item })));
    const stuck = book.rows.flatMap((r) => (r.help.stuck && r.help.lastActivityAt ? [{ learnerId: r.learnerId, name: r.name, lastActivityAt: r.help.lastActivityAt }] : []));
    return essaysWaiting + outOfTries.length + stuck.length > 0 ? [{ course, essaysWaiting, outOfTries, stuck }] : [];
  });
}
