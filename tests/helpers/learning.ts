import { SYSTEM_ACTOR } from '../../src/lib/server/audit.ts';
import { stmt, type Db } from '../../src/lib/server/db.ts';
import { getCourse, getCourseItems, type Course, type CourseItem } from '../../src/lib/server/courses/catalog.ts';
import { loadCoursePackage } from '../../src/lib/server/courses/load.ts';
import { syncCoursePackage, type SyncOutcome } from '../../src/lib/server/courses/sync.ts';
import { createEnrolment } from '../../src/lib/server/learning/enrolments.ts';
import { writePackage, type CoursePackage } from './course-package.ts';

/**
 * A course package installed in a test database, as the learning tests need
 * it: written, loaded, synced, and looked up again from the catalog.
 */

export interface InstalledCourse {
  course: Course;
  items: CourseItem[];
  outcome: SyncOutcome;
  /** The current item of a file, e.g. `item('dalas/03-parbaude.quiz.yaml')`. */
  item: (key: string) => CourseItem;
}

/** Writes `pkg` to `coursesDir` and syncs it; throws with the errors when it is refused. */
export function installPackage(db: Db, coursesDir: string, pkg: CoursePackage, now = new Date()): InstalledCourse {
  const folder = writePackage(coursesDir, pkg);
  const loaded = loadCoursePackage(coursesDir, folder);
  if (!loaded.ok) throw new Error(`package refused: ${JSON.stringify(loaded.errors)}`);
  const outcome = syncCoursePackage(db, loaded.course, now);
  return { ...lookUp(db, folder), outcome };
}

/** The course and its current items as the catalog has them now. */
export function lookUp(db: Db, courseId: string): Omit<InstalledCourse, 'outcome'> {
  const course = getCourse(db, courseId);
  if (!course) throw new Error(`no course ${courseId}`);
  const items = getCourseItems(db, courseId);
  return {
    course,
    items,
    item: (key) => {
      const found = items.find((i) => i.key === key);
      if (!found) throw new Error(`no current item ${key} in ${courseId}`);
      return found;
    },
  };
}

export function enrol(db: Db, learnerId: number, courseId: string, now = new Date()) {
  return createEnrolment(db, SYSTEM_ACTOR, learnerId, courseId, now);
}

/** Makes `userId` a teacher of the course (what the seed and, later, the admin pages do). */
export function assignTeacher(db: Db, courseId: string, userId: number): void {
  stmt(db, 'INSERT OR IGNORE INTO course_teacher (course_id, user_id) VALUES (?, ?)').run(courseId, userId);
}
