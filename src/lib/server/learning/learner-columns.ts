import { stmt, type Db } from '../db.ts';
import { facilitiesFor } from '../policy.ts';
import type { SessionUser } from '../session.ts';

/**
 * The learner list's study columns: how many courses each learner has
 * (enrolled or begun), their average progress, and the date of the last
 * career or pre-release consultation. One query for the whole page, scoped
 * to the facilities where the actor sees learners.
 *
 * Progress here is counted in SQL with the courses' pass rules: the counted
 * lessons done and counted quizzes passed (any graded passing attempt) of
 * the current items, 100 once the course is completed. progress.ts is the
 * full rule (a quiz that keeps its last score); the learner page shows that.
 */
export interface LearnerColumns {
  courses: number;
  /** Whole percent, 0–100; null without courses. */
  averagePercent: number | null;
  /** YYYY-MM-DD; null: no consultation yet. */
  lastConsultationOn: string | null;
}

interface Row {
  id: number;
  courses: number;
  average: number | null;
  last_consultation: string | null;
}

const COUNTED = `i.archived_at IS NULL AND (
  (i.kind = 'lesson' AND (json_extract(co.pass_rules_json, '$.lessons') = 'all' OR i.required = 1))
  OR (i.kind = 'quiz' AND json_extract(co.pass_rules_json, '$.quizzes') = 1))`;

const QUERY = `
WITH scoped(id) AS (
  SELECT l.id FROM learner l JOIN user u ON u.id = l.user_id
  WHERE l.id IN (SELECT value FROM json_each(@ids)) AND (@all = 1 OR u.facility_id IN (SELECT value FROM json_each(@facilities)))
),
taken(learner_id, course_id) AS (
  SELECT e.learner_id, e.course_id FROM enrolment e JOIN scoped s ON s.id = e.learner_id WHERE e.status != 'waitlisted'
  UNION SELECT p.learner_id, i.course_id FROM lesson_progress p JOIN scoped s ON s.id = p.learner_id JOIN course_item i ON i.id = p.item_id
  UNION SELECT a.learner_id, i.course_id FROM quiz_attempt a JOIN scoped s ON s.id = a.learner_id JOIN course_item i ON i.id = a.item_id
  UNION SELECT r.learner_id, i.course_id FROM h5p_result r JOIN scoped s ON s.id = r.learner_id JOIN course_item i ON i.id = r.item_id
  UNION SELECT t.learner_id, i.course_id FROM time_on_task t JOIN scoped s ON s.id = t.learner_id JOIN course_item i ON i.id = t.item_id
),
percent(learner_id, value) AS (
  SELECT t.learner_id,
    CASE WHEN EXISTS (SELECT 1 FROM course_completion c WHERE c.learner_id = t.learner_id AND c.course_id = t.course_id) THEN 100
    ELSE coalesce((
      SELECT (100 * sum(CASE WHEN
          (i.kind = 'lesson' AND EXISTS (SELECT 1 FROM lesson_progress p WHERE p.learner_id = t.learner_id AND p.item_id = i.id))
          OR (i.kind = 'quiz' AND EXISTS (SELECT 1 FROM quiz_attempt a WHERE a.learner_id = t.learner_id AND a.item_id = i.id AND a.passed = 1 AND a.status != 'pending'))
        THEN 1 ELSE 0 END)) / count(*)
      FROM course_item i JOIN course co ON co.id = i.course_id WHERE i.course_id = t.course_id AND ${COUNTED}), 0)
    END
  FROM taken t
)
SELECT s.id,
  (SELECT count(*) FROM percent p WHERE p.learner_id = s.id) AS courses,
  (SELECT avg(p.value) FROM percent p WHERE p.learner_id = s.id) AS average,
  (SELECT max(c.held_on) FROM consultation c WHERE c.learner_id = s.id) AS last_consultation
FROM scoped s`;

/** The columns of the listed learners the actor may see, by learner id (others are absent). */
export function learnerListColumns(db: Db, actor: SessionUser, learnerIds: readonly number[]): Map<number, LearnerColumns> {
  const scope = facilitiesFor(actor, 'learners:view');
  const columns = new Map<number, LearnerColumns>();
  if (learnerIds.length === 0 || (scope !== 'all' && scope.length === 0)) return columns;
  const rows = stmt(db, QUERY).all({
    ids: JSON.stringify(learnerIds),
    all: scope === 'all' ? 1 : 0,
    facilities: JSON.stringify(scope === 'all' ? [] : scope),
  }) as Row[];
  for (const r of rows) {
    columns.set(r.id, {
      courses: r.courses,
      averagePercent: r.courses === 0 || r.average === null ? null : Math.round(r.average),
      lastConsultationOn: r.last_consultation,
    });
  }
  return columns;
}
