import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import { getActivity } from '../../../src/lib/server/courses/catalog.ts';
import { getStudyEnrolment } from '../../../src/lib/server/learning/enrolments.ts';
import {
  activitySummary,
  loadState,
  MAX_STATE_BYTES,
  recordStatement,
  saveState,
  stateInputSchema,
  statementInputSchema,
  XAPI_VERBS,
  type StatementInput,
} from '../../../src/lib/server/learning/h5p-results.ts';
import { getCourseProgress } from '../../../src/lib/server/learning/progress.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { createCoursesDir, lessonFile, type CoursePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { craftMainLibraryPackage, enrol, installActivityPackage, type InstalledCourse } from '../../helpers/learning.ts';
import { craftPackage } from '../../fixtures/h5p/crafted.ts';
import { NEEDS_SAMPLES, readSample, samplesPresent } from '../../helpers/h5p-samples.ts';

/*
 * Results of H5P activities: what the lesson page posts (an xAPI statement of
 * the sandboxed player), how it is tied to the lesson's activity, and what it
 * does to the learner's progress.
 */

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
let dataDir: string;
beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-h5p-data-'));
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const COURSE = 'h5p-kurss';
const INTRO = 'uzdevumi/01-ievads.md';
const TASK = 'uzdevumi/02-uzdevums.md';
const H5P_FILE = 'activities/uzdevums.h5p';
const LOCAL_CONTENT_ID = 'http://h5p.org/x-api/h5p-local-content-id';
const SUB_CONTENT_ID = 'http://h5p.org/x-api/h5p-subContentId';

/** A course of two required lessons; the second (last) one has the activity `h5p`. */
function activityCourse(h5p: Buffer, passPercent: number | undefined = 70): CoursePackage {
  return {
    manifest: {
      id: COURSE,
      title: { lv: 'Uzdevumi', en: 'Tasks', ru: 'Задания' },
      summary: { lv: 'Interaktīvi uzdevumi.', en: 'Interactive tasks.', ru: 'Интерактивные задания.' },
      track: 'general-education',
      level: 'basic-7',
      hours: 10,
      language: 'lv',
      passRules: { lessons: 'required', quizzes: false, minHours: 0 },
      modules: [{ id: 'uzdevumi', title: 'Modulis', items: ['01-ievads.md', '02-uzdevums.md'] }],
    },
    files: {
      [INTRO]: lessonFile({ title: 'Ievads' }, 'Sākums.\n'),
      [TASK]: lessonFile({ title: 'Uzdevums', activity: passPercent === undefined ? { file: H5P_FILE } : { file: H5P_FILE, passPercent } }, 'Izpildiet uzdevumu.\n'),
      [H5P_FILE]: h5p,
    },
  };
}

interface Setup extends InstalledCourse {
  contentId: number;
}

/** Installs the course (activities stored in the temp data folder) and enrols the learner. */
async function setUp(options: { h5p?: Buffer; passPercent?: number } = {}): Promise<Setup> {
  const installed = await installActivityPackage(p.db, courses.dir, dataDir, activityCourse(options.h5p ?? (await craftPackage()), options.passPercent ?? 70));
  enrol(p.db, learner(), COURSE);
  const activity = getActivity(p.db, installed.item(TASK).versionId);
  if (!activity) throw new Error('the lesson has no activity');
  return { ...installed, contentId: activity.contentId };
}

const learner = () => p.learner.learnerId;
const KEY_A = 'a'.repeat(32);
const KEY_B = '0123456789abcdef0123456789abcdef';

/** A statement as H5P makes it for the whole activity (not a part of it). */
function statement(
  contentId: number | string,
  options: { verb?: keyof typeof XAPI_VERBS; raw?: number; max?: number; response?: string; completion?: boolean; parent?: boolean; subContent?: boolean } = {},
): StatementInput['statement'] {
  const { verb = 'answered', raw, max, response, completion, parent = false, subContent = false } = options;
  const result: Record<string, unknown> = {};
  if (raw !== undefined && max !== undefined) result.score = { min: 0, raw, max, scaled: max > 0 ? raw / max : 0 };
  if (completion !== undefined) result.completion = completion;
  if (response !== undefined) result.response = response;
  return {
    actor: { account: { name: 'learner', homePage: 'http://localhost' }, objectType: 'Agent' },
    verb: { id: XAPI_VERBS[verb], display: { 'en-US': verb } },
    object: {
      id: `http://localhost/h5p/play/x?subContentId=${subContent ? 'abc' : ''}`,
      objectType: 'Activity',
      definition: {
        extensions: { [LOCAL_CONTENT_ID]: contentId, ...(subContent ? { [SUB_CONTENT_ID]: 'f1e2d3c4' } : {}) },
        name: { 'en-US': 'Uzdevums' },
      },
    },
    ...(Object.keys(result).length ? { result } : {}),
    context: {
      contextActivities: {
        category: [{ id: 'http://h5p.org/libraries/H5P.Crafted-1.0', objectType: 'Activity' }],
        ...(parent ? { parent: [{ id: 'http://localhost/h5p/play/x', objectType: 'Activity' }] } : {}),
      },
    },
  } as StatementInput['statement'];
}

/** Parses like the endpoint does (so the tests post only what the schema lets through). */
function input(stmtBody: StatementInput['statement'], attemptKey = KEY_A): StatementInput {
  const parsed = statementInputSchema.safeParse({ attemptKey, statement: stmtBody });
  if (!parsed.success) throw new Error(`statement refused by the schema: ${parsed.error.message}`);
  return parsed.data;
}

function record(c: Setup, body: StatementInput['statement'], options: { key?: string; now?: Date; item?: string } = {}) {
  return recordStatement(p.db, learner(), c.course, c.item(options.item ?? TASK), input(body, options.key), options.now);
}

const results = () =>
  stmt(p.db, 'SELECT id, learner_id, item_id, version_id, content_id, attempt_key, verb, raw, max, percent, passed, status, response, received_at FROM h5p_result ORDER BY id').all() as Array<{
    id: number;
    learner_id: number;
    item_id: number;
    version_id: number;
    content_id: number;
    attempt_key: string;
    verb: string;
    raw: number;
    max: number;
    percent: number;
    passed: number;
    status: string;
    response: string | null;
    received_at: string;
  }>;
const lessonProgress = () => stmt(p.db, 'SELECT learner_id, item_id, version_id FROM lesson_progress ORDER BY item_id').all();
const completions = () => stmt(p.db, 'SELECT learner_id, course_id FROM course_completion').all();
const taskProgress = (c: Setup) => getCourseProgress(p.db, learner(), c.course).items.find((i) => i.key === TASK)!;

const T0 = new Date('2026-02-02T10:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('statementInputSchema: what the lesson page may post', () => {
  const valid = () => ({ attemptKey: KEY_A, statement: statement(7, { raw: 2, max: 3 }) });
  /** Whether the schema accepts the valid input after `change` (loosely typed: the tests break it in every way). */
  const accepts = (change: (v: Record<string, any>) => void) => {
    const v: Record<string, any> = valid();
    change(v);
    return statementInputSchema.safeParse(v).success;
  };

  test('a real-looking H5P statement is accepted, its other fields kept as they came', () => {
    // As H5P.MultiChoice sends it through h5p-standalone (trimmed ids).
    const real = {
      attemptKey: KEY_B,
      statement: {
        actor: { name: 'learner', mbox: 'mailto:learner@localhost', objectType: 'Agent' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
        object: {
          id: 'http://localhost/h5p/play/1.491234.abc/?contentId=1',
          objectType: 'Activity',
          definition: {
            extensions: { 'http://h5p.org/x-api/h5p-local-content-id': 1 },
            name: { 'en-US': 'Cik ir 2 + 2?' },
            description: { 'en-US': '<p>Cik ir 2 + 2?</p>\n' },
            type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
            interactionType: 'choice',
            correctResponsesPattern: ['1'],
            choices: [
              { id: '0', description: { 'en-US': '3\n' } },
              { id: '1', description: { 'en-US': '4\n' } },
            ],
          },
        },
        context: {
          contextActivities: { category: [{ id: 'http://h5p.org/libraries/H5P.MultiChoice-1.16', objectType: 'Activity' }] },
          extensions: { 'http://id.tincanapi.com/extension/ending-point': 1 },
        },
        result: { score: { min: 0, max: 1, raw: 1, scaled: 1 }, completion: true, success: true, duration: 'PT3.21S', response: '1' },
      },
    };
    const parsed = statementInputSchema.safeParse(real);
    if (!parsed.success) expect.fail(parsed.error.message);
    expect(parsed.data).toEqual(real);
    // A completed statement without a result is fine too.
    expect(statementInputSchema.safeParse({ attemptKey: KEY_A, statement: statement('1', { verb: 'completed' }) }).success).toBe(true);
  });

  test('other verbs are refused', () => {
    for (const verb of [
      'http://adlnet.gov/expapi/verbs/attempted',
      'http://adlnet.gov/expapi/verbs/interacted',
      'http://adlnet.gov/expapi/verbs/passed',
      'http://adlnet.gov/expapi/verbs/answered/',
      '',
    ]) {
      expect(accepts((v) => (v.statement.verb = { id: verb })), verb).toBe(false);
    }
    expect(accepts((v) => delete v.statement.verb)).toBe(false);
  });

  test('scores: raw above max, negative raw, negative or absurd max, scaled out of range, non-numbers are refused', () => {
    const withScore = (score: unknown) => accepts((v) => (v.statement.result = { score }));
    expect(withScore({ raw: 4, max: 3 })).toBe(false);
    expect(withScore({ raw: -1, max: 3 })).toBe(false);
    expect(withScore({ raw: 0, max: -1 })).toBe(false);
    expect(withScore({ raw: 1, max: 100_001 })).toBe(false);
    expect(withScore({ raw: 1, max: 3, scaled: 1.5 })).toBe(false);
    expect(withScore({ raw: '3', max: 3 })).toBe(false);
    expect(withScore({ raw: Number.NaN, max: 3 })).toBe(false);
    expect(withScore({ raw: Number.POSITIVE_INFINITY, max: Number.POSITIVE_INFINITY })).toBe(false);
    expect(withScore({ max: 3 })).toBe(false);
    // The edges are accepted.
    expect(withScore({ raw: 3, max: 3 })).toBe(true);
    expect(withScore({ raw: 0, max: 0 })).toBe(true);
    expect(withScore({ raw: 100_000, max: 100_000, scaled: 1 })).toBe(true);
  });

  test('the attempt key must be there and be 32 lowercase hex digits', () => {
    expect(accepts((v) => delete v.attemptKey)).toBe(false);
    for (const key of ['', 'a'.repeat(31), 'a'.repeat(33), 'A'.repeat(32), 'g'.repeat(32), `${'a'.repeat(31)}\n`, 12345]) {
      expect(accepts((v) => (v.attemptKey = key)), String(key)).toBe(false);
    }
  });

  test('a huge response or object id is refused; the largest allowed response passes', () => {
    expect(accepts((v) => (v.statement.result = { response: 'x'.repeat(100_001) }))).toBe(false);
    expect(accepts((v) => (v.statement.result = { response: 'x'.repeat(100_000) }))).toBe(true);
    expect(accepts((v) => (v.statement.object.id = 'x'.repeat(2001)))).toBe(false);
    expect(accepts((v) => (v.statement.result = { response: 42 }))).toBe(false);
  });

  test('a statement without an object, or with a non-array parent, is refused', () => {
    expect(accepts((v) => delete v.statement.object)).toBe(false);
    expect(accepts((v) => (v.statement.context = { contextActivities: { parent: 'x' } }))).toBe(false);
    expect(accepts((v) => (v.statement = 'not an object'))).toBe(false);
  });
});

describe('stateInputSchema: the saved H5P state', () => {
  test('JSON up to the limit is accepted; anything else is refused', () => {
    expect(stateInputSchema.safeParse({ state: '{"answers":[1,2]}' }).success).toBe(true);
    expect(stateInputSchema.safeParse({ state: JSON.stringify({ x: 'y'.repeat(MAX_STATE_BYTES - 20) }) }).success).toBe(true);
    expect(stateInputSchema.safeParse({ state: JSON.stringify({ x: 'y'.repeat(MAX_STATE_BYTES) }) }).success).toBe(false);
    expect(stateInputSchema.safeParse({ state: '{not json' }).success).toBe(false);
    expect(stateInputSchema.safeParse({ state: { answers: [] } }).success).toBe(false);
    expect(stateInputSchema.safeParse({}).success).toBe(false);
  });
});

describe('recordStatement: results of the lesson’s activity', () => {
  test('a statement about another content is refused and stores nothing', async () => {
    const c = await setUp();
    expect(record(c, statement(c.contentId + 1, { raw: 3, max: 3 }))).toEqual({ ok: false, code: 'activity.wrongContent' });
    const noId = statement(c.contentId, { raw: 3, max: 3 });
    delete (noId.object.definition as { extensions?: unknown }).extensions;
    expect(record(c, noId)).toEqual({ ok: false, code: 'activity.wrongContent' });
    expect(results()).toEqual([]);
    expect(lessonProgress()).toEqual([]);
  });

  test('the content id is matched whether H5P sends it as a number or a string', async () => {
    const c = await setUp();
    expect(record(c, statement(String(c.contentId), { raw: 1, max: 3 })).ok).toBe(true);
    expect(record(c, statement(c.contentId, { raw: 2, max: 3 })).ok).toBe(true);
    expect(results()).toHaveLength(2);
  });

  test('a lesson without an activity refuses statements', async () => {
    const c = await setUp();
    expect(record(c, statement(c.contentId, { raw: 3, max: 3 }), { item: INTRO })).toEqual({ ok: false, code: 'activity.none' });
    expect(results()).toEqual([]);
  });

  test('statements about a part of the activity (a question inside a set) are not counted', async () => {
    const c = await setUp();
    const notCounted = { ok: true, outcome: { counted: false, percent: null, passed: false, pending: false, lessonDone: false, courseCompleted: false } };
    expect(record(c, statement(c.contentId, { raw: 3, max: 3, parent: true }))).toEqual(notCounted);
    expect(record(c, statement(c.contentId, { raw: 3, max: 3, subContent: true }))).toEqual(notCounted);
    expect(record(c, statement(c.contentId, { verb: 'completed', raw: 3, max: 3, subContent: true, parent: true }))).toEqual(notCounted);
    expect(results()).toEqual([]);
    expect(taskProgress(c).state).toBe('todo');
  });

  test('statements without a score do not count toward a threshold above 0', async () => {
    const c = await setUp();
    for (const body of [statement(c.contentId, { verb: 'completed' }), statement(c.contentId, { completion: true }), statement(c.contentId, { verb: 'completed', raw: 0, max: 0 })]) {
      expect(record(c, body)).toEqual({ ok: true, outcome: expect.objectContaining({ counted: false, passed: false, lessonDone: false }) });
    }
    expect(results()).toEqual([]);
  });

  test('a score below the threshold is stored as not passed; the lesson is not done', async () => {
    const c = await setUp();
    const r = record(c, statement(c.contentId, { raw: 1, max: 3 }), { now: T0 });
    expect(r).toEqual({ ok: true, outcome: { counted: true, percent: 33.3, passed: false, pending: false, lessonDone: false, courseCompleted: false } });
    expect(results()).toEqual([
      expect.objectContaining({
        learner_id: learner(),
        item_id: c.item(TASK).id,
        version_id: c.item(TASK).versionId,
        content_id: c.contentId,
        attempt_key: KEY_A,
        verb: 'answered',
        raw: 1,
        max: 3,
        percent: 33.3,
        passed: 0,
        status: 'scored',
        received_at: T0.toISOString(),
      }),
    ]);
    expect(lessonProgress()).toEqual([]);
    expect(taskProgress(c)).toMatchObject({ state: 'failed', keptPercent: 33.3, attempts: 1 });
    // 69.9 % is still below 70 %.
    expect(record(c, statement(c.contentId, { raw: 699, max: 1000 }), { key: KEY_B }).ok && lessonProgress()).toEqual([]);
  });

  test('a score at the threshold marks the lesson done, with the version it was done on', async () => {
    const c = await setUp();
    const r = record(c, statement(c.contentId, { raw: 7, max: 10 }), { now: T0 });
    expect(r).toEqual({ ok: true, outcome: { counted: true, percent: 70, passed: true, pending: false, lessonDone: true, courseCompleted: false } });
    expect(lessonProgress()).toEqual([{ learner_id: learner(), item_id: c.item(TASK).id, version_id: c.item(TASK).versionId }]);
    expect(results()[0]).toMatchObject({ passed: 1, status: 'scored', percent: 70 });
    expect(taskProgress(c)).toMatchObject({ state: 'done', keptPercent: 70, attempts: 1 });
  });

  test('a worse score afterwards does not undo the lesson; the best score is kept', async () => {
    const c = await setUp();
    record(c, statement(c.contentId, { raw: 2, max: 3 }), { now: T0 });
    record(c, statement(c.contentId, { raw: 9, max: 10 }), { now: later(10), key: KEY_B });
    const worse = record(c, statement(c.contentId, { raw: 0, max: 10 }), { now: later(20), key: 'c'.repeat(32) });
    expect(worse).toEqual({ ok: true, outcome: { counted: true, percent: 0, passed: false, pending: false, lessonDone: true, courseCompleted: false } });
    expect(results().map((r) => [r.percent, r.passed])).toEqual([
      [66.7, 0],
      [90, 1],
      [0, 0],
    ]);
    expect(lessonProgress()).toHaveLength(1);
    expect(taskProgress(c)).toMatchObject({ state: 'done', keptPercent: 90, attempts: 3 });
  });

  test('answered then completed with the same score, from one visit within a minute, is one result', async () => {
    const c = await setUp();
    record(c, statement(c.contentId, { raw: 2, max: 3, response: '1[,]2' }), { now: T0 });
    const second = record(c, statement(c.contentId, { verb: 'completed', raw: 2, max: 3 }), { now: later(59) });
    expect(second).toEqual({ ok: true, outcome: expect.objectContaining({ counted: true, percent: 66.7 }) });
    expect(results()).toEqual([expect.objectContaining({ verb: 'completed', raw: 2, max: 3, received_at: later(59).toISOString(), response: '1[,]2' })]);
    expect(taskProgress(c).attempts).toBe(1);
  });

  test('the same score from another visit, another score, or after more than a minute is another result', async () => {
    const c = await setUp();
    record(c, statement(c.contentId, { raw: 2, max: 3 }), { now: T0 });
    record(c, statement(c.contentId, { raw: 2, max: 3 }), { now: later(5), key: KEY_B });
    expect(results().map((r) => r.attempt_key)).toEqual([KEY_A, KEY_B]);
    record(c, statement(c.contentId, { raw: 1, max: 3 }), { now: later(10) });
    expect(results()).toHaveLength(3);
    // KEY_B's last statement was at +5 s; +66 s is more than a minute later.
    record(c, statement(c.contentId, { verb: 'completed', raw: 2, max: 3 }), { now: later(66), key: KEY_B });
    expect(results()).toHaveLength(4);
    expect(taskProgress(c).attempts).toBe(4);
  });

  test('another learner’s statements are theirs: results and the lesson stay apart', async () => {
    const c = await setUp();
    enrol(p.db, p.otherLearner.learnerId, COURSE);
    recordStatement(p.db, p.otherLearner.learnerId, c.course, c.item(TASK), input(statement(c.contentId, { raw: 3, max: 3 })));
    expect(record(c, statement(c.contentId, { raw: 3, max: 3 })).ok).toBe(true);
    expect(results().map((r) => r.learner_id)).toEqual([p.otherLearner.learnerId, learner()]);
    expect(lessonProgress()).toHaveLength(2);
  });

  test('with threshold 0, completing the activity without a score finishes the lesson', async () => {
    const c = await setUp({ passPercent: 0 });
    // An answer without a score or completion does not finish it.
    expect(record(c, statement(c.contentId))).toEqual({ ok: true, outcome: expect.objectContaining({ counted: false, lessonDone: false }) });
    const r = record(c, statement(c.contentId, { verb: 'completed' }), { now: T0 });
    expect(r).toEqual({ ok: true, outcome: { counted: true, percent: null, passed: true, pending: false, lessonDone: true, courseCompleted: false } });
    expect(results()).toEqual([expect.objectContaining({ raw: 0, max: 0, percent: 0, passed: 1, status: 'scored', verb: 'completed' })]);
    expect(taskProgress(c)).toMatchObject({ state: 'done', keptPercent: null });
  });

  test('with threshold 0, an answered statement marked complete also finishes it, and any score passes', async () => {
    const c = await setUp({ passPercent: 0 });
    expect(record(c, statement(c.contentId, { completion: true }))).toEqual({ ok: true, outcome: expect.objectContaining({ counted: true, passed: true }) });
    const scored = record(c, statement(c.contentId, { raw: 0, max: 5 }), { key: KEY_B });
    expect(scored).toEqual({ ok: true, outcome: expect.objectContaining({ counted: true, percent: 0, passed: true }) });
  });

  test('the activity lesson as the last required item completes the course', async () => {
    const c = await setUp();
    markLessonDone(p.db, learner(), c.course, c.item(INTRO));
    expect(record(c, statement(c.contentId, { raw: 1, max: 3 }))).toEqual({ ok: true, outcome: expect.objectContaining({ courseCompleted: false }) });
    expect(completions()).toEqual([]);
    const r = record(c, statement(c.contentId, { raw: 3, max: 3 }), { key: KEY_B, now: T0 });
    expect(r).toEqual({ ok: true, outcome: { counted: true, percent: 100, passed: true, pending: false, lessonDone: true, courseCompleted: true } });
    expect(completions()).toEqual([{ learner_id: learner(), course_id: COURSE }]);
    expect(getCourseProgress(p.db, learner(), c.course)).toMatchObject({ complete: true, completedAt: T0.toISOString(), percent: 100 });
    expect(getStudyEnrolment(p.db, learner(), COURSE)?.status).toBe('completed');
    // A later pass does not complete it again.
    const again = record(c, statement(c.contentId, { raw: 3, max: 3 }), { key: 'c'.repeat(32), now: later(100) });
    expect(again).toEqual({ ok: true, outcome: expect.objectContaining({ passed: true, courseCompleted: false }) });
    expect(completions()).toHaveLength(1);
  });

  test('passing the activity before the other lesson completes the course only when that lesson is done', async () => {
    const c = await setUp();
    expect(record(c, statement(c.contentId, { raw: 3, max: 3 }))).toEqual({ ok: true, outcome: expect.objectContaining({ passed: true, courseCompleted: false }) });
    expect(completions()).toEqual([]);
    expect(markLessonDone(p.db, learner(), c.course, c.item(INTRO))).toBe(true);
    expect(completions()).toHaveLength(1);
  });
});

describe('H5P essays wait for the teacher', () => {
  test('an H5P.Essay answer is stored as pending with its text; the lesson is not done', async () => {
    const c = await setUp({ h5p: await craftMainLibraryPackage('H5P.Essay'), passPercent: 50 });
    expect(getActivity(p.db, c.item(TASK).versionId)?.mainLibrary).toBe('H5P.Essay');
    markLessonDone(p.db, learner(), c.course, c.item(INTRO));
    const text = 'Drošība darbā ir svarīga, jo…';
    // The player's own score (here a full one) is only a suggestion.
    const r = record(c, statement(c.contentId, { raw: 5, max: 5, response: text }), { now: T0 });
    expect(r).toEqual({ ok: true, outcome: { counted: true, percent: 100, passed: false, pending: true, lessonDone: false, courseCompleted: false } });
    // H5P then sends `completed` with the same score and no response: one result, the text kept.
    record(c, statement(c.contentId, { verb: 'completed', raw: 5, max: 5 }), { now: later(2) });
    expect(results()).toEqual([expect.objectContaining({ status: 'pending', passed: 0, response: text, verb: 'completed', raw: 5, max: 5 })]);
    expect(lessonProgress()).toEqual([{ learner_id: learner(), item_id: c.item(INTRO).id, version_id: c.item(INTRO).versionId }]);
    expect(completions()).toEqual([]);
    expect(taskProgress(c)).toMatchObject({ state: 'pending', keptPercent: null, attempts: 1 });
    expect(activitySummary(p.db, learner(), c.item(TASK))).toMatchObject({ pending: true, passed: false, bestPercent: null, lessonDone: false });
  });

  test('an essay answer without a score is still kept for the teacher', async () => {
    const c = await setUp({ h5p: await craftMainLibraryPackage('H5P.Essay'), passPercent: 0 });
    const r = record(c, statement(c.contentId, { verb: 'completed', response: 'Mans teksts' }));
    expect(r).toEqual({ ok: true, outcome: { counted: true, percent: null, passed: false, pending: true, lessonDone: false, courseCompleted: false } });
    expect(results()).toEqual([expect.objectContaining({ status: 'pending', passed: 0, response: 'Mans teksts' })]);
    expect(taskProgress(c).state).toBe('pending');
  });
});

describe.skipIf(!samplesPresent)(`the shared sample packages as lesson activities${NEEDS_SAMPLES}`, () => {
  test('the real H5P.Essay waits for the teacher', async () => {
    const c = await setUp({ h5p: readSample('valid', 'H5P.Essay.h5p'), passPercent: 60 });
    expect(getActivity(p.db, c.item(TASK).versionId)?.mainLibrary).toBe('H5P.Essay');
    const r = record(c, statement(c.contentId, { raw: 3, max: 4, response: 'Atbilde' }));
    expect(r).toEqual({ ok: true, outcome: expect.objectContaining({ counted: true, pending: true, passed: false, lessonDone: false }) });
    expect(taskProgress(c).state).toBe('pending');
  });

  test('the real H5P.MultiChoice is scored by the player', async () => {
    const c = await setUp({ h5p: readSample('valid', 'H5P.MultiChoice.h5p'), passPercent: 100 });
    expect(getActivity(p.db, c.item(TASK).versionId)?.mainLibrary).toBe('H5P.MultiChoice');
    expect(record(c, statement(c.contentId, { raw: 1, max: 2 }))).toEqual({ ok: true, outcome: expect.objectContaining({ counted: true, percent: 50, passed: false }) });
    expect(record(c, statement(c.contentId, { raw: 2, max: 2 }), { key: KEY_B })).toEqual({ ok: true, outcome: expect.objectContaining({ passed: true, lessonDone: true }) });
    expect(taskProgress(c)).toMatchObject({ state: 'done', keptPercent: 100, attempts: 2 });
  });
});

describe('saved H5P state', () => {
  test('a saved state comes back for the same content; a later save replaces it', async () => {
    const c = await setUp();
    const item = c.item(TASK);
    expect(loadState(p.db, learner(), item.id, c.contentId)).toBeNull();
    expect(saveState(p.db, learner(), item, '{"answers":[0]}', T0)).toBe(true);
    expect(loadState(p.db, learner(), item.id, c.contentId)).toBe('{"answers":[0]}');
    expect(saveState(p.db, learner(), item, '{"answers":[1]}', later(5))).toBe(true);
    expect(loadState(p.db, learner(), item.id, c.contentId)).toBe('{"answers":[1]}');
    expect(stmt(p.db, 'SELECT count(*) FROM h5p_state').pluck().get()).toBe(1);
    // Another learner has none.
    expect(loadState(p.db, p.otherLearner.learnerId, item.id, c.contentId)).toBeNull();
  });

  test('a lesson without an activity saves no state', async () => {
    const c = await setUp();
    expect(saveState(p.db, learner(), c.item(INTRO), '{}')).toBe(false);
    expect(stmt(p.db, 'SELECT count(*) FROM h5p_state').pluck().get()).toBe(0);
  });

  test('when the activity is replaced by another package, the old state is not returned and old statements are refused', async () => {
    const c = await setUp();
    saveState(p.db, learner(), c.item(TASK), '{"page":3}');
    record(c, statement(c.contentId, { raw: 1, max: 3 }));
    const replaced = await installActivityPackage(p.db, courses.dir, dataDir, activityCourse(await craftPackage([], { title: 'Jauna versija' })));
    const item = replaced.item(TASK);
    expect(item.id).toBe(c.item(TASK).id);
    expect(item.versionId).not.toBe(c.item(TASK).versionId);
    const activity = getActivity(p.db, item.versionId)!;
    expect(activity.contentId).not.toBe(c.contentId);
    expect(activity.title).toBe('Jauna versija');
    expect(loadState(p.db, learner(), item.id, activity.contentId)).toBeNull();
    expect(recordStatement(p.db, learner(), replaced.course, item, input(statement(c.contentId, { raw: 3, max: 3 })))).toEqual({ ok: false, code: 'activity.wrongContent' });
    // The new content's state is saved over the old one.
    saveState(p.db, learner(), item, '{"page":1}');
    expect(loadState(p.db, learner(), item.id, activity.contentId)).toBe('{"page":1}');
    expect(loadState(p.db, learner(), item.id, c.contentId)).toBeNull();
  });
});

describe('activitySummary', () => {
  test('a lesson without an activity has no summary', async () => {
    const c = await setUp();
    expect(activitySummary(p.db, learner(), c.item(INTRO))).toBeNull();
  });

  test('before any result: the activity and empty results', async () => {
    const c = await setUp({ passPercent: 80 });
    expect(activitySummary(p.db, learner(), c.item(TASK))).toEqual({
      activity: { contentId: c.contentId, file: H5P_FILE, passPercent: 80, title: 'Crafted activity', mainLibrary: 'H5P.Crafted' },
      results: [],
      bestPercent: null,
      passed: false,
      pending: false,
      lessonDone: false,
    });
  });

  test('results newest first, the best percent, passed and done', async () => {
    const c = await setUp();
    record(c, statement(c.contentId, { raw: 1, max: 4 }), { now: T0 });
    record(c, statement(c.contentId, { raw: 3, max: 4 }), { now: later(30), key: KEY_B });
    record(c, statement(c.contentId, { raw: 2, max: 4 }), { now: later(60), key: 'c'.repeat(32) });
    const ids = results().map((r) => r.id);
    const summary = activitySummary(p.db, learner(), c.item(TASK))!;
    expect(summary.results).toEqual([
      { id: ids[2], percent: 50, raw: 2, max: 4, status: 'scored', passed: false, receivedAt: later(60).toISOString(), comment: null, gradedAt: null },
      { id: ids[1], percent: 75, raw: 3, max: 4, status: 'scored', passed: true, receivedAt: later(30).toISOString(), comment: null, gradedAt: null },
      { id: ids[0], percent: 25, raw: 1, max: 4, status: 'scored', passed: false, receivedAt: T0.toISOString(), comment: null, gradedAt: null },
    ]);
    expect(summary).toMatchObject({ bestPercent: 75, passed: true, pending: false, lessonDone: true });
    // Other learners' results are not in it.
    expect(activitySummary(p.db, p.otherLearner.learnerId, c.item(TASK))).toMatchObject({ results: [], bestPercent: null, lessonDone: false });
  });

  test('an unscored finish (threshold 0) passes without a best percent', async () => {
    const c = await setUp({ passPercent: 0 });
    record(c, statement(c.contentId, { verb: 'completed' }));
    expect(activitySummary(p.db, learner(), c.item(TASK))).toMatchObject({ bestPercent: null, passed: true, lessonDone: true, results: [expect.objectContaining({ max: 0, passed: true })] });
  });
});
