import { stmt, type Db } from '../db.ts';
import { getCourse } from '../courses/catalog.ts';
import { getCourseProgress } from '../learning/progress.ts';
import { rigaDate } from '../placement/consultations.ts';
import type { CertificateItem, CertificateTitle } from './content.ts';

/**
 * The learning a learner began but did not complete, and the courses taken
 * outside any programme: what the transcript and a statement of achievement
 * add to the completed courses, so that no learning is lost (issue 12 item 5).
 */

export interface CourseInProgress {
  courseId: string;
  title: CertificateTitle;
  hours: number;
  /** 0–100: lessons and quizzes done, as the learner's own progress shows it. */
  percent: number;
  /** 'studying': enrolled now; 'stopped': the enrolment ended (release, transfer, withdrawal) before completion. */
  state: 'studying' | 'stopped';
  /** YYYY-MM-DD of the first enrolment in the course. */
  since: string;
}

interface EnrolmentRow {
  course_id: string;
  open: number;
  since: string;
}

/** Courses enrolled in (not only waited for) and not completed, one row per course. */
function unfinishedEnrolments(db: Db, learnerId: number): EnrolmentRow[] {
  return stmt(
    db,
    `SELECT e.course_id, max(e.status = 'enrolled') AS open, min(e.enrolled_at) AS since FROM enrolment e
     WHERE e.learner_id = ? AND e.status NOT IN ('waitlisted', 'completed')
       AND NOT EXISTS (SELECT 1 FROM course_completion c WHERE c.learner_id = e.learner_id AND c.course_id = e.course_id)
     GROUP BY e.course_id ORDER BY since, e.course_id`,
  ).all(learnerId) as EnrolmentRow[];
}

/**
 * Courses begun and not completed: every course studied now (even at 0 %),
 * and those whose enrolment ended with something done (a course left at 0 %
 * says nothing about the learner).
 */
export function coursesInProgress(db: Db, learnerId: number): CourseInProgress[] {
  const out: CourseInProgress[] = [];
  for (const e of unfinishedEnrolments(db, learnerId)) {
    const course = getCourse(db, e.course_id);
    if (!course) continue;
    const percent = getCourseProgress(db, learnerId, course).percent;
    if (!e.open && percent === 0) continue;
    out.push({ courseId: course.id, title: course.title, hours: course.hours, percent, state: e.open ? 'studying' : 'stopped', since: rigaDate(new Date(e.since)) });
  }
  return out;
}

/** Courses the learner studied that belong to none of their programmes (placements of any state but a waiting list's). */
function outsideProgrammeCourseIds(db: Db, learnerId: number): string[] {
  return stmt(
    db,
    `SELECT course_id FROM (
       SELECT course_id, min(enrolled_at) AS since FROM enrolment WHERE learner_id = @learner AND status <> 'waitlisted' GROUP BY course_id
       UNION ALL
       SELECT course_id, completed_at FROM course_completion WHERE learner_id = @learner
     ) WHERE course_id NOT IN (
       SELECT pc.course_id FROM placement p JOIN programme_course pc ON pc.programme_id = p.programme_id
       WHERE p.learner_id = @learner AND p.status <> 'waitlisted'
     ) GROUP BY course_id ORDER BY min(since), course_id`,
  )
    .pluck()
    .all({ learner: learnerId }) as string[];
}

/**
 * The courses outside any programme, as items of a statement of achievement:
 * completed ones with their date, begun ones with how far they got (none at 0 %).
 */
export function outsideProgrammeItems(db: Db, learnerId: number): CertificateItem[] {
  const items: CertificateItem[] = [];
  for (const courseId of outsideProgrammeCourseIds(db, learnerId)) {
    const course = getCourse(db, courseId);
    if (!course) continue;
    const completedAt = stmt(db, 'SELECT completed_at FROM course_completion WHERE learner_id = ? AND course_id = ?').pluck().get(learnerId, courseId) as string | undefined;
    if (completedAt) {
      items.push({ title: course.title, hours: course.hours, completedOn: rigaDate(new Date(completedAt)), outside: true });
      continue;
    }
    const percent = getCourseProgress(db, learnerId, course).percent;
    if (percent > 0) items.push({ title: course.title, hours: course.hours, completedOn: null, progressPercent: percent, outside: true });
  }
  return items;
}

/**
 * Whether a statement for `placementId` carries the learner's courses outside
 * programmes: the first of the placements a release or transfer closed
 * together does, so they are stated once, not on every programme's statement.
 */
export function statementCarriesOutsideCourses(db: Db, learnerId: number, placementId: number): boolean {
  const first = stmt(
    db,
    `SELECT min(o.id) FROM placement p JOIN placement o ON o.learner_id = p.learner_id AND o.status = p.status AND o.status_at = p.status_at
     WHERE p.id = ? AND p.learner_id = ?`,
  )
    .pluck()
    .get(placementId, learnerId) as number | null;
  return first === placementId;
}
