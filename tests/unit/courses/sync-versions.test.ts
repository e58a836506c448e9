import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import { getCourse, getCourseItem, getLessonHtml, getMedia, getQuizVersion, listCourses } from '../../../src/lib/server/courses/catalog.ts';
import { syncCourses } from '../../../src/lib/server/courses/sync.ts';
import { getCourseProgress } from '../../../src/lib/server/learning/progress.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { listAttempts, submitQuizAttempt } from '../../../src/lib/server/learning/quiz-attempts.ts';
import { TimeOnTask } from '../../../src/lib/server/learning/time-on-task.ts';
import type { Answer } from '../../../src/lib/server/learning/grading.ts';
import {
  createCoursesDir,
  lessonFile,
  manifestOf,
  PNG_BYTES,
  quizOf,
  SAMPLE,
  samplePackage,
  writePackage,
  type CoursesDir,
} from '../../helpers/course-package.ts';
import { auditActions, createPrison, type Prison } from '../../helpers/fixture.ts';
import { enrol, installPackage, lookUp } from '../../helpers/learning.ts';

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

const versionCount = () => stmt(p.db, 'SELECT count(*) FROM course_item_version').pluck().get() as number;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const editedLesson2 = () => lessonFile({ title: 'Daļa no skaitļa' }, 'Lai atrastu trešdaļu no 9, dala 9 ar 3.\n');
const ALL_RIGHT: Answer[] = [
  { type: 'single', option: 1 },
  { type: 'multiple', options: [0, 1, 3] },
  { type: 'truefalse', value: false },
  { type: 'short', text: 'ceturtdaļa' },
  { type: 'order', positions: [1, 2, 3] },
];

describe('the first sync', () => {
  test('creates the course and its items, each with a first version; lessons are rendered once, at sync', () => {
    const { outcome, course, items } = installPackage(p.db, courses.dir, samplePackage());
    expect(outcome).toEqual({ courseId: 'test-course', status: 'created', newVersions: 4, archivedItems: 0 });
    expect(course).toMatchObject({ id: 'test-course', track: 'general-education', level: 'basic-7', hours: 40, archived: false });
    expect(course.passRules).toEqual({ lessons: 'required', quizzes: true, minHours: 0 });
    expect(items.map((i) => [i.key, i.kind, i.moduleTitle])).toEqual([
      [SAMPLE.lesson1, 'lesson', 'Daļas'],
      [SAMPLE.lesson2, 'lesson', 'Daļas'],
      [SAMPLE.quiz, 'quiz', 'Daļas'],
      [SAMPLE.optionalLesson, 'lesson', 'Nauda'],
    ]);
    expect(getLessonHtml(p.db, items[1]!.versionId)).toBe('<p>Lai atrastu pusi no 10, dala 10 ar 2.</p>\n');
    expect(getQuizVersion(p.db, items[2]!.versionId)?.questions).toHaveLength(5);
    expect(getQuizVersion(p.db, items[1]!.versionId)).toBeNull(); // a lesson is not a quiz
    expect(auditActions(p.db)).toEqual(['course.create']);
  });
});

describe('syncing again', () => {
  test('an unchanged package is "unchanged" and creates no versions', async () => {
    installPackage(p.db, courses.dir, samplePackage());
    const before = versionCount();
    const report = await syncCourses(p.db, courses.dir, null);
    expect(report.synced).toEqual([{ courseId: 'test-course', status: 'unchanged', newVersions: 0, archivedItems: 0 }]);
    expect(versionCount()).toBe(before);
    expect(auditActions(p.db)).toEqual(['course.create']);
  });

  test('an edited lesson gets a new version under the same item id; the old version is kept', () => {
    const first = installPackage(p.db, courses.dir, samplePackage());
    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson2] = editedLesson2();
    const second = installPackage(p.db, courses.dir, pkg);
    expect(second.outcome).toEqual({ courseId: 'test-course', status: 'updated', newVersions: 1, archivedItems: 0 });
    const before = first.item(SAMPLE.lesson2);
    const after = second.item(SAMPLE.lesson2);
    expect(after.id).toBe(before.id);
    expect(after.versionId).not.toBe(before.versionId);
    expect(getLessonHtml(p.db, after.versionId)).toContain('trešdaļu no 9');
    expect(getLessonHtml(p.db, before.versionId)).toContain('pusi no 10');
    // The other items did not change.
    expect(second.item(SAMPLE.lesson1).versionId).toBe(first.item(SAMPLE.lesson1).versionId);
    expect(auditActions(p.db)).toEqual(['course.create', 'course.update']);
  });

  test('a lesson edited back to its earlier text returns to its earlier version', () => {
    const first = installPackage(p.db, courses.dir, samplePackage());
    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson2] = editedLesson2();
    installPackage(p.db, courses.dir, pkg);
    const count = versionCount();
    const reverted = installPackage(p.db, courses.dir, samplePackage());
    expect(reverted.outcome.newVersions).toBe(0);
    expect(reverted.item(SAMPLE.lesson2).versionId).toBe(first.item(SAMPLE.lesson2).versionId);
    expect(versionCount()).toBe(count);
  });
});

describe("a learner's work survives edits of the course", () => {
  test('lesson done, quiz attempts and time on task stay with the items after the lesson and the quiz change', () => {
    const first = installPackage(p.db, courses.dir, samplePackage());
    const learner = p.learner.learnerId;
    enrol(p.db, learner, 'test-course');
    markLessonDone(p.db, learner, first.course, first.item(SAMPLE.lesson2));
    const attempt = submitQuizAttempt(p.db, learner, first.course, first.item(SAMPLE.quiz), ALL_RIGHT);
    expect(attempt.ok).toBe(true);
    const time = new TimeOnTask();
    const t0 = Date.parse('2026-02-02T09:00:00Z');
    time.start('session-1', learner, first.item(SAMPLE.lesson2).id, t0);
    time.beat('session-1', learner, first.item(SAMPLE.lesson2).id, t0 + 30_000);
    time.flush(p.db, t0 + 30_000, true);

    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson2] = editedLesson2();
    quizOf(pkg).questions[0].prompt = 'Cik ir puse no desmit?';
    const edited = installPackage(p.db, courses.dir, pkg);
    expect(edited.outcome.newVersions).toBe(2);

    const progress = getCourseProgress(p.db, learner, edited.course);
    const lesson2 = progress.items.find((i) => i.key === SAMPLE.lesson2)!;
    const quiz = progress.items.find((i) => i.key === SAMPLE.quiz)!;
    expect(lesson2).toMatchObject({ state: 'done', seconds: 30 });
    expect(quiz).toMatchObject({ state: 'passed', attempts: 1, keptPercent: 100 });
    expect(progress.countedDone).toBe(2);
  });
});

describe('removing and restoring', () => {
  test('an item removed from course.yaml is archived: hidden from the course, its rows and history kept', () => {
    const first = installPackage(p.db, courses.dir, samplePackage());
    const lesson2 = first.item(SAMPLE.lesson2);
    enrol(p.db, p.learner.learnerId, 'test-course');
    markLessonDone(p.db, p.learner.learnerId, first.course, lesson2);

    const pkg = samplePackage();
    manifestOf(pkg).modules[0].items.splice(1, 1);
    const second = installPackage(p.db, courses.dir, pkg);
    expect(second.outcome).toMatchObject({ status: 'updated', archivedItems: 1 });
    expect(second.items.map((i) => i.key)).toEqual([SAMPLE.lesson1, SAMPLE.quiz, SAMPLE.optionalLesson]);
    expect(getCourseItem(p.db, 'test-course', lesson2.id)).toBeNull();
    const row = stmt(p.db, 'SELECT archived_at FROM course_item WHERE id = ?').get(lesson2.id) as { archived_at: string | null };
    expect(row.archived_at).not.toBeNull();
    expect(stmt(p.db, 'SELECT count(*) FROM lesson_progress WHERE item_id = ?').pluck().get(lesson2.id)).toBe(1);
    // An archived lesson no longer counts toward the course.
    expect(getCourseProgress(p.db, p.learner.learnerId, second.course).countedDone).toBe(0);

    const restored = installPackage(p.db, courses.dir, samplePackage());
    expect(restored.item(SAMPLE.lesson2)).toMatchObject({ id: lesson2.id, versionId: lesson2.versionId });
    expect(restored.outcome.newVersions).toBe(0);
    const progress = getCourseProgress(p.db, p.learner.learnerId, restored.course);
    expect(progress.items.find((i) => i.id === lesson2.id)?.state).toBe('done');
  });

  test('a course whose folder is removed is archived; putting the folder back restores it', async () => {
    installPackage(p.db, courses.dir, samplePackage());
    fs.rmSync(path.join(courses.dir, 'test-course'), { recursive: true });
    const report = await syncCourses(p.db, courses.dir, null);
    expect(report.archivedCourses).toEqual(['test-course']);
    expect(getCourse(p.db, 'test-course')?.archived).toBe(true);
    expect(listCourses(p.db)).toEqual([]);
    expect(listCourses(p.db, { includeArchived: true }).map((c) => c.id)).toEqual(['test-course']);
    expect(auditActions(p.db)).toEqual(['course.create', 'course.archive']);
    // Archiving happens once.
    expect((await syncCourses(p.db, courses.dir, null)).archivedCourses).toEqual([]);

    writePackage(courses.dir, samplePackage());
    expect((await syncCourses(p.db, courses.dir, null)).synced).toEqual([expect.objectContaining({ courseId: 'test-course', status: 'updated', newVersions: 0 })]);
    expect(getCourse(p.db, 'test-course')?.archived).toBe(false);
  });

  test('a refused edit leaves the last good version in use, and the course is not archived', async () => {
    const good = installPackage(p.db, courses.dir, samplePackage());
    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson1] = lessonFile({ title: 'Kas ir daļa' }, 'Pavisam jauns teksts.\n');
    quizOf(pkg).questions[0].answer = 'nav tādas atbildes';
    writePackage(courses.dir, pkg);

    const report = await syncCourses(p.db, courses.dir, null);
    expect(report.refused.map((r) => r.folder)).toEqual(['test-course']);
    expect(report.archivedCourses).toEqual([]);
    const now = lookUp(p.db, 'test-course');
    expect(now.course.archived).toBe(false);
    expect(now.items.map((i) => [i.id, i.versionId])).toEqual(good.items.map((i) => [i.id, i.versionId]));
    expect(getLessonHtml(p.db, now.item(SAMPLE.lesson1).versionId)).toContain('Daļa ir vesela lieta');
  });
});

describe('pictures', () => {
  const mediaRows = () => stmt(p.db, 'SELECT hash FROM media ORDER BY hash').pluck().all() as string[];

  test('are stored once by their content hash and shown from /media/<hash>', () => {
    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson2] = lessonFile({ title: 'Daļa no skaitļa' }, 'Atkal puse:\n\n![Puse](images/puse.png)\n');
    const { item } = installPackage(p.db, courses.dir, pkg);
    installPackage(p.db, courses.dir, samplePackage('second-course'));
    const hash = sha256(PNG_BYTES);
    expect(mediaRows()).toEqual([hash]);
    expect(getMedia(p.db, hash)).toEqual({ contentType: 'image/png', bytes: PNG_BYTES });
    expect(getLessonHtml(p.db, item(SAMPLE.lesson1).versionId)).toContain(`<img src="/media/${hash}" alt="Aplis, puse iekrāsota"`);
    expect(getLessonHtml(p.db, item(SAMPLE.lesson2).versionId)).toContain(`<img src="/media/${hash}" alt="Puse"`);
  });

  test('a changed picture is a new version of the lesson that shows it', () => {
    const first = installPackage(p.db, courses.dir, samplePackage());
    const pkg = samplePackage();
    const otherPng = Buffer.concat([PNG_BYTES, Buffer.from([0])]); // still a PNG by its signature
    pkg.files[SAMPLE.image] = otherPng;
    const second = installPackage(p.db, courses.dir, pkg);
    expect(second.outcome.newVersions).toBe(1);
    expect(second.item(SAMPLE.lesson1).versionId).not.toBe(first.item(SAMPLE.lesson1).versionId);
    expect(getLessonHtml(p.db, second.item(SAMPLE.lesson1).versionId)).toContain(`/media/${sha256(otherPng)}`);
    expect(mediaRows()).toEqual([sha256(PNG_BYTES), sha256(otherPng)].sort());
  });

  test('a picture named with Latvian letters is shown, not replaced by its description', () => {
    const pkg = samplePackage();
    pkg.files[SAMPLE.lesson1] = lessonFile({ title: 'Kas ir daļa' }, '![Ceturtdaļa](images/ceturtdaļa.png)\n');
    pkg.files['images/ceturtdaļa.png'] = PNG_BYTES;
    const { item } = installPackage(p.db, courses.dir, pkg);
    expect(getLessonHtml(p.db, item(SAMPLE.lesson1).versionId)).toBe(`<p><img src="/media/${sha256(PNG_BYTES)}" alt="Ceturtdaļa" loading="lazy"></p>\n`);
  });
});
