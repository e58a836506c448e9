import { stmt, type Db } from '../db.ts';
import { getCourseItems, getQuizVersion, type Course, type CourseItem, type PassRules } from '../courses/catalog.ts';

/**
 * A learner's progress in a course: per item (done, quiz kept score,
 * attempts, active time) and for the course (percent, next item, completion).
 * Read only: what a completion sets off lives in ./course-completed.ts, so
 * placements and certificates can read progress without an import cycle.
 */

/** 'pending': waiting for the teacher's grade (an essay). 'failed': tried, not (yet) passed. */
export type ItemState = 'todo' | 'done' | 'passed' | 'failed' | 'pending';

export interface ItemProgress extends CourseItem {
  state: ItemState;
  /** Whether this item counts toward completion under the course's pass rules. */
  counts: boolean;
  attempts: number;
  /** The score that counts (quiz: best or last attempt, per the quiz; H5P activity: the best), in percent. */
  keptPercent: number | null;
  seconds: number;
}

export interface CompletionEvidence {
  lessonsDone: number;
  lessonsRequired: number;
  quizzesPassed: number;
  quizzesRequired: number;
  seconds: number;
  minHours: number;
}

export interface CourseProgress {
  courseId: string;
  items: ItemProgress[];
  countedDone: number;
  countedTotal: number;
  /** 0–100, whole numbers. */
  percent: number;
  /** The first unfinished item in order ("Continue"), or null when everything is done. */
  nextItemId: number | null;
  seconds: number;
  evidence: CompletionEvidence;
  /** Pass rules hold now. */
  complete: boolean;
  completedAt: string | null;
}

interface AttemptRow {
  id: number;
  item_id: number;
  percent: number;
  passed: number;
  /** Waiting for the teacher to grade its essay answers. */
  pending: boolean;
}

interface RecordRow {
  kind: 'done' | 'attempt' | 'time' | 'completed' | 'h5p';
  item: number;
  value: number;
  passed: number;
  seq: number;
  at: string | null;
}

/** Which items count toward completion. */
export function counts(item: Pick<CourseItem, 'kind' | 'required'>, rules: PassRules): boolean {
  if (item.kind === 'quiz') return rules.quizzes;
  return rules.lessons === 'all' || item.required;
}

export function getCourseProgress(db: Db, learnerId: number, course: Pick<Course, 'id' | 'passRules'>): CourseProgress {
  const items = getCourseItems(db, course.id);
  // One round trip for the learner's whole record in this course (this runs on every learner page).
  const rows = stmt(
    db,
    `SELECT 'done' AS kind, p.item_id AS item, 0 AS value, 0 AS passed, 0 AS seq, NULL AS at
       FROM lesson_progress p JOIN course_item i ON i.id = p.item_id WHERE p.learner_id = @learner AND i.course_id = @course
     UNION ALL
     SELECT 'attempt', a.item_id, a.percent, a.passed, a.id, a.status
       FROM quiz_attempt a JOIN course_item i ON i.id = a.item_id WHERE a.learner_id = @learner AND i.course_id = @course
     UNION ALL
     SELECT 'h5p', r.item_id, max(CASE WHEN r.status != 'pending' AND r.max > 0 THEN r.percent END), max(r.status = 'pending'), count(*), NULL
       FROM h5p_result r JOIN course_item i ON i.id = r.item_id WHERE r.learner_id = @learner AND i.course_id = @course GROUP BY r.item_id
     UNION ALL
     SELECT 'time', t.item_id, t.seconds, 0, 0, NULL
       FROM time_on_task t JOIN course_item i ON i.id = t.item_id WHERE t.learner_id = @learner AND i.course_id = @course
     UNION ALL
     SELECT 'completed', 0, 0, 0, 0, completed_at FROM course_completion WHERE learner_id = @learner AND course_id = @course`,
  ).all({ learner: learnerId, course: course.id }) as RecordRow[];
  const done = new Set<number>();
  const seconds = new Map<number, number>();
  const attempts: AttemptRow[] = [];
  const activities = new Map<number, { best: number | null; pending: boolean; count: number }>();
  let completedAt: string | null = null;
  for (const r of rows) {
    if (r.kind === 'done') done.add(r.item);
    else if (r.kind === 'time') seconds.set(r.item, r.value);
    else if (r.kind === 'attempt') attempts.push({ item_id: r.item, percent: r.value, passed: r.passed, id: r.seq, pending: r.at === 'pending' });
    else if (r.kind === 'h5p') activities.set(r.item, { best: r.value, pending: r.passed === 1, count: r.seq });
    else completedAt = r.at;
  }
  attempts.sort((a, b) => a.id - b.id);

  const progress: ItemProgress[] = items.map((item) => {
    const base = { ...item, counts: counts(item, course.passRules), seconds: seconds.get(item.id) ?? 0 };
    if (item.kind === 'lesson') {
      // A lesson with an H5P activity is done when the activity reached its threshold (see h5p-results.ts).
      const activity = activities.get(item.id);
      const state: ItemState = done.has(item.id) ? 'done' : activity?.pending ? 'pending' : activity ? 'failed' : 'todo';
      return { ...base, state, attempts: activity?.count ?? 0, keptPercent: activity?.best ?? null };
    }
    const mine = attempts.filter((a) => a.item_id === item.id);
    if (mine.length === 0) return { ...base, state: 'todo', attempts: 0, keptPercent: null };
    const graded = mine.filter((a) => !a.pending);
    if (graded.length === 0) return { ...base, state: 'pending', attempts: mine.length, keptPercent: null };
    const keep = getQuizVersion(db, item.versionId)?.keep ?? 'best';
    const kept = keep === 'last' ? graded.at(-1)! : graded.reduce((best, a) => (a.percent > best.percent ? a : best));
    const state: ItemState = kept.passed ? 'passed' : mine.some((a) => a.pending) ? 'pending' : 'failed';
    return { ...base, state, attempts: mine.length, keptPercent: kept.percent };
  });

  const finished = (p: ItemProgress) => p.state === 'done' || p.state === 'passed';
  const counted = progress.filter((p) => p.counts);
  const lessons = counted.filter((p) => p.kind === 'lesson');
  const quizzes = counted.filter((p) => p.kind === 'quiz');
  const totalSeconds = progress.reduce((s, p) => s + p.seconds, 0);
  const evidence: CompletionEvidence = {
    lessonsDone: lessons.filter(finished).length,
    lessonsRequired: lessons.length,
    quizzesPassed: quizzes.filter(finished).length,
    quizzesRequired: quizzes.length,
    seconds: totalSeconds,
    minHours: course.passRules.minHours,
  };
  const countedDone = counted.filter(finished).length;
  return {
    courseId: course.id,
    items: progress,
    countedDone,
    countedTotal: counted.length,
    percent: counted.length === 0 ? 0 : Math.floor((countedDone / counted.length) * 100),
    nextItemId: progress.find((p) => !finished(p))?.id ?? null,
    seconds: totalSeconds,
    evidence,
    complete:
      evidence.lessonsDone === evidence.lessonsRequired &&
      evidence.quizzesPassed === evidence.quizzesRequired &&
      totalSeconds >= course.passRules.minHours * 3600,
    completedAt,
  };
}
