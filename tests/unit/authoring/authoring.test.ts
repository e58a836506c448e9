import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import path from 'node:path';
import { createCourse, exportDraftZip, importPackageZip, packageBytes, type NewCourse } from '../../../src/lib/server/authoring/courses.ts';
import { getDraft } from '../../../src/lib/server/authoring/draft.ts';
import { addImage, addItem, changeItem, readLesson, saveLesson, saveQuiz } from '../../../src/lib/server/authoring/edit.ts';
import { diffFiles, getPublicationFiles, listPublications, publishDraft, rollbackTo } from '../../../src/lib/server/authoring/publish.ts';
import { readPackageZip, writePackageZip } from '../../../src/lib/server/authoring/package-zip.ts';
import { getCourse, getCourseItems, getLessonHtml } from '../../../src/lib/server/courses/catalog.ts';
import { getCourseProgress } from '../../../src/lib/server/learning/progress.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { syncCourses } from '../../../src/lib/server/courses/sync.ts';
import { createPrison, auditActions, type Prison } from '../../helpers/fixture.ts';
import { createCoursesDir, PNG_BYTES, samplePackage, writePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { enrol } from '../../helpers/learning.ts';

let p: Prison & { cleanup: () => void; file: string };
let courses: CoursesDir;
beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
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

function created() {
  const r = createCourse(p.db, p.teacher.user, NEW);
  if (!r.ok) throw new Error(r.code);
  return r.courseId;
}

describe('a teacher authors a course in the browser', () => {
  test('a new course is a draft with a first lesson, and publishing makes it a course learners can study', () => {
    const id = created();
    expect(getCourse(p.db, id)).toBeNull();
    const published = publishDraft(p.db, p.teacher.user, id);
    expect(published.ok).toBe(true);
    expect(getCourse(p.db, id)?.title.en).toBe('Safety at work');
    expect(getCourseItems(p.db, id).map((i) => i.title)).toEqual(['Ievads']);
    expect(auditActions(p.db)).toContain('course.publish');
  });

  test('another teacher cannot edit or publish it; the id cannot be taken twice', () => {
    const id = created();
    const other = { ...p.teacher.user, id: p.educationStaff.user.id, role: 'teacher' as const };
    expect(publishDraft(p.db, other, id)).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(saveLesson(p.db, other, id, 'modulis-1/01-ievads.md', { title: 'X', minutes: 5, required: true, body: 'x' })).toEqual({ ok: false, code: 'auth.forbidden' });
    expect(createCourse(p.db, p.teacher.user, NEW)).toEqual({ ok: false, code: 'authoring.idTaken' });
  });

  test('an invalid draft is not published: the errors name the file, the field and the reason', () => {
    const id = created();
    const quiz = addItem(p.db, p.teacher.user, id, 'modulis-1', 'quiz', 'Pārbaude');
    if (!quiz.ok) throw new Error(quiz.code);
    const r = saveLesson(p.db, p.teacher.user, id, 'modulis-1/01-ievads.md', { title: '', minutes: 5, required: true, body: 'Teksts' });
    expect(r.ok).toBe(true);
    const published = publishDraft(p.db, p.teacher.user, id);
    expect(published.ok).toBe(false);
    if (!published.ok && published.code === 'authoring.invalid') {
      expect(published.errors).toContainEqual(expect.objectContaining({ file: `${id}/modulis-1/01-ievads.md`, field: 'title' }));
    }
    expect(getCourse(p.db, id)).toBeNull();
  });

  test('publishing keeps learners’ progress; history shows a diff; rollback restores the text and keeps progress', () => {
    const id = created();
    const lesson = 'modulis-1/01-ievads.md';
    saveLesson(p.db, p.teacher.user, id, lesson, { title: 'Ievads', minutes: 10, required: true, body: 'Pirmais teksts.\n' });
    const first = publishDraft(p.db, p.teacher.user, id);
    if (!first.ok) throw new Error(first.code);
    enrol(p.db, p.learner.learnerId, id);
    const course = getCourse(p.db, id)!;
    const item = getCourseItems(p.db, id)[0]!;
    markLessonDone(p.db, p.learner.learnerId, course, item);

    saveLesson(p.db, p.teacher.user, id, lesson, { title: 'Ievads', minutes: 10, required: true, body: 'Otrais teksts.\n' });
    const second = publishDraft(p.db, p.teacher.user, id);
    if (!second.ok) throw new Error(second.code);
    const edited = getCourseItems(p.db, id)[0]!;
    expect(edited.id).toBe(item.id);
    expect(getLessonHtml(p.db, edited.versionId)).toContain('Otrais');
    expect(getCourseProgress(p.db, p.learner.learnerId, getCourse(p.db, id)!).items[0]!.state).toBe('done');

    const diff = diffFiles(getPublicationFiles(p.db, id, first.publication.id)!, getPublicationFiles(p.db, id, second.publication.id)!);
    expect(diff).toEqual([expect.objectContaining({ path: lesson, change: 'changed' })]);
    expect(diff[0]!.lines).toContainEqual({ kind: 'removed', text: 'Pirmais teksts.\n' });
    expect(diff[0]!.lines).toContainEqual({ kind: 'added', text: 'Otrais teksts.\n' });

    const back = rollbackTo(p.db, p.teacher.user, id, first.publication.id);
    expect(back.ok).toBe(true);
    const restored = getCourseItems(p.db, id)[0]!;
    expect(getLessonHtml(p.db, restored.versionId)).toContain('Pirmais');
    expect(getCourseProgress(p.db, p.learner.learnerId, getCourse(p.db, id)!).items[0]!.state).toBe('done');
    expect(listPublications(p.db, id)[0]!.rollbackOf).toBe(first.publication.id);
    expect(auditActions(p.db)).toContain('course.rollback');
    expect(readLesson(getDraft(p.db, id)!.files, lesson)?.body).toBe('Pirmais teksts.\n');
  });
});

describe('one model for both ways of authoring', () => {
  test('a course made in the browser exports as a package, imports back identical, and loads like a folder package', async () => {
    const id = created();
    const quiz = addItem(p.db, p.teacher.user, id, 'modulis-1', 'quiz', 'Pārbaude');
    if (!quiz.ok) throw new Error(quiz.code);
    saveQuiz(p.db, p.teacher.user, id, quiz.value, {
      title: 'Pārbaude',
      passPercent: 60,
      attempts: 2,
      keep: 'best',
      questions: [
        { type: 'single', prompt: 'Ko valkā?', options: ['Cimdus', 'Neko'], answer: 'Cimdus', points: 1 },
        { type: 'short', prompt: 'Numurs?', accept: ['112'], loose: true, points: 1 },
      ],
    });
    const image = addImage(p.db, p.teacher.user, id, 'Aplis.png', PNG_BYTES);
    if (!image.ok) throw new Error(image.code);
    saveLesson(p.db, p.teacher.user, id, 'modulis-1/01-ievads.md', { title: 'Ievads', minutes: 5, required: true, body: `Attēls:\n\n![Aplis](${image.value})\n` });
    const before = packageBytes(p.db, getDraft(p.db, id)!.files);

    const zip = await exportDraftZip(p.db, p.teacher.user, id);
    const unpacked = await readPackageZip(zip!);
    if (!unpacked.ok) throw new Error(unpacked.detail);
    expect([...unpacked.files.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [rel, bytes] of before) expect(unpacked.files.get(rel)!.equals(bytes)).toBe(true);

    // The same archive, imported by the teacher, gives exactly the same draft; exported again, the same bytes.
    const imported = await importPackageZip(p.db, path.join(path.dirname(p.file), "data"), p.teacher.user, zip!);
    expect(imported).toEqual({ ok: true, courseId: id });
    expect((await exportDraftZip(p.db, p.teacher.user, id))!.equals(zip!)).toBe(true);

    // And the export is a package the courses/ loader accepts.
    const folder = new Map(unpacked.files);
    const { loadPackage, memoryPackage } = await import('../../../src/lib/server/courses/load.ts');
    expect(loadPackage(id, memoryPackage(folder)).ok).toBe(true);
    expect(publishDraft(p.db, p.teacher.user, id).ok).toBe(true);
  });

  test('a package .zip from courses/ imports into the editor; a broken one is refused with file, field and reason', async () => {
    const sample = samplePackage('import-me');
    writePackage(courses.dir, sample);
    const files = new Map<string, Buffer>();
    const { diskPackage, loadCoursePackage } = await import('../../../src/lib/server/courses/load.ts');
    const loaded = loadCoursePackage(courses.dir, 'import-me');
    if (!loaded.ok) throw new Error('sample did not load');
    const disk = diskPackage(`${courses.dir}/import-me`);
    for (const rel of ['course.yaml', ...loaded.course.items.map((i) => i.key), ...loaded.course.images.keys()]) files.set(rel, disk.read(rel) as Buffer);
    const zip = await writePackageZip('import-me', files);
    expect(await importPackageZip(p.db, path.join(path.dirname(p.file), "data"), p.teacher.user, zip)).toEqual({ ok: true, courseId: 'import-me' });
    expect(publishDraft(p.db, p.teacher.user, 'import-me').ok).toBe(true);

    files.set('course.yaml', Buffer.from(files.get('course.yaml')!.toString('utf8').replace('track: general-education', 'track: cooking')));
    const broken = await importPackageZip(p.db, path.join(path.dirname(p.file), "data"), p.teacher.user, await writePackageZip('import-me', files));
    expect(broken.ok).toBe(false);
    if (!broken.ok && broken.code === 'authoring.invalid') expect(broken.errors).toContainEqual(expect.objectContaining({ file: 'import-me/course.yaml', field: 'track' }));
  });

  test('a zip with a path leaving the package, or another file type, is refused', async () => {
    // yazl will not write such a path: write a harmless one and rename it in the archive's bytes.
    const harmless = await writePackageZip('x', new Map([['QQ/evil.md', Buffer.from('x')]]));
    const bad = Buffer.from(harmless.toString('latin1').replaceAll('x/QQ/evil.md', 'x/../evil.md'), 'latin1');
    expect(await importPackageZip(p.db, path.join(path.dirname(p.file), "data"), p.teacher.user, bad)).toEqual(expect.objectContaining({ ok: false, code: 'authoring.zipInvalid' }));
    const exe = await writePackageZip('x', new Map([['course.yaml', Buffer.from('id: x\n')], ['run.exe', Buffer.from('MZ')]]));
    expect(await importPackageZip(p.db, path.join(path.dirname(p.file), "data"), p.teacher.user, exe)).toEqual(expect.objectContaining({ ok: false, code: 'authoring.zipInvalid' }));
    expect(await importPackageZip(p.db, path.join(path.dirname(p.file), "data"), p.teacher.user, Buffer.from('not a zip'))).toEqual(expect.objectContaining({ ok: false, code: 'authoring.zipInvalid' }));
  });

  test('a course published from the browser is left alone by the start-up sync of courses/', async () => {
    const id = created();
    publishDraft(p.db, p.teacher.user, id);
    const other = samplePackage(id);
    writePackage(courses.dir, other);
    const report = await syncCourses(p.db, courses.dir, null);
    expect(report.skipped).toEqual([id]);
    expect(getCourse(p.db, id)?.title.en).toBe('Safety at work');
  });

  test('items can be reordered and removed; removing a published lesson archives it for learners', () => {
    const id = created();
    const second = addItem(p.db, p.teacher.user, id, 'modulis-1', 'lesson', 'Otrā nodarbība');
    if (!second.ok) throw new Error(second.code);
    changeItem(p.db, p.teacher.user, id, second.value, 'up');
    publishDraft(p.db, p.teacher.user, id);
    expect(getCourseItems(p.db, id).map((i) => i.title)).toEqual(['Otrā nodarbība', 'Ievads']);
    changeItem(p.db, p.teacher.user, id, 'modulis-1/01-ievads.md', 'remove');
    publishDraft(p.db, p.teacher.user, id);
    expect(getCourseItems(p.db, id).map((i) => i.title)).toEqual(['Otrā nodarbība']);
  });
});
