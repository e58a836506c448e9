import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt, type Db } from '../../../src/lib/server/db.ts';
import type { SessionUser } from '../../../src/lib/server/session.ts';
import { createCourse, exportDraftZip, importPackageZip, type NewCourse } from '../../../src/lib/server/authoring/courses.ts';
import { getDraft, serializeFiles } from '../../../src/lib/server/authoring/draft.ts';
import { addItem, attachActivity, changeItem, detachActivity, readLesson, saveLesson } from '../../../src/lib/server/authoring/edit.ts';
import { readPackageZip, writePackageZip } from '../../../src/lib/server/authoring/package-zip.ts';
import { publishDraft, rollbackTo } from '../../../src/lib/server/authoring/publish.ts';
import { getActivity, getCourse, getCourseItems, getLessonHtml } from '../../../src/lib/server/courses/catalog.ts';
import { syncCourses } from '../../../src/lib/server/courses/sync.ts';
import { getPackageBytes } from '../../../src/lib/server/h5p/store.ts';
import { activitySummary, recordStatement, XAPI_VERBS } from '../../../src/lib/server/learning/h5p-results.ts';
import { getCourseProgress } from '../../../src/lib/server/learning/progress.ts';
import { createCoursesDir, lessonFile, samplePackage, writePackage, type CoursePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { auditActions, createPrison, type Prison } from '../../helpers/fixture.ts';
import { assignTeacher, enrol } from '../../helpers/learning.ts';
import { craftPackage, craftWithName, TINY_PNG } from '../../fixtures/h5p/crafted.ts';

/*
 * H5P activities in the browser editor: attaching and detaching them, and
 * what happens to them on publishing, rollback, export/import and the sync of
 * courses/ folders.
 */

type TestPrison = Prison & { cleanup: () => void; file: string };
let p: TestPrison;
let courses: CoursesDir;
let dataDir: string;
const extraCleanups: Array<() => void> = [];
beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-h5p-authoring-'));
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
  fs.rmSync(dataDir, { recursive: true, force: true });
  while (extraCleanups.length) extraCleanups.pop()!();
});

const NEW: NewCourse = {
  id: 'darba-drosiba',
  title: { lv: 'Darba drošība', en: 'Safety at work', ru: 'Безопасность труда' },
  summary: { lv: 'Droši darbā.', en: 'Safe at work.', ru: 'Безопасно на работе.' },
  track: 'life-skills',
  level: 'general',
  hours: 8,
  language: 'lv',
};
const LESSON = 'modulis-1/01-ievads.md';
const FILE = 'activities/vardu-spele.h5p';
const UPLOAD_NAME = 'Vārdu spēle.H5P';

function created(db: Db = p.db, actor: SessionUser = p.teacher.user): string {
  const r = createCourse(db, actor, NEW);
  if (!r.ok) throw new Error(r.code);
  return r.courseId;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A second teacher of facility A: not an author of the course. */
function anotherTeacher(): SessionUser {
  const at = '2026-01-15T08:00:00.000Z';
  const id = Number(
    stmt(p.db, 'INSERT INTO user (role, username, display_name, facility_id, secret_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      'teacher',
      'otra.skolotaja',
      'Otra Skolotāja',
      p.facilityA.id,
      'x',
      at,
      at,
    ).lastInsertRowid,
  );
  return { ...p.teacher.user, id, username: 'otra.skolotaja', displayName: 'Otra Skolotāja' };
}

/** Every file and folder under `dir`, relative, folders ending in '/'. */
function listTree(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)) + (e.isDirectory() ? '/' : ''))
    .sort();
}

const count = (db: Db, table: string) => stmt(db, `SELECT count(*) FROM ${table}`).pluck().get() as number;

/** The draft, the H5P tables, the audit log and the data folder: what a refused upload must not change. */
function snapshot(courseId: string) {
  const draft = getDraft(p.db, courseId);
  return {
    draft: draft ? { files: serializeFiles(draft.files), updatedAt: draft.updatedAt } : null,
    libraries: count(p.db, 'h5p_library'),
    contents: count(p.db, 'h5p_content'),
    links: count(p.db, 'h5p_content_library'),
    packages: count(p.db, 'h5p_package'),
    audit: count(p.db, 'audit_log'),
    files: listTree(dataDir),
  };
}

const draftFiles = (courseId: string, db: Db = p.db) => getDraft(db, courseId)!.files;

async function attach(courseId: string, bytes: Buffer, options: { lesson?: string; name?: string; passPercent?: number; actor?: SessionUser } = {}) {
  return attachActivity(p.db, dataDir, options.actor ?? p.teacher.user, courseId, options.lesson ?? LESSON, { name: options.name ?? UPLOAD_NAME, bytes }, options.passPercent ?? 60);
}

function statementInput(contentId: number, raw: number, max: number, attemptKey = 'a'.repeat(32)) {
  return {
    attemptKey,
    statement: {
      verb: { id: XAPI_VERBS.answered },
      object: { id: 'http://localhost/h5p', definition: { extensions: { 'http://h5p.org/x-api/h5p-local-content-id': contentId } } },
      result: { score: { raw, max } },
    },
  };
}

describe('a teacher attaches an H5P activity to a lesson', () => {
  test('the package is stored and the draft gets activities/<name>.h5p and the lesson’s activity', async () => {
    const id = created();
    const bytes = await craftPackage();
    const r = await attach(id, bytes);
    expect(r).toEqual({ ok: true, value: { file: FILE, mainLibrary: 'H5P.Crafted 1.0.3' } });
    const files = draftFiles(id);
    expect(files.get(FILE)).toEqual({ h5p: sha256(bytes) });
    expect(readLesson(files, LESSON)).toEqual({ title: 'Ievads', minutes: 20, required: true, body: 'Šeit rakstiet nodarbības tekstu.\n', activity: { file: FILE, passPercent: 60 } });
    expect((files.get(LESSON) as { text: string }).text).toMatch(/^---\n[\s\S]*activity:\n {2}file: activities\/vardu-spele\.h5p\n {2}passPercent: 60\n---\n/);
    expect(getPackageBytes(p.db, sha256(bytes))?.equals(bytes)).toBe(true);
    expect(count(p.db, 'h5p_content')).toBe(1);
    expect(stmt(p.db, 'SELECT created_by FROM h5p_content').pluck().get()).toBe(p.teacher.user.id);
    expect(auditActions(p.db)).toEqual(['course.draftCreate', 'h5p.import']);

    // Published, the lesson plays it.
    expect(publishDraft(p.db, p.teacher.user, id).ok).toBe(true);
    const item = getCourseItems(p.db, id)[0]!;
    expect(getActivity(p.db, item.versionId)).toEqual({
      contentId: stmt(p.db, 'SELECT id FROM h5p_content').pluck().get(),
      file: FILE,
      passPercent: 60,
      title: 'Crafted activity',
      mainLibrary: 'H5P.Crafted',
    });
  });

  test('a teacher of the published course who did not write it may attach one too', async () => {
    const id = created();
    publishDraft(p.db, p.teacher.user, id);
    const colleague = anotherTeacher();
    expect(await attach(id, await craftPackage(), { actor: colleague })).toEqual({ ok: false, code: 'auth.forbidden' });
    assignTeacher(p.db, id, colleague.id);
    expect(await attach(id, await craftPackage(), { actor: colleague })).toEqual({ ok: true, value: { file: FILE, mainLibrary: 'H5P.Crafted 1.0.3' } });
    expect(stmt(p.db, 'SELECT created_by FROM h5p_content').pluck().get()).toBe(colleague.id);
  });

  test('the default pass threshold may be 0 or 100; the upload name is made a safe file name', async () => {
    const id = created();
    const second = addItem(p.db, p.teacher.user, id, 'modulis-1', 'lesson', 'Otrā');
    if (!second.ok) throw new Error(second.code);
    expect(await attach(id, await craftPackage(), { name: '../../Ūdens & Ugunsdrošība!!.h5p', passPercent: 0 })).toEqual({
      ok: true,
      value: { file: 'activities/udens-ugunsdrosiba.h5p', mainLibrary: 'H5P.Crafted 1.0.3' },
    });
    expect(await attach(id, await craftPackage([], { title: 'Otrs' }), { lesson: second.value, name: '.h5p', passPercent: 100 })).toEqual({
      ok: true,
      value: { file: 'activities/x.h5p', mainLibrary: 'H5P.Crafted 1.0.3' },
    });
    expect(readLesson(draftFiles(id), LESSON)?.activity).toEqual({ file: 'activities/udens-ugunsdrosiba.h5p', passPercent: 0 });
    expect(readLesson(draftFiles(id), second.value)?.activity).toEqual({ file: 'activities/x.h5p', passPercent: 100 });
    expect(publishDraft(p.db, p.teacher.user, id).ok).toBe(true);
  });

  test.each([
    ['a path traversal', () => craftWithName('../evil.js'), 'h5p.pathTraversal'],
    ['not a zip', async () => Buffer.from('not a zip at all'), 'h5p.notZip'],
  ] as const)('a refused package (%s) changes nothing and says why', async (_what, make, code) => {
    const id = created();
    const before = snapshot(id);
    const r = await attach(id, await make());
    expect(r).toEqual({ ok: false, code, detail: expect.any(String) });
    expect(snapshot(id)).toEqual(before);
    expect(before.files).toEqual([]);

    // Also after a good activity: the draft keeps it, nothing else changes.
    expect((await attach(id, await craftPackage())).ok).toBe(true);
    const withActivity = snapshot(id);
    expect(withActivity.files.length).toBeGreaterThan(0);
    expect(await attach(id, await make(), { name: 'other.h5p' })).toEqual({ ok: false, code, detail: expect.any(String) });
    expect(snapshot(id)).toEqual(withActivity);
    expect(readLesson(draftFiles(id), LESSON)?.activity).toEqual({ file: FILE, passPercent: 60 });
  });

  test('another teacher (not an author), a learner and education staff without the course are refused, and nothing is stored', async () => {
    const id = created();
    const before = snapshot(id);
    const bytes = await craftPackage();
    for (const actor of [anotherTeacher(), p.learner.user, p.supervisor.user]) {
      expect(await attach(id, bytes, { actor })).toEqual({ ok: false, code: 'auth.forbidden' });
      expect(detachActivity(p.db, actor, id, LESSON)).toEqual({ ok: false, code: 'auth.forbidden' });
    }
    const after = snapshot(id);
    expect({ ...after, audit: before.audit }).toEqual(before);
    expect(after.contents).toBe(0);
  });

  test('a quiz, a missing lesson or a course without a draft get nothing attached', async () => {
    const id = created();
    const quiz = addItem(p.db, p.teacher.user, id, 'modulis-1', 'quiz', 'Pārbaude');
    if (!quiz.ok) throw new Error(quiz.code);
    const before = snapshot(id);
    const bytes = await craftPackage();
    expect(await attach(id, bytes, { lesson: quiz.value })).toEqual({ ok: false, code: 'authoring.notFound' });
    expect(await attach(id, bytes, { lesson: 'modulis-1/99-nav.md' })).toEqual({ ok: false, code: 'authoring.notFound' });
    expect(snapshot(id)).toEqual(before);
    // A course from courses/ that nobody has started editing in the browser.
    writePackage(courses.dir, samplePackage('no-melnraksta'));
    await syncCourses(p.db, courses.dir, null);
    assignTeacher(p.db, 'no-melnraksta', p.teacher.user.id);
    expect(await attachActivity(p.db, dataDir, p.teacher.user, 'no-melnraksta', 'dalas/02-dala-no-skaitla.md', { name: 'a.h5p', bytes }, 70)).toEqual({
      ok: false,
      code: 'authoring.noDraft',
    });
    expect(count(p.db, 'h5p_content')).toBe(0);
  });

  test('the same file for two lessons is one activity file and one stored content', async () => {
    const id = created();
    const second = addItem(p.db, p.teacher.user, id, 'modulis-1', 'lesson', 'Otrā');
    if (!second.ok) throw new Error(second.code);
    const bytes = await craftPackage();
    expect(await attach(id, bytes)).toEqual({ ok: true, value: { file: FILE, mainLibrary: 'H5P.Crafted 1.0.3' } });
    expect(await attach(id, bytes, { lesson: second.value, passPercent: 90 })).toEqual({ ok: true, value: { file: FILE, mainLibrary: 'H5P.Crafted 1.0.3' } });
    expect([...draftFiles(id).keys()].filter((f) => f.startsWith('activities/'))).toEqual([FILE]);
    expect(count(p.db, 'h5p_content')).toBe(1);

    // Detaching one keeps the file the other still names; detaching both removes it.
    expect(detachActivity(p.db, p.teacher.user, id, LESSON)).toEqual({ ok: true, value: undefined });
    expect(draftFiles(id).has(FILE)).toBe(true);
    expect(readLesson(draftFiles(id), second.value)?.activity).toEqual({ file: FILE, passPercent: 90 });
    expect(detachActivity(p.db, p.teacher.user, id, second.value)).toEqual({ ok: true, value: undefined });
    expect(draftFiles(id).has(FILE)).toBe(false);
  });

  test('another package under the same name gets its own file, and the replaced one goes', async () => {
    const id = created();
    await attach(id, await craftPackage());
    const other = await craftPackage([], { title: 'Jaunā versija' });
    expect(await attach(id, other, { passPercent: 80 })).toEqual({ ok: true, value: { file: 'activities/vardu-spele-2.h5p', mainLibrary: 'H5P.Crafted 1.0.3' } });
    const files = draftFiles(id);
    expect([...files.keys()].filter((f) => f.startsWith('activities/'))).toEqual(['activities/vardu-spele-2.h5p']);
    expect(files.get('activities/vardu-spele-2.h5p')).toEqual({ h5p: sha256(other) });
    expect(readLesson(files, LESSON)?.activity).toEqual({ file: 'activities/vardu-spele-2.h5p', passPercent: 80 });
    expect(count(p.db, 'h5p_content')).toBe(2);
  });
});

describe('detaching, saving and removing a lesson with an activity', () => {
  test('detachActivity removes the front matter and the unused file; the stored content stays', async () => {
    const id = created();
    await attach(id, await craftPackage());
    expect(detachActivity(p.db, p.teacher.user, id, LESSON)).toEqual({ ok: true, value: undefined });
    const files = draftFiles(id);
    expect(readLesson(files, LESSON)).toEqual({ title: 'Ievads', minutes: 20, required: true, body: 'Šeit rakstiet nodarbības tekstu.\n' });
    expect((files.get(LESSON) as { text: string }).text).not.toContain('activity');
    expect(files.has(FILE)).toBe(false);
    expect([...files.keys()].some((f) => f.startsWith('activities/'))).toBe(false);
    expect(count(p.db, 'h5p_content')).toBe(1);
    // Again: nothing to do. A missing lesson: not found.
    expect(detachActivity(p.db, p.teacher.user, id, LESSON)).toEqual({ ok: true, value: undefined });
    expect(detachActivity(p.db, p.teacher.user, id, 'modulis-1/99-nav.md')).toEqual({ ok: false, code: 'authoring.notFound' });
    // Published, the lesson has no activity.
    expect(publishDraft(p.db, p.teacher.user, id).ok).toBe(true);
    expect(getActivity(p.db, getCourseItems(p.db, id)[0]!.versionId)).toBeNull();
  });

  test('saveLesson keeps the activity; it may change only its pass threshold', async () => {
    const id = created();
    await attach(id, await craftPackage());
    expect(saveLesson(p.db, p.teacher.user, id, LESSON, { title: 'Ievads darbā', minutes: 15, required: true, body: 'Jauns teksts.\r\n' })).toEqual({ ok: true, value: undefined });
    expect(readLesson(draftFiles(id), LESSON)).toEqual({ title: 'Ievads darbā', minutes: 15, required: true, body: 'Jauns teksts.\n', activity: { file: FILE, passPercent: 60 } });
    expect(saveLesson(p.db, p.teacher.user, id, LESSON, { title: 'Ievads darbā', minutes: 25, required: true, body: 'Jauns teksts.\n', passPercent: 85 }).ok).toBe(true);
    expect(readLesson(draftFiles(id), LESSON)).toEqual({ title: 'Ievads darbā', minutes: 25, required: true, body: 'Jauns teksts.\n', activity: { file: FILE, passPercent: 85 } });
    expect(draftFiles(id).get(FILE)).toBeDefined();
    expect(publishDraft(p.db, p.teacher.user, id).ok).toBe(true);
    expect(getActivity(p.db, getCourseItems(p.db, id)[0]!.versionId)?.passPercent).toBe(85);
  });

  test('saveLesson with a threshold on a lesson without an activity adds none', () => {
    const id = created();
    expect(saveLesson(p.db, p.teacher.user, id, LESSON, { title: 'Ievads', minutes: 10, required: true, body: 'x\n', passPercent: 50 }).ok).toBe(true);
    expect(readLesson(draftFiles(id), LESSON)?.activity).toBeUndefined();
  });

  test('removing the lesson removes its activity file', async () => {
    const id = created();
    const second = addItem(p.db, p.teacher.user, id, 'modulis-1', 'lesson', 'Otrā');
    if (!second.ok) throw new Error(second.code);
    await attach(id, await craftPackage(), { lesson: second.value });
    expect(changeItem(p.db, p.teacher.user, id, second.value, 'remove').ok).toBe(true);
    expect([...draftFiles(id).keys()]).toEqual(['course.yaml', LESSON]);
  });
});

describe('export and import carry the activity byte for byte', () => {
  test('published → exported → imported into another installation → exported again: identical, and the .h5p is the upload', async () => {
    const id = created();
    const bytes = await craftPackage([{ name: 'content/images/a.png', data: TINY_PNG }]);
    await attach(id, bytes, { passPercent: 75 });
    saveLesson(p.db, p.teacher.user, id, LESSON, { title: 'Ievads', minutes: 10, required: true, body: 'Izspēlējiet vārdu spēli.\n', passPercent: 75 });
    expect(publishDraft(p.db, p.teacher.user, id).ok).toBe(true);
    const first = await exportDraftZip(p.db, p.teacher.user, id);
    const firstFiles = await readPackageZip(first!);
    if (!firstFiles.ok) throw new Error(firstFiles.detail);
    expect([...firstFiles.files.keys()].sort()).toEqual(['activities/vardu-spele.h5p', 'course.yaml', LESSON]);
    expect(firstFiles.files.get(FILE)!.equals(bytes)).toBe(true);

    // Another prison's server: a fresh database and data folder.
    const fresh = await createPrison();
    const freshData = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-h5p-fresh-'));
    extraCleanups.push(() => {
      fresh.cleanup();
      fs.rmSync(freshData, { recursive: true, force: true });
    });
    expect(await importPackageZip(fresh.db, freshData, fresh.teacher.user, first!)).toEqual({ ok: true, courseId: id });
    expect(draftFiles(id, fresh.db).get(FILE)).toEqual({ h5p: sha256(bytes) });
    expect(getPackageBytes(fresh.db, sha256(bytes))?.equals(bytes)).toBe(true);
    expect(listTree(path.join(freshData, 'h5p', 'content'))).toContain('1/images/a.png');

    const second = await exportDraftZip(fresh.db, fresh.teacher.user, id);
    const secondFiles = await readPackageZip(second!);
    if (!secondFiles.ok) throw new Error(secondFiles.detail);
    expect([...secondFiles.files.keys()].sort()).toEqual([...firstFiles.files.keys()].sort());
    for (const [rel, content] of firstFiles.files) expect(secondFiles.files.get(rel)!.equals(content), rel).toBe(true);
    expect(second!.equals(first!)).toBe(true);

    // And it publishes there with the same activity.
    expect(publishDraft(fresh.db, fresh.teacher.user, id).ok).toBe(true);
    expect(getActivity(fresh.db, getCourseItems(fresh.db, id)[0]!.versionId)).toMatchObject({ file: FILE, passPercent: 75, title: 'Crafted activity', mainLibrary: 'H5P.Crafted' });
  });

  test('importing the same archive again stores the activity once', async () => {
    const id = created();
    await attach(id, await craftPackage());
    const zip = (await exportDraftZip(p.db, p.teacher.user, id))!;
    expect(await importPackageZip(p.db, dataDir, p.teacher.user, zip)).toEqual({ ok: true, courseId: id });
    expect(await importPackageZip(p.db, dataDir, p.teacher.user, zip)).toEqual({ ok: true, courseId: id });
    expect(count(p.db, 'h5p_content')).toBe(1);
    expect((await exportDraftZip(p.db, p.teacher.user, id))!.equals(zip)).toBe(true);
  });

  test('an archive whose .h5p is refused is not imported: the file and the reason are named, nothing is stored', async () => {
    const id = created();
    await attach(id, await craftPackage());
    const good = await readPackageZip((await exportDraftZip(p.db, p.teacher.user, id))!);
    if (!good.ok) throw new Error(good.detail);
    const files = new Map(good.files);
    files.set(FILE, await craftWithName('../evil.js'));
    files.set('course.yaml', Buffer.from(files.get('course.yaml')!.toString('utf8').replace('id: darba-drosiba', 'id: cits-kurss')));

    const fresh = await createPrison();
    const freshData = fs.mkdtempSync(path.join(os.tmpdir(), 'tilts-h5p-fresh-'));
    extraCleanups.push(() => {
      fresh.cleanup();
      fs.rmSync(freshData, { recursive: true, force: true });
    });
    const r = await importPackageZip(fresh.db, freshData, fresh.teacher.user, await writePackageZip('cits-kurss', files));
    expect(r).toEqual({
      ok: false,
      code: 'authoring.invalid',
      errors: [{ file: `cits-kurss/${FILE}`, field: '', reason: expect.stringMatching(/^H5P package refused: .*\.\.\/evil\.js/) }],
    });
    expect(getDraft(fresh.db, 'cits-kurss')).toBeNull();
    expect(count(fresh.db, 'h5p_content')).toBe(0);
    expect(count(fresh.db, 'h5p_package')).toBe(0);
    expect(listTree(path.join(freshData, 'h5p', 'content'))).toEqual([]);
  });

  test('an .h5p file no lesson names is not turned into text on import (kept byte for byte)', async () => {
    const id = created();
    await attach(id, await craftPackage());
    const good = await readPackageZip((await exportDraftZip(p.db, p.teacher.user, id))!);
    if (!good.ok) throw new Error(good.detail);
    const files = new Map(good.files);
    const spare = await craftPackage([], { title: 'Rezerve' });
    files.set('activities/rezerve.h5p', spare);
    expect(await importPackageZip(p.db, dataDir, p.teacher.user, await writePackageZip(id, files))).toEqual({ ok: true, courseId: id });
    const draftFile = draftFiles(id).get('activities/rezerve.h5p');
    expect(draftFile === undefined || !('text' in draftFile)).toBe(true);
    const again = await readPackageZip((await exportDraftZip(p.db, p.teacher.user, id))!);
    if (!again.ok) throw new Error(again.detail);
    const exported = again.files.get('activities/rezerve.h5p');
    expect(exported === undefined || exported.equals(spare)).toBe(true);
  });
});

describe('publishing and rollback keep H5P results', () => {
  test('a learner who passed on publication 1 stays done after a new threshold and a rollback', async () => {
    const id = created();
    await attach(id, await craftPackage(), { passPercent: 60 });
    const first = publishDraft(p.db, p.teacher.user, id);
    if (!first.ok) throw new Error(first.code);
    enrol(p.db, p.learner.learnerId, id);
    const course = getCourse(p.db, id)!;
    const item = getCourseItems(p.db, id)[0]!;
    const activity = getActivity(p.db, item.versionId)!;
    const passed = recordStatement(p.db, p.learner.learnerId, course, item, statementInput(activity.contentId, 3, 4));
    expect(passed).toEqual({ ok: true, outcome: { counted: true, percent: 75, passed: true, pending: false, lessonDone: true, courseCompleted: true } });
    const resultsBefore = stmt(p.db, 'SELECT * FROM h5p_result ORDER BY id').all();
    const progressBefore = stmt(p.db, 'SELECT * FROM lesson_progress').all();
    const state = () => getCourseProgress(p.db, p.learner.learnerId, getCourse(p.db, id)!);

    // A stricter threshold and a new text: a new version of the same item.
    saveLesson(p.db, p.teacher.user, id, LESSON, { title: 'Ievads', minutes: 20, required: true, body: 'Stingrāk.\n', passPercent: 90 });
    const second = publishDraft(p.db, p.teacher.user, id);
    if (!second.ok) throw new Error(second.code);
    const edited = getCourseItems(p.db, id)[0]!;
    expect(edited.id).toBe(item.id);
    expect(edited.versionId).not.toBe(item.versionId);
    expect(getActivity(p.db, edited.versionId)).toMatchObject({ contentId: activity.contentId, passPercent: 90 });
    expect(state().items[0]).toMatchObject({ state: 'done', keptPercent: 75 });

    const back = rollbackTo(p.db, p.teacher.user, id, first.publication.id);
    expect(back.ok).toBe(true);
    const restored = getCourseItems(p.db, id)[0]!;
    expect(restored.id).toBe(item.id);
    expect(getActivity(p.db, restored.versionId)).toMatchObject({ contentId: activity.contentId, passPercent: 60 });
    expect(getLessonHtml(p.db, restored.versionId)).toContain('Šeit rakstiet');

    expect(stmt(p.db, 'SELECT * FROM h5p_result ORDER BY id').all()).toEqual(resultsBefore);
    expect(stmt(p.db, 'SELECT * FROM lesson_progress').all()).toEqual(progressBefore);
    expect(state()).toMatchObject({ complete: true, completedAt: expect.any(String) });
    expect(state().items[0]).toMatchObject({ state: 'done', keptPercent: 75, attempts: 1 });
    expect(activitySummary(p.db, p.learner.learnerId, restored)).toMatchObject({ bestPercent: 75, passed: true, lessonDone: true });
    expect(auditActions(p.db)).toContain('course.rollback');
  });

  test('a learner who failed stays failed across publications, and passes under the restored threshold', async () => {
    const id = created();
    await attach(id, await craftPackage(), { passPercent: 60 });
    const first = publishDraft(p.db, p.teacher.user, id);
    if (!first.ok) throw new Error(first.code);
    enrol(p.db, p.learner.learnerId, id);
    const item = getCourseItems(p.db, id)[0]!;
    const contentId = getActivity(p.db, item.versionId)!.contentId;
    recordStatement(p.db, p.learner.learnerId, getCourse(p.db, id)!, item, statementInput(contentId, 1, 4));
    saveLesson(p.db, p.teacher.user, id, LESSON, { title: 'Ievads', minutes: 20, required: true, body: 'x\n', passPercent: 20 });
    publishDraft(p.db, p.teacher.user, id);
    // An earlier result does not pass retroactively under the new threshold.
    expect(getCourseProgress(p.db, p.learner.learnerId, getCourse(p.db, id)!).items[0]).toMatchObject({ state: 'failed', keptPercent: 25 });
    rollbackTo(p.db, p.teacher.user, id, first.publication.id);
    const restored = getCourseItems(p.db, id)[0]!;
    const r = recordStatement(p.db, p.learner.learnerId, getCourse(p.db, id)!, restored, statementInput(contentId, 3, 4, 'b'.repeat(32)));
    expect(r).toEqual({ ok: true, outcome: expect.objectContaining({ passed: true, lessonDone: true }) });
    expect(stmt(p.db, 'SELECT version_id FROM h5p_result ORDER BY id').pluck().all()).toEqual([item.versionId, restored.versionId]);
  });
});

describe('syncCourses: packages in courses/ with activities', () => {
  const FOLDER = 'ar-uzdevumu';
  const ACTIVITY = 'activities/uzdevums.h5p';
  function packageWith(h5p: Buffer): CoursePackage {
    return {
      manifest: {
        id: FOLDER,
        title: { lv: 'Ar uzdevumu', en: 'With a task', ru: 'С заданием' },
        summary: { lv: 'x', en: 'x', ru: 'x' },
        track: 'life-skills',
        level: 'general',
        hours: 4,
        language: 'lv',
        passRules: { lessons: 'required', quizzes: false, minHours: 0 },
        modules: [{ id: 'pamati', title: 'Pamati', items: ['01-uzdevums.md'] }],
      },
      files: {
        'pamati/01-uzdevums.md': lessonFile({ title: 'Uzdevums', activity: { file: ACTIVITY, passPercent: 50 } }, 'Dariet.\n'),
        [ACTIVITY]: h5p,
      },
    };
  }

  test('with the data folder, the activity is stored once and the lesson plays it', async () => {
    writePackage(courses.dir, packageWith(await craftPackage()));
    const report = await syncCourses(p.db, courses.dir, dataDir);
    expect(report.refused).toEqual([]);
    expect(report.synced).toEqual([expect.objectContaining({ courseId: FOLDER, status: 'created' })]);
    const item = getCourseItems(p.db, FOLDER)[0]!;
    expect(getActivity(p.db, item.versionId)).toMatchObject({ file: ACTIVITY, passPercent: 50, mainLibrary: 'H5P.Crafted' });
    // The content is stored by the system, not by a user.
    expect(stmt(p.db, 'SELECT created_by FROM h5p_content').pluck().all()).toEqual([null]);
    const again = await syncCourses(p.db, courses.dir, dataDir);
    expect(again.synced).toEqual([expect.objectContaining({ courseId: FOLDER, status: 'unchanged' })]);
    expect(count(p.db, 'h5p_content')).toBe(1);
  });

  test('without a data folder, a package with an activity is refused with a clear error; others still sync', async () => {
    writePackage(courses.dir, packageWith(await craftPackage()));
    writePackage(courses.dir, samplePackage('bez-uzdevuma'));
    const report = await syncCourses(p.db, courses.dir, null);
    expect(report.refused).toEqual([
      { folder: FOLDER, errors: [{ file: `${FOLDER}/${ACTIVITY}`, field: '', reason: 'H5P activities need the data folder (TILTS_DATA_DIR)' }] },
    ]);
    expect(report.synced.map((s) => s.courseId)).toEqual(['bez-uzdevuma']);
    expect(getCourse(p.db, FOLDER)).toBeNull();
    expect(count(p.db, 'h5p_content')).toBe(0);
  });

  test.each([
    ['a path traversal', () => craftWithName('../evil.js')],
    ['an executable', () => craftPackage([{ name: 'content/run.exe', data: 'MZ' }])],
    ['not a zip', async () => Buffer.from('PK\u0003\u0004 but not really a zip')],
  ] as const)('a refused .h5p (%s) refuses the whole package, naming the file; nothing is stored', async (_what, make) => {
    writePackage(courses.dir, packageWith(await make()));
    const report = await syncCourses(p.db, courses.dir, dataDir);
    expect(report.synced).toEqual([]);
    expect(report.refused).toEqual([{ folder: FOLDER, errors: [{ file: `${FOLDER}/${ACTIVITY}`, field: '', reason: expect.stringMatching(/^H5P package refused: \S/) }] }]);
    expect(getCourse(p.db, FOLDER)).toBeNull();
    expect(count(p.db, 'h5p_content')).toBe(0);
    expect(count(p.db, 'h5p_package')).toBe(0);
    expect(count(p.db, 'h5p_library')).toBe(0);
    expect(listTree(path.join(dataDir, 'h5p', 'content'))).toEqual([]);
    expect(listTree(path.join(dataDir, 'h5p', 'libraries'))).toEqual([]);
  });

  test('a package with a good and a refused activity is refused as a whole, naming only the refused file', async () => {
    const pkg = packageWith(await craftPackage());
    const manifest = pkg.manifest as { modules: Array<{ items: string[] }> };
    manifest.modules[0]!.items.push('02-otrs.md');
    pkg.files['pamati/02-otrs.md'] = lessonFile({ title: 'Otrs', activity: { file: 'activities/slikts.h5p' } }, 'x\n');
    pkg.files['activities/slikts.h5p'] = await craftWithName('../evil.js');
    writePackage(courses.dir, pkg);
    const report = await syncCourses(p.db, courses.dir, dataDir);
    expect(report.synced).toEqual([]);
    expect(report.refused).toEqual([
      { folder: FOLDER, errors: [{ file: `${FOLDER}/activities/slikts.h5p`, field: '', reason: expect.stringMatching(/^H5P package refused: /) }] },
    ]);
    expect(getCourse(p.db, FOLDER)).toBeNull();
  });

  test('a refused .h5p in a new version of the folder keeps the last good version in use', async () => {
    writePackage(courses.dir, packageWith(await craftPackage()));
    await syncCourses(p.db, courses.dir, dataDir);
    const before = getCourseItems(p.db, FOLDER)[0]!;
    const contentId = getActivity(p.db, before.versionId)!.contentId;
    writePackage(courses.dir, packageWith(await craftWithName('../evil.js')));
    const report = await syncCourses(p.db, courses.dir, dataDir);
    expect(report.refused.map((r) => r.folder)).toEqual([FOLDER]);
    expect(report.archivedCourses).toEqual([]);
    const after = getCourseItems(p.db, FOLDER)[0]!;
    expect(after.versionId).toBe(before.versionId);
    expect(getActivity(p.db, after.versionId)?.contentId).toBe(contentId);
    expect(getCourse(p.db, FOLDER)?.archived).toBe(false);
    expect(count(p.db, 'h5p_content')).toBe(1);
  });

  test('a lesson naming an .h5p file that is not in the folder is refused by the loader', async () => {
    const pkg = packageWith(await craftPackage());
    delete pkg.files[ACTIVITY];
    writePackage(courses.dir, pkg);
    const report = await syncCourses(p.db, courses.dir, dataDir);
    expect(report.refused).toEqual([
      { folder: FOLDER, errors: [{ file: `${FOLDER}/pamati/01-uzdevums.md`, field: 'activity.file', reason: `${ACTIVITY}: file not found` }] },
    ]);
    expect(count(p.db, 'h5p_content')).toBe(0);
  });
});
