import { stmt, type Db } from '../db.ts';
import { can } from '../policy.ts';
import type { SessionUser } from '../session.ts';
import { getCourse, type Course } from '../courses/catalog.ts';
import { getCourseProgress, type ItemState } from './progress.ts';
import type { EnrolmentStatus } from './enrolments.ts';

/**
 * What a learner is studying, as education staff see it on the learner's
 * page: every course the learner is enrolled in or has begun (inside a
 * programme or not), with progress, active time, last activity and test
 * results. Progress is the learner's own (progress.ts), so staff and the
 * learner see the same percent.
 */

/** One quiz or H5P activity the learner has tried. */
export interface TestResult {
  itemId: number;
  title: string;
  kind: 'quiz' | 'activity';
  /** The best graded score in percent (quiz: best attempt; activity: best result); null while all wait for grading. */
  bestPercent: number | null;
  attempts: number;
  state: Exclude<ItemState, 'todo' | 'done'>;
}

export interface CourseStudy {
  course: Course;
  /** The latest enrolment's status; null: the learner has a record in the course without an enrolment (an earlier one). */
  enrolmentStatus: EnrolmentStatus | null;
  percent: number;
  countedDone: number;
  countedTotal: number;
  seconds: number;
  /** ISO timestamp of the last lesson done, attempt, activity result or active minute; null: nothing yet. */
  lastActivityAt: string | null;
  completedAt: string | null;
  tests: TestResult[];
}

interface CourseRow {
  course_id: string;
  status: EnrolmentStatus | null;
  last_at: string | null;
}

interface QuizRow {
  item_id: number;
  best: number | null;
}

/**
 * The learner's courses (active ones first, then by last activity), or null
 * when the actor may not see the learner (not found and not allowed look the same).
 */
export function learnerStudy(db: Db, actor: SessionUser, learnerId: number): CourseStudy[] | null {
  const facilityId = stmt(db, 'SELECT u.facility_id FROM learner l JOIN user u ON u.id = l.user_id WHERE l.id = ?').pluck().get(learnerId) as number | undefined;
  if (facilityId === undefined || !can(actor, 'learners:view', { facilityId })) return null;
  // Every course the learner is enrolled in (not merely waiting) or has any record in, with the last moment of activity.
  const rows = stmt(
    db,
    `WITH activity(course_id, at) AS (
       SELECT i.course_id, p.done_at FROM lesson_progress p JOIN course_item i ON i.id = p.item_id WHERE p.learner_id = @learner
       UNION ALL SELECT i.course_id, a.submitted_at FROM quiz_attempt a JOIN course_item i ON i.id = a.item_id WHERE a.learner_id = @learner
       UNION ALL SELECT i.course_id, r.received_at FROM h5p_result r JOIN course_item i ON i.id = r.item_id WHERE r.learner_id = @learner
       UNION ALL SELECT i.course_id, t.last_active_at FROM time_on_task t JOIN course_item i ON i.id = t.item_id WHERE t.learner_id = @learner
       UNION ALL SELECT course_id, NULL FROM enrolment WHERE learner_id = @learner AND status != 'waitlisted'
     )
     SELECT a.course_id, max(a.at) AS last_at,
       (SELECT e.status FROM enrolment e WHERE e.learner_id = @learner AND e.course_id = a.course_id AND e.status != 'waitlisted' ORDER BY e.id DESC LIMIT 1) AS status
     FROM activity a GROUP BY a.course_id`,
  ).all({ learner: learnerId }) as CourseRow[];
  // Best graded quiz score per quiz, whatever score the quiz keeps for completion.
  const bestQuiz = new Map(
    (
      stmt(db, "SELECT item_id, max(CASE WHEN status != 'pending' THEN percent END) AS best FROM quiz_attempt WHERE learner_id = ? GROUP BY item_id").all(
        learnerId,
      ) as QuizRow[]
    ).map((r) => [r.item_id, r.best]),
  );
  const studies = rows.flatMap((row): CourseStudy[] => {
    const course = getCourse(db, row.course_id);
    if (!course) return [];
    const progress = getCourseProgress(db, learnerId, course);
    const tests = progress.items.flatMap((item): TestResult[] => {
      // Attempts are quiz attempts or H5P results: a lesson without an activity has none.
      if (item.attempts === 0) return [];
      const kind = item.kind === 'quiz' ? 'quiz' : 'activity';
      // A lesson is 'done' when its activity reached the threshold: for the activity, that is a pass.
      const state: TestResult['state'] = item.state === 'done' || item.state === 'todo' ? 'passed' : item.state;
      const bestPercent = kind === 'quiz' ? (bestQuiz.get(item.id) ?? null) : item.keptPercent;
      return [{ itemId: item.id, title: item.title, kind, bestPercent, attempts: item.attempts, state }];
    });
    return [
      {
        course,
        enrolmentStatus: row.status,
        percent: progress.completedAt ? 100 : progress.percent,
        countedDone: progress.countedDone,
        countedTotal: progress.countedTotal,
        seconds: progress.seconds,
        lastActivityAt: row.last_at,
        completedAt: progress.completedAt,
        tests,
      },
    ];
  });
  const open = (s: CourseStudy) => (s.enrolmentStatus === 'enrolled' ? 0 : 1);
  return studies.sort((a, b) => open(a) - open(b) || (b.lastActivityAt ?? '').localeCompare(a.lastActivityAt ?? '') || a.course.id.localeCompare(b.course.id));
}
