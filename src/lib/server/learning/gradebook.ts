import { stmt, type Db } from '../db.ts';
import { appendAudit } from '../audit.ts';
import { can, facilitiesFor } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { getCourse, getCourseItems, getQuizVersion, type Course, type CourseItem } from '../courses/catalog.ts';
import type { Quiz } from '../courses/package-schema.ts';
import { getCourseProgress, type CourseProgress } from './progress.ts';
import { getAttempt, listAttempts, quizTries, type Attempt, type Tries } from './quiz-attempts.ts';
import { auditActor } from '../people/users.ts';
import type { EnrolmentStatus } from './enrolments.ts';
import { helpFlags, type HelpFlags } from './help-needed.ts';
import { formatNumber, formatPercent, t } from '../../i18n/index.ts';
import type { Locale } from '../../shared/domain.ts';

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
  /** Not started, stuck, out of tries: what the gradebook and the teacher's home point out. */
  help: HelpFlags;
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
function buildGradebook(db: Db, teacher: SessionUser, courseId: string, query: LearnerQuery, now: Date): (Gradebook & { keys: Array<[string, string, number]> }) | null {
  if (!teaches(db, teacher, courseId)) return null;
  const course = getCourse(db, courseId);
  if (!course) return null;
  const learners = gradebookLearners(db, teacher, courseId, query);
  // Progress is worked out when a row's is read: the grading queue reads only names, for every learner.
  const rows = learners.map((r): GradebookRow => {
    let progress: CourseProgress | null = null;
    let help: HelpFlags | null = null;
    return {
      learnerId: r.learner_id,
      inmateNumber: r.inmate_number,
      name: `${r.surname}, ${r.given_names}`,
      status: r.status,
      get progress() {
        return (progress ??= getCourseProgress(db, r.learner_id, course));
      },
      get help() {
        return (help ??= helpFlags(db, r.learner_id, this.progress, now));
      },
    };
  });
  return { course, items: getCourseItems(db, course.id), rows, keys: learners.map((r) => [r.surname, r.given_names, r.learner_id]) };
}

/** The gradebook of a course the teacher teaches, or null: every learner (the export, the grading queue). */
export function getGradebook(db: Db, teacher: SessionUser, courseId: string, query: LearnerQuery = {}, now = new Date()): Gradebook | null {
  const book = buildGradebook(db, teacher, courseId, query, now);
  return book ? { course: book.course, items: book.items, rows: book.rows } : null;
}

/** Rows per page of the gradebook page. */
export const GRADEBOOK_PAGE_SIZE = 100;

/**
 * One page of the gradebook in name order (`after`: the `next` of the page
 * before), with the number of learners in all: a course followed by thousands
 * of learners renders one page at a time (keyset paging).
 */
export function pageGradebook(db: Db, teacher: SessionUser, courseId: string, after?: string | null, now = new Date()): (Gradebook & { total: number; next: string | null }) | null {
  const book = buildGradebook(db, teacher, courseId, { after: decodeKey(after), limit: GRADEBOOK_PAGE_SIZE + 1 }, now);
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
  /** Per quiz item: tries used and allowed (with the ones a teacher added), for "allow one more try". */
  tries: Map<number, Tries>;
}

/** One learner's work in a course the teacher teaches (null if not theirs to see). */
export function getLearnerCourseDetail(db: Db, teacher: SessionUser, courseId: string, learnerId: number): LearnerCourseDetail | null {
  // Only this learner's row: not the whole course's (thousands of learners at national scale).
  const book = getGradebook(db, teacher, courseId, { learnerId });
  const row = book?.rows.find((r) => r.learnerId === learnerId);
  if (!book || !row) return null;
  const quizzes = row.progress.items.filter((i) => i.kind === 'quiz');
  const attempts = new Map(quizzes.map((i) => [i.id, listAttempts(db, learnerId, i.id)]));
  const tries = new Map(
    quizzes.flatMap((i) => {
      const quiz = getQuizVersion(db, i.versionId);
      return quiz ? [[i.id, quizTries(db, learnerId, i, quiz)] as const] : [];
    }),
  );
  return { course: book.course, row, attempts, tries };
}

export interface AttemptReviewView {
  course: Course;
  row: GradebookRow;
  item: CourseItem;
  attempt: Attempt;
  /** The quiz as the learner answered it (the version of the attempt). */
  quiz: Quiz;
}

/** One try of a learner in a course the teacher teaches, with the quiz version it answered (null if not theirs to see). */
export function getAttemptReview(db: Db, teacher: SessionUser, courseId: string, learnerId: number, attemptId: number): AttemptReviewView | null {
  const book = getGradebook(db, teacher, courseId, { learnerId });
  const row = book?.rows.find((r) => r.learnerId === learnerId);
  const attempt = row ? getAttempt(db, learnerId, attemptId) : null;
  const item = attempt ? book?.items.find((i) => i.id === attempt.itemId) : undefined;
  const quiz = attempt ? getQuizVersion(db, attempt.versionId) : null;
  if (!book || !row || !attempt || !item || !quiz) return null;
  return { course: book.course, row, item, attempt, quiz };
}

function csvCell(value: string | number): string {
  const s = String(value);
  // Quote always; neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * One item's cell in the reader's words: "Nokārtots: 80 % (2 mēģ.)", "Gaida
 * skolotāju (1 mēģ.)", "Izdarīts", or empty when not started.
 */
function csvItem(locale: Locale, i: CourseProgress['items'][number]): string {
  const state = t(locale, STATE_LABEL[i.state]);
  if (i.state === 'todo') return '';
  if (i.kind === 'lesson' && i.state === 'done') return i.keptPercent === null ? state : `${state}: ${formatPercent(locale, i.keptPercent)}`;
  const tries = t(locale, 'teach.csvTries', { count: formatNumber(locale, i.attempts) });
  return i.keptPercent === null ? `${state} (${tries})` : `${state}: ${formatPercent(locale, i.keptPercent)} (${tries})`;
}

const STATE_LABEL = { todo: 'learn.stateTodo', done: 'learn.stateDone', passed: 'learn.statePassed', failed: 'learn.stateFailed', pending: 'learn.statePending' } as const;

export function exportGradebookCsv(db: Db, teacher: SessionUser, book: Gradebook, locale: Locale): string {
  const header = [
    t(locale, 'teach.learner'),
    t(locale, 'learner.inmateNumber'),
    t(locale, 'learner.status'),
    t(locale, 'teach.progress'),
    t(locale, 'teach.csvMinutes'),
    t(locale, 'teach.needsHelp'),
    ...book.items.map((i) => i.title),
  ];
  const lines = book.rows.map((r) => [
    r.name,
    r.inmateNumber,
    t(locale, r.status === 'completed' ? 'teach.csvCompleted' : 'teach.inProgress'),
    formatPercent(locale, r.progress.percent),
    Math.round(r.progress.seconds / 60),
    helpLabels(locale, r.help),
    ...r.progress.items.map((i) => csvItem(locale, i)),
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

/** The help labels of a row in words ("Nav sācis", "Mēģinājumi beigušies: Tests 1"), joined. */
export function helpLabels(locale: Locale, help: HelpFlags): string {
  return [
    help.notStarted ? t(locale, 'teach.flagNotStarted') : null,
    help.stuck ? t(locale, 'teach.flagStuck') : null,
    ...help.outOfTries.map((i) => t(locale, 'teach.flagOutOfTriesOn', { title: i.title })),
  ]
    .filter((x) => x !== null)
    .join('; ');
}
