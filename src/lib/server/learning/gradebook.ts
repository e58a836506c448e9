import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can, facilitiesFor } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { getCourse, getCourseItems, type Course, type CourseItem } from '../courses/catalog.ts';
import { getCourseProgress, type CourseProgress } from './progress.ts';
import { listAttempts, type Attempt } from './quiz-attempts.ts';
import { auditActor } from '../people/users.ts';
import type { EnrolmentStatus } from './enrolments.ts';

/**
 * The teacher's view of learning: the courses they teach and, per course, a
 * gradebook of their facilities' learners × items.
 */

export interface TaughtCourse {
  course: Course;
  learners: number;
}

/** Courses assigned to the teacher, with how many of their facilities' learners study each. */
export function listTaughtCourses(db: Db, teacher: SessionUser): TaughtCourse[] {
  if (!can(teacher, 'gradebook:view')) return [];
  const ids = stmt(db, 'SELECT course_id FROM course_teacher WHERE user_id = ? ORDER BY course_id').pluck().all(teacher.id) as string[];
  return ids.flatMap((id) => {
    const course = getCourse(db, id);
    if (!course || course.archived) return [];
    return [{ course, learners: gradebookLearners(db, teacher, id).length }];
  });
}

interface LearnerRow {
  learner_id: number;
  inmate_number: string;
  surname: string;
  given_names: string;
  facility_id: number;
  status: EnrolmentStatus;
}

interface LearnerQuery {
  /** Only this learner (a teacher's view of one learner's work). */
  learnerId?: number;
  /** Keyset paging: the sort key of the row before the page, and the page size. */
  after?: [string, string, number] | null;
  limit?: number;
}

function gradebookLearners(db: Db, teacher: SessionUser, courseId: string, query: LearnerQuery = {}): LearnerRow[] {
  const scope = facilitiesFor(teacher, 'gradebook:view');
  if (scope !== 'all' && scope.length === 0) return [];
  const facilityClause = scope === 'all' ? '' : `AND u.facility_id IN (${scope.map(Number).join(',')})`;
  const learnerClause = query.learnerId !== undefined ? 'AND l.id = @learnerId' : '';
  const afterClause = query.after ? 'AND (l.surname, l.given_names, l.id) > (@afterSurname, @afterGiven, @afterId)' : '';
  const limit = query.limit !== undefined ? `LIMIT ${Math.max(1, Math.floor(query.limit))}` : '';
  return stmt(
    db,
    `SELECT l.id AS learner_id, l.inmate_number, l.surname, l.given_names, u.facility_id, e.status
     FROM enrolment e JOIN learner l ON l.id = e.learner_id JOIN user u ON u.id = l.user_id
     WHERE e.course_id = @courseId AND e.status IN ('enrolled', 'completed') ${facilityClause} ${learnerClause} ${afterClause}
     ORDER BY l.surname, l.given_names, l.id ${limit}`,
  ).all({
    courseId,
    ...(query.learnerId !== undefined ? { learnerId: query.learnerId } : {}),
    ...(query.after ? { afterSurname: query.after[0], afterGiven: query.after[1], afterId: query.after[2] } : {}),
  }) as LearnerRow[];
}

export interface GradebookRow {
  learnerId: number;
  inmateNumber: string;
  name: string;
  status: EnrolmentStatus;
  progress: CourseProgress;
}

export interface Gradebook {
  course: Course;
  items: CourseItem[];
  rows: GradebookRow[];
}

function teaches(db: Db, teacher: SessionUser, courseId: string): boolean {
  return can(teacher, 'gradebook:view') && stmt(db, 'SELECT 1 FROM course_teacher WHERE course_id = ? AND user_id = ?').get(courseId, teacher.id) !== undefined;
}

/** The course and its rows for `query`, each row with its sort key (for the next page's cursor). */
function buildGradebook(db: Db, teacher: SessionUser, courseId: string, query: LearnerQuery): (Gradebook & { keys: Array<[string, string, number]> }) | null {
  if (!teaches(db, teacher, courseId)) return null;
  const course = getCourse(db, courseId);
  if (!course) return null;
  const learners = gradebookLearners(db, teacher, courseId, query);
  // Progress is worked out when a row's is read: the grading queue reads only names, for every learner.
  const rows = learners.map((r): GradebookRow => {
    let progress: CourseProgress | null = null;
    return {
      learnerId: r.learner_id,
      inmateNumber: r.inmate_number,
      name: `${r.surname}, ${r.given_names}`,
      status: r.status,
      get progress() {
        return (progress ??= getCourseProgress(db, r.learner_id, course));
      },
    };
  });
  return { course, items: getCourseItems(db, course.id), rows, keys: learners.map((r) => [r.surname, r.given_names, r.learner_id]) };
}

/** The gradebook of a course the teacher teaches, or null: every learner (the export, the grading queue). */
export function getGradebook(db: Db, teacher: SessionUser, courseId: string, query: LearnerQuery = {}): Gradebook | null {
  const book = buildGradebook(db, teacher, courseId, query);
  return book ? { course: book.course, items: book.items, rows: book.rows } : null;
}

/** Rows per page of the gradebook page. */
export const GRADEBOOK_PAGE_SIZE = 100;

/**
 * One page of the gradebook in name order (`after`: the `next` of the page
 * before), with the number of learners in all: a course followed by thousands
 * of learners renders one page at a time (keyset paging).
 */
export function pageGradebook(db: Db, teacher: SessionUser, courseId: string, after?: string | null): (Gradebook & { total: number; next: string | null }) | null {
  const book = buildGradebook(db, teacher, courseId, { after: decodeKey(after), limit: GRADEBOOK_PAGE_SIZE + 1 });
  if (!book) return null;
  const more = book.rows.length > GRADEBOOK_PAGE_SIZE;
  const scope = facilitiesFor(teacher, 'gradebook:view');
  const facilityClause = scope === 'all' ? '' : `AND u.facility_id IN (${scope.map(Number).join(',')})`;
  const total = stmt(
    db,
    `SELECT count(*) FROM enrolment e JOIN learner l ON l.id = e.learner_id JOIN user u ON u.id = l.user_id
     WHERE e.course_id = ? AND e.status IN ('enrolled', 'completed') ${facilityClause}`,
  ).pluck().get(courseId) as number;
  return {
    course: book.course,
    items: book.items,
    rows: book.rows.slice(0, GRADEBOOK_PAGE_SIZE),
    total,
    next: more ? Buffer.from(JSON.stringify(book.keys[GRADEBOOK_PAGE_SIZE - 1])).toString('base64url') : null,
  };
}

function decodeKey(cursor: string | null | undefined): [string, string, number] | null {
  if (!cursor || cursor.length > 400) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3 && typeof value[0] === 'string' && typeof value[1] === 'string' && Number.isSafeInteger(value[2])) {
      return [value[0], value[1], value[2] as number];
    }
  } catch {
    // A mangled cursor shows the first page.
  }
  return null;
}

export interface LearnerCourseDetail {
  course: Course;
  row: GradebookRow;
  attempts: Map<number, Attempt[]>;
}

/** One learner's work in a course the teacher teaches (null if not theirs to see). */
export function getLearnerCourseDetail(db: Db, teacher: SessionUser, courseId: string, learnerId: number): LearnerCourseDetail | null {
  // Only this learner's row: not the whole course's (thousands of learners at national scale).
  const book = getGradebook(db, teacher, courseId, { learnerId });
  const row = book?.rows.find((r) => r.learnerId === learnerId);
  if (!book || !row) return null;
  const attempts = new Map(row.progress.items.filter((i) => i.kind === 'quiz').map((i) => [i.id, listAttempts(db, learnerId, i.id)]));
  return { course: book.course, row, attempts };
}

function csvCell(value: string | number): string {
  const s = String(value);
  // Quote always; neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** One item's cell: a score that counts with its tries, 'done', 'pending' (waiting for the teacher), or empty. */
function csvItem(i: CourseProgress['items'][number]): string {
  if (i.state === 'pending' && i.keptPercent === null) return `pending (${i.attempts})`;
  if (i.kind === 'lesson' && i.state === 'done') return i.keptPercent === null ? 'done' : `done ${i.keptPercent}%`;
  return i.keptPercent === null ? '' : `${i.keptPercent}% (${i.attempts})`;
}

/**
 * The gradebook as CSV (UTF-8 with BOM so spreadsheet programs read ā and я
 * correctly). The export is audited: learner data leaves the platform.
 */
export function exportGradebookCsv(db: Db, teacher: SessionUser, book: Gradebook, labels: { learner: string; inmateNumber: string; status: string; percent: string; time: string }): string {
  const header = [labels.learner, labels.inmateNumber, labels.status, labels.percent, labels.time + ' (min)', ...book.items.map((i) => i.title)];
  const lines = book.rows.map((r) => [
    r.name,
    r.inmateNumber,
    r.status,
    r.progress.percent,
    Math.round(r.progress.seconds / 60),
    ...r.progress.items.map(csvItem),
  ]);
  appendAudit(db, {
    actor: auditActor(teacher),
    action: 'gradebook.export',
    targetType: 'course',
    targetId: book.course.id,
    facilityId: teacher.facilityId,
    details: { learners: book.rows.length },
  });
  return '\uFEFF' + [header, ...lines].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
