import { z } from 'zod';
import { learnerFacilityId } from '../people/learners.ts';
import { stmt, type Db } from '../db.ts';
import { getActivity, type Activity, type Course, type CourseItem } from '../courses/catalog.ts';
import { recordCompletionIfDue } from './course-completed.ts';
import { appendAudit } from '../audit.ts';
import { auditActor } from '../people/users.ts';
import type { SessionUser } from '../session.ts';
import { getGradebook, type Gradebook } from './gradebook.ts';
import { ESSAY_COMMENT_MAX, type GradeEssayError, type PendingEssay } from './essays.ts';

/**
 * Results of H5P activities. The sandboxed player reports xAPI statements to
 * the lesson page, which posts them here: each is validated, tied to the
 * activity the learner has open (its content id must match), and stored per
 * learner and attempt. The best score counts; reaching the activity's pass
 * threshold marks the lesson done, which counts toward the course's pass
 * rules like any lesson. Essays (H5P.Essay) wait for the teacher instead.
 *
 * H5P scores are computed in the browser: a learner who forges requests can
 * forge a score, as with any client-side H5P integration (docs/h5p-security.md).
 * Quizzes that must be trusted are native quizzes, graded on the server.
 */

export const XAPI_VERBS = {
  answered: 'http://adlnet.gov/expapi/verbs/answered',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
} as const;
const LOCAL_CONTENT_ID = 'http://h5p.org/x-api/h5p-local-content-id';
const SUB_CONTENT_ID = 'http://h5p.org/x-api/h5p-subContentId';

/** Main libraries whose answers a teacher grades (the player's own score is only a suggestion). */
export const TEACHER_GRADED_LIBRARIES: ReadonlySet<string> = new Set(['H5P.Essay']);

/** Largest statement accepted (a question set with its definitions stays well below). */
export const MAX_STATEMENT_BYTES = 256 * 1024;
/** Largest saved state (H5P contentUserData). */
export const MAX_STATE_BYTES = 64 * 1024;

const score = z
  .object({
    raw: z.number().finite().min(0),
    max: z.number().finite().min(0).max(100_000),
    min: z.number().finite().optional(),
    scaled: z.number().finite().min(-1).max(1).optional(),
  })
  .refine((s) => s.raw <= s.max, { message: 'raw score above max' });

/** What the lesson page posts: the player's statement as H5P made it, and the page visit it belongs to. */
export const statementInputSchema = z.object({
  /** Random per page visit of the player: statements of one visit are one attempt. */
  attemptKey: z.string().regex(/^[0-9a-f]{32}$/),
  statement: z.looseObject({
    verb: z.looseObject({ id: z.enum([XAPI_VERBS.answered, XAPI_VERBS.completed]) }),
    object: z.looseObject({
      id: z.string().max(2000),
      definition: z.looseObject({ extensions: z.record(z.string(), z.unknown()).optional() }).optional(),
    }),
    result: z
      .looseObject({
        score: score.optional(),
        completion: z.boolean().optional(),
        success: z.boolean().optional(),
        response: z.string().max(100_000).optional(),
      })
      .optional(),
    context: z.looseObject({ contextActivities: z.looseObject({ parent: z.array(z.unknown()).optional() }).optional() }).optional(),
  }),
});
export type StatementInput = z.infer<typeof statementInputSchema>;

export const stateInputSchema = z.object({
  state: z.string().max(MAX_STATE_BYTES).refine(
    (s) => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'not JSON' },
  ),
});

export interface ActivityOutcome {
  /** False for statements that do not score the activity (a question inside a set, no score). */
  counted: boolean;
  percent: number | null;
  passed: boolean;
  /** Waiting for the teacher (essays). */
  pending: boolean;
  /** The lesson is done now (this or an earlier result reached the threshold). */
  lessonDone: boolean;
  courseCompleted: boolean;
}

export type StatementResult = { ok: true; outcome: ActivityOutcome } | { ok: false; code: 'activity.none' | 'activity.wrongContent' };

/** 0–100 with one decimal. */
const toPercent = (raw: number, max: number) => Math.round((raw / max) * 1000) / 10;

export function passes(percent: number, passPercent: number): boolean {
  return percent >= passPercent;
}

function lessonDone(db: Db, learnerId: number, itemId: number): boolean {
  return stmt(db, 'SELECT 1 FROM lesson_progress WHERE learner_id = ? AND item_id = ?').get(learnerId, itemId) !== undefined;
}

/** Marks the lesson done (once) and records the course completion when due. Inside a transaction. */
function creditLesson(db: Db, learnerId: number, course: Pick<Course, 'id' | 'passRules'>, item: CourseItem, now: Date): boolean {
  stmt(db, 'INSERT OR IGNORE INTO lesson_progress (learner_id, item_id, version_id, done_at) VALUES (?, ?, ?, ?)').run(
    learnerId,
    item.id,
    item.versionId,
    now.toISOString(),
  );
  return recordCompletionIfDue(db, learnerId, course, now);
}

/** The statement's H5P content id, and whether it is about a part (sub-content) of the activity. */
function aboutContent(statement: StatementInput['statement']): { contentId: string | null; part: boolean } {
  const ext = statement.object.definition?.extensions ?? {};
  const id = ext[LOCAL_CONTENT_ID];
  const part = ext[SUB_CONTENT_ID] !== undefined || (statement.context?.contextActivities?.parent?.length ?? 0) > 0;
  return { contentId: typeof id === 'string' || typeof id === 'number' ? String(id) : null, part };
}

/**
 * Stores one statement for the learner's open lesson `item` (already checked
 * by openItem: enrolled, current item). The same score reported twice by one
 * visit within a minute (H5P sends `answered` and then `completed`) is one result.
 */
export function recordStatement(
  db: Db,
  learnerId: number,
  course: Pick<Course, 'id' | 'passRules'>,
  item: CourseItem,
  input: StatementInput,
  now = new Date(),
): StatementResult {
  const activity = item.kind === 'lesson' ? getActivity(db, item.versionId) : null;
  if (!activity) return { ok: false, code: 'activity.none' };
  const { statement } = input;
  const about = aboutContent(statement);
  if (about.contentId !== String(activity.contentId)) return { ok: false, code: 'activity.wrongContent' };
  const notCounted = (): StatementResult => ({
    ok: true,
    outcome: { counted: false, percent: null, passed: false, pending: false, lessonDone: lessonDone(db, learnerId, item.id), courseCompleted: false },
  });
  if (about.part) return notCounted();
  const verb = statement.verb.id === XAPI_VERBS.answered ? 'answered' : 'completed';
  // A score out of 0 (a question set whose questions have no right answer) scores nothing.
  const scored = statement.result?.score && statement.result.score.max > 0 ? statement.result.score : undefined;
  const teacherGraded = TEACHER_GRADED_LIBRARIES.has(activity.mainLibrary);
  // Without a score only a practice activity (threshold 0) can be finished, by completing it.
  const finishedUnscored = !scored && activity.passPercent === 0 && (verb === 'completed' || statement.result?.completion === true);
  if (!scored && !finishedUnscored && !teacherGraded) return notCounted();
  const raw = scored?.raw ?? 0;
  const max = scored?.max ?? 0;
  const percent = max > 0 ? toPercent(raw, max) : 0;
  const pending = teacherGraded;
  const passed = !pending && (finishedUnscored || passes(percent, activity.passPercent));
  return db
    .transaction((): StatementResult => {
      const recent = stmt(
        db,
        `SELECT id FROM h5p_result WHERE learner_id = ? AND item_id = ? AND attempt_key = ? AND raw = ? AND max = ? AND status != 'graded'
           AND received_at >= ? ORDER BY id DESC LIMIT 1`,
      )
        .pluck()
        .get(learnerId, item.id, input.attemptKey, raw, max, new Date(now.getTime() - 60_000).toISOString()) as number | undefined;
      const json = JSON.stringify(statement);
      if (recent !== undefined) {
        stmt(db, 'UPDATE h5p_result SET verb = ?, statement_json = ?, response = coalesce(?, response), received_at = ? WHERE id = ?').run(
          verb,
          json,
          statement.result?.response ?? null,
          now.toISOString(),
          recent,
        );
      } else {
        stmt(
          db,
          `INSERT INTO h5p_result (learner_id, item_id, version_id, content_id, attempt_key, verb, raw, max, percent, passed, status, response, statement_json, received_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          learnerId,
          item.id,
          item.versionId,
          activity.contentId,
          input.attemptKey,
          verb,
          raw,
          max,
          percent,
          passed ? 1 : 0,
          pending ? 'pending' : 'scored',
          statement.result?.response ?? null,
          json,
          now.toISOString(),
        );
      }
      const courseCompleted = passed ? creditLesson(db, learnerId, course, item, now) : false;
      return { ok: true, outcome: { counted: true, percent: max > 0 ? percent : null, passed, pending, lessonDone: lessonDone(db, learnerId, item.id), courseCompleted } };
    })
    .immediate();
}

/** Saves the learner's H5P state for the activity they have open. */
export function saveState(db: Db, learnerId: number, item: CourseItem, state: string, now = new Date()): boolean {
  const activity = item.kind === 'lesson' ? getActivity(db, item.versionId) : null;
  if (!activity) return false;
  stmt(
    db,
    `INSERT INTO h5p_state (learner_id, item_id, content_id, state, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (learner_id, item_id) DO UPDATE SET content_id = excluded.content_id, state = excluded.state, updated_at = excluded.updated_at`,
  ).run(learnerId, item.id, activity.contentId, state, now.toISOString());
  return true;
}

/** The saved state, when it belongs to the content the lesson plays now (a replaced activity starts fresh). */
export function loadState(db: Db, learnerId: number, itemId: number, contentId: number): string | null {
  return (
    (stmt(db, 'SELECT state FROM h5p_state WHERE learner_id = ? AND item_id = ? AND content_id = ?').pluck().get(learnerId, itemId, contentId) as
      | string
      | undefined) ?? null
  );
}

export interface ActivityResult {
  id: number;
  percent: number;
  raw: number;
  max: number;
  status: 'scored' | 'pending' | 'graded';
  passed: boolean;
  receivedAt: string;
  comment: string | null;
  gradedAt: string | null;
}

export interface ActivitySummary {
  activity: Activity;
  results: ActivityResult[];
  /** Best counted percent (pending essays excluded), or null. */
  bestPercent: number | null;
  passed: boolean;
  pending: boolean;
  lessonDone: boolean;
}

/** The learner's results on a lesson's activity, newest first. */
export function activitySummary(db: Db, learnerId: number, item: CourseItem): ActivitySummary | null {
  const activity = item.kind === 'lesson' ? getActivity(db, item.versionId) : null;
  if (!activity) return null;
  const rows = stmt(
    db,
    `SELECT id, percent, raw, max, status, passed, received_at, comment, graded_at FROM h5p_result
     WHERE learner_id = ? AND item_id = ? ORDER BY id DESC LIMIT 50`,
  ).all(learnerId, item.id) as Array<{
    id: number;
    percent: number;
    raw: number;
    max: number;
    status: ActivityResult['status'];
    passed: number;
    received_at: string;
    comment: string | null;
    graded_at: string | null;
  }>;
  const results = rows.map((r) => ({
    id: r.id,
    percent: r.percent,
    raw: r.raw,
    max: r.max,
    status: r.status,
    passed: r.passed === 1,
    receivedAt: r.received_at,
    comment: r.comment,
    gradedAt: r.graded_at,
  }));
  const counted = results.filter((r) => r.status !== 'pending' && r.max > 0);
  return {
    activity,
    results,
    bestPercent: counted.length ? Math.max(...counted.map((r) => r.percent)) : null,
    passed: results.some((r) => r.passed),
    pending: results.some((r) => r.status === 'pending'),
    lessonDone: lessonDone(db, learnerId, item.id),
  };
}

/** H5P essays are graded in percent: the teacher gives 0–100 points. */
export const H5P_ESSAY_MAX_POINTS = 100;

/** Plain text of H5P's HTML snippets (task descriptions, sample answers), for the grading page. */
function plainText(html: unknown): string | null {
  if (typeof html !== 'string') return null;
  const text = html
    .replace(/<br\s*\/?>|<\/(p|div|li)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text || null;
}

export const h5pEssayId = (resultId: number) => `h5p:${resultId}`;

export function parseH5pEssayId(id: string): number | null {
  const m = /^h5p:([1-9]\d{0,15})$/.exec(id);
  return m ? Number(m[1]) : null;
}

interface PendingH5pRow {
  id: number;
  learner_id: number;
  item_id: number;
  content_id: number;
  response: string | null;
  received_at: string;
  content_json: string;
}

/** The H5P essays waiting in a gradebook's course, for its learners only, oldest first. */
export function pendingH5pEssaysOf(db: Db, book: Gradebook): PendingEssay[] {
  const learners = new Map(book.rows.map((r) => [r.learnerId, r]));
  if (learners.size === 0) return [];
  const titles = new Map(book.items.map((i) => [i.id, i.title]));
  const rows = stmt(
    db,
    `SELECT r.id, r.learner_id, r.item_id, r.content_id, r.response, r.received_at, c.content_json
     FROM h5p_result r JOIN course_item i ON i.id = r.item_id JOIN h5p_content c ON c.id = r.content_id
     WHERE i.course_id = ? AND r.status = 'pending' ORDER BY r.received_at, r.id`,
  ).all(book.course.id) as PendingH5pRow[];
  return rows.flatMap((r): PendingEssay[] => {
    const learner = learners.get(r.learner_id);
    if (!learner) return [];
    let params: { taskDescription?: unknown; solution?: { sample?: unknown } } = {};
    try {
      params = JSON.parse(r.content_json) as typeof params;
    } catch {
      // Validated at import; a prompt is then simply missing.
    }
    const title = titles.get(r.item_id) ?? '';
    return [
      {
        source: 'h5p',
        id: h5pEssayId(r.id),
        learnerId: learner.learnerId,
        learnerName: learner.name,
        inmateNumber: learner.inmateNumber,
        itemId: r.item_id,
        itemTitle: title,
        prompt: plainText(params.taskDescription) ?? title,
        guidance: plainText(params.solution?.sample),
        response: r.response ?? '',
        maxPoints: H5P_ESSAY_MAX_POINTS,
        submittedAt: r.received_at,
      },
    ];
  });
}

export type GradeH5pEssayResult = { ok: true; passed: boolean; courseCompleted: boolean } | { ok: false; code: GradeEssayError };

/**
 * The teacher's grade (0–100 %) and comment for an H5P essay. The grade
 * replaces the player's suggestion; reaching the activity's threshold marks
 * the lesson done. One transaction with its audit entry.
 */
export function gradeH5pEssay(db: Db, actor: SessionUser, resultId: number, points: number, comment: string, now = new Date()): GradeH5pEssayResult {
  return db
    .transaction((): GradeH5pEssayResult => {
      const row = stmt(
        db,
        `SELECT r.learner_id, r.item_id, r.status, i.course_id FROM h5p_result r JOIN course_item i ON i.id = r.item_id WHERE r.id = ?`,
      ).get(resultId) as { learner_id: number; item_id: number; status: string; course_id: string } | undefined;
      const book = row ? getGradebook(db, actor, row.course_id) : null;
      if (!row || !book || !book.rows.some((r) => r.learnerId === row.learner_id)) return { ok: false, code: 'essay.notFound' };
      if (row.status === 'graded') return { ok: false, code: 'essay.alreadyGraded' };
      if (row.status !== 'pending') return { ok: false, code: 'essay.notFound' };
      if (!Number.isInteger(points) || points < 0 || points > H5P_ESSAY_MAX_POINTS) return { ok: false, code: 'essay.pointsRange' };
      const text = comment.trim();
      if (text.length > ESSAY_COMMENT_MAX) return { ok: false, code: 'essay.commentTooLong' };
      const item = book.items.find((i) => i.id === row.item_id);
      const activity = item ? getActivity(db, item.versionId) : null;
      const passPercent = activity?.passPercent ?? 0;
      const passed = passes(points, passPercent);
      stmt(
        db,
        `UPDATE h5p_result SET status = 'graded', raw = ?, max = ?, percent = ?, passed = ?, graded_by = ?, graded_at = ?, comment = ? WHERE id = ?`,
      ).run(points, H5P_ESSAY_MAX_POINTS, points, passed ? 1 : 0, actor.id, now.toISOString(), text || null, resultId);
      const courseCompleted = passed && item ? creditLesson(db, row.learner_id, book.course, item, now) : false;
      const facilityId = learnerFacilityId(db, row.learner_id);
      appendAudit(
        db,
        {
          actor: auditActor(actor),
          action: 'essay.grade',
          targetType: 'learner',
          targetId: row.learner_id,
          facilityId,
          details: { source: 'h5p', courseId: row.course_id, itemId: row.item_id, resultId, points, maxPoints: H5P_ESSAY_MAX_POINTS, passed },
        },
        now,
      );
      return { ok: true, passed, courseCompleted };
    })
    .immediate();
}
