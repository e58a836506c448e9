import { SYSTEM_ACTOR } from '../../src/lib/server/audit.ts';
import { stmt, type Db } from '../../src/lib/server/db.ts';
import { getCourse, getCourseItems, type Course, type CourseItem } from '../../src/lib/server/courses/catalog.ts';
import { loadCoursePackage } from '../../src/lib/server/courses/load.ts';
import { syncCoursePackage, syncCourses, type SyncOutcome } from '../../src/lib/server/courses/sync.ts';
import { createEnrolment } from '../../src/lib/server/learning/enrolments.ts';
import { writePackage, type CoursePackage } from './course-package.ts';
import { zipFiles } from '../fixtures/h5p/crafted.ts';

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

// ---------------------------------------------------------------------------
// H5P activities in course packages.

/**
 * Writes `pkg` to `coursesDir` and syncs the whole folder with `syncCourses`
 * (which validates and stores the package's H5P activities in `dataDir`);
 * throws with the errors when the package is refused.
 */
export async function installActivityPackage(db: Db, coursesDir: string, dataDir: string, pkg: CoursePackage, now = new Date()): Promise<InstalledCourse> {
  const folder = writePackage(coursesDir, pkg);
  const report = await syncCourses(db, coursesDir, dataDir, now);
  const refused = report.refused.find((r) => r.folder === folder);
  if (refused) throw new Error(`package refused: ${JSON.stringify(refused.errors)}`);
  const outcome = report.synced.find((s) => s.courseId === folder);
  if (!outcome) throw new Error(`package ${folder} was not synced`);
  return { ...lookUp(db, folder), outcome };
}

/**
 * A minimal valid .h5p whose main library is `machineName` 1.0.`patch` (e.g.
 * 'H5P.Essay'), built like `craftPackage()` (one runnable library, one script).
 */
export function craftMainLibraryPackage(machineName: string, { title = `${machineName} activity`, patch = 1 }: { title?: string; patch?: number } = {}): Promise<Buffer> {
  const folder = `${machineName}-1.0`;
  return zipFiles([
    {
      name: 'h5p.json',
      data: JSON.stringify({
        title,
        language: 'lv',
        mainLibrary: machineName,
        embedTypes: ['iframe'],
        license: 'U',
        preloadedDependencies: [{ machineName, majorVersion: '1', minorVersion: '0' }],
      }),
    },
    { name: 'content/content.json', data: JSON.stringify({ taskDescription: 'Uzrakstiet dažus teikumus.' }) },
    {
      name: `${folder}/library.json`,
      data: JSON.stringify({ title: machineName, machineName, majorVersion: 1, minorVersion: 0, patchVersion: patch, runnable: 1, preloadedJs: [{ path: 'main.js' }] }),
    },
    { name: `${folder}/main.js`, data: `/* ${machineName} */\n` },
  ]);
}
