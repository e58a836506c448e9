import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { listAudit } from '../../../src/lib/server/audit.ts';
import { stmt } from '../../../src/lib/server/db.ts';
import type { Answer } from '../../../src/lib/server/learning/grading.ts';
import { exportGradebookCsv, getGradebook, getLearnerCourseDetail, listTaughtCourses } from '../../../src/lib/server/learning/gradebook.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { submitQuizAttempt } from '../../../src/lib/server/learning/quiz-attempts.ts';
import { listMyCourses, openCourse, openItem } from '../../../src/lib/server/learning/study.ts';
import { syncCourses } from '../../../src/lib/server/courses/sync.ts';
import {
  createCoursesDir,
  lessonFile,
  manifestOf,
  quizOf,
  SAMPLE,
  samplePackage,
  type CoursesDir,
} from '../../helpers/course-package.ts';
import { createPrison, grantFacility, type Prison } from '../../helpers/fixture.ts';
import { assignTeacher, enrol, installPackage, type InstalledCourse } from '../../helpers/learning.ts';

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
let course: InstalledCourse;
let second: InstalledCourse;
beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  course = installPackage(p.db, courses.dir, samplePackage('test-course'));
  second = installPackage(p.db, courses.dir, samplePackage('second-course'));
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

const RIGHT: Answer[] = [
  { type: 'single', option: 1 },
  { type: 'multiple', options: [0, 1, 3] },
  { type: 'truefalse', value: false },
  { type: 'short', text: 'ceturtdaļa' },
  { type: 'order', positions: [1, 2, 3] },
];

describe('a learner opens only the courses they are enrolled in', () => {
  test('an enrolled learner opens the course and its current items', () => {
    enrol(p.db, p.learner.learnerId, 'test-course');
    expect(openCourse(p.db, p.learner.user, 'test-course')).toMatchObject({ learnerId: p.learner.learnerId, course: { id: 'test-course' } });
    expect(openItem(p.db, p.learner.user, 'test-course', course.item(SAMPLE.quiz).id)?.item.key).toBe(SAMPLE.quiz);
  });

  test('a learner cannot open a course they are not enrolled in, nor any of its items', () => {
    enrol(p.db, p.learner.learnerId, 'second-course');
    expect(openCourse(p.db, p.learner.user, 'test-course')).toBeNull();
    for (const item of course.items) expect(openItem(p.db, p.learner.user, 'test-course', item.id)).toBeNull();
    // …nor through another learner's enrolment.
    enrol(p.db, p.otherLearner.learnerId, 'test-course');
    expect(openCourse(p.db, p.learner.user, 'test-course')).toBeNull();
  });

  test('a learner cannot reach an item of another course through a course they are enrolled in', () => {
    enrol(p.db, p.learner.learnerId, 'test-course');
    expect(openItem(p.db, p.learner.user, 'test-course', second.item(SAMPLE.lesson1).id)).toBeNull();
    expect(openItem(p.db, p.learner.user, 'test-course', 999_999)).toBeNull();
  });

  test('a learner cannot open an archived item or an archived course', async () => {
    enrol(p.db, p.learner.learnerId, 'test-course');
    const removed = samplePackage('test-course');
    manifestOf(removed).modules[0].items.splice(1, 1);
    installPackage(p.db, courses.dir, removed);
    expect(openItem(p.db, p.learner.user, 'test-course', course.item(SAMPLE.lesson2).id)).toBeNull();
    expect(openItem(p.db, p.learner.user, 'test-course', course.item(SAMPLE.lesson1).id)).not.toBeNull();

    fs.rmSync(path.join(courses.dir, 'test-course'), { recursive: true });
    await syncCourses(p.db, courses.dir, null);
    expect(openCourse(p.db, p.learner.user, 'test-course')).toBeNull();
    expect(listMyCourses(p.db, p.learner.user)).toEqual([]);
  });

  test('a withdrawn learner can no longer open the course; a completed one can review it', () => {
    enrol(p.db, p.learner.learnerId, 'test-course');
    stmt(p.db, "UPDATE enrolment SET status = 'withdrawn'").run();
    expect(openCourse(p.db, p.learner.user, 'test-course')).toBeNull();
    stmt(p.db, "UPDATE enrolment SET status = 'completed'").run();
    expect(openCourse(p.db, p.learner.user, 'test-course')).not.toBeNull();
  });

  test('staff cannot open courses as learners, even with an enrolment in their user id', () => {
    enrol(p.db, p.learner.learnerId, 'test-course');
    for (const person of [p.teacher, p.admin, p.educationStaff]) {
      expect(openCourse(p.db, person.user, 'test-course')).toBeNull();
      // A staff session forged with the learner's id still lacks the capability.
      expect(openCourse(p.db, { ...person.user, learnerId: p.learner.learnerId }, 'test-course')).toBeNull();
    }
  });

  test('"My learning" lists exactly the enrolled courses with their progress', () => {
    enrol(p.db, p.learner.learnerId, 'test-course');
    markLessonDone(p.db, p.learner.learnerId, course.course, course.item(SAMPLE.lesson1));
    expect(listMyCourses(p.db, p.learner.user).map((m) => [m.course.id, m.progress.percent, m.progress.nextItemId])).toEqual([
      ['test-course', 33, course.item(SAMPLE.lesson2).id],
    ]);
    expect(listMyCourses(p.db, p.otherLearner.user)).toEqual([]);
  });
});

describe('a teacher sees the gradebook of their own courses and prison', () => {
  beforeEach(() => {
    assignTeacher(p.db, 'test-course', p.teacher.user.id);
    enrol(p.db, p.learner.learnerId, 'test-course'); // facility A, the teacher's
    enrol(p.db, p.otherLearner.learnerId, 'test-course'); // facility B
    enrol(p.db, p.learner.learnerId, 'second-course');
  });

  test('only assigned courses are listed, with their learners of the teacher\'s facility', () => {
    expect(listTaughtCourses(p.db, p.teacher.user).map((t) => [t.course.id, t.learners])).toEqual([['test-course', 1]]);
    expect(getGradebook(p.db, p.teacher.user, 'second-course')).toBeNull();
  });

  test('the gradebook holds only learners of the teacher\'s facility, with their progress', () => {
    submitQuizAttempt(p.db, p.learner.learnerId, course.course, course.item(SAMPLE.quiz), RIGHT);
    const book = getGradebook(p.db, p.teacher.user, 'test-course')!;
    expect(book.items.map((i) => i.key)).toEqual(course.items.map((i) => i.key));
    expect(book.rows.map((r) => [r.inmateNumber, r.name, r.status])).toEqual([['A-1001', 'Bērziņš, Mārtiņš', 'enrolled']]);
    expect(book.rows[0]!.progress.items.find((i) => i.key === SAMPLE.quiz)).toMatchObject({ state: 'passed', attempts: 1, keptPercent: 100 });
    expect(getLearnerCourseDetail(p.db, p.teacher.user, 'test-course', p.learner.learnerId)?.attempts.get(course.item(SAMPLE.quiz).id)).toHaveLength(1);
    expect(getLearnerCourseDetail(p.db, p.teacher.user, 'test-course', p.otherLearner.learnerId)).toBeNull();
  });

  test('a teacher granted the other prison sees its learners too', () => {
    const teacher = grantFacility(p.db, p.teacher, p.facilityB.id);
    expect(getGradebook(p.db, teacher, 'test-course')!.rows.map((r) => r.inmateNumber)).toEqual(['A-1001', 'B-2001']);
  });

  test('withdrawn learners are not in the gradebook', () => {
    stmt(p.db, "UPDATE enrolment SET status = 'withdrawn' WHERE course_id = 'test-course'").run();
    expect(getGradebook(p.db, p.teacher.user, 'test-course')!.rows).toEqual([]);
  });

  test('other roles see no gradebook, even when named as the course teacher', () => {
    assignTeacher(p.db, 'test-course', p.educationStaff.user.id);
    assignTeacher(p.db, 'test-course', p.learner.user.id);
    for (const person of [p.educationStaff, p.learner, p.admin]) {
      expect(getGradebook(p.db, person.user, 'test-course')).toBeNull();
      expect(listTaughtCourses(p.db, person.user)).toEqual([]);
    }
  });
});

describe('the gradebook as CSV', () => {
  test('has a BOM, quotes every cell, neutralises formulas and is audited', () => {
    // Titles and names a spreadsheet would run as formulas.
    const pkg = samplePackage('tricky-course');
    pkg.files[SAMPLE.lesson1] = lessonFile({ title: '=HYPERLINK("http://evil.example")' }, 'Teksts.\n');
    pkg.files[SAMPLE.lesson2] = lessonFile({ title: '-5 grādi' }, 'Teksts.\n');
    quizOf(pkg).title = '@SUM(1)';
    pkg.files[SAMPLE.optionalLesson] = lessonFile({ title: '+371 "tālrunis"', required: false }, 'Teksts.\n');
    const tricky = installPackage(p.db, courses.dir, pkg);
    assignTeacher(p.db, 'tricky-course', p.teacher.user.id);
    enrol(p.db, p.learner.learnerId, 'tricky-course');
    stmt(p.db, 'UPDATE learner SET surname = ? WHERE id = ?').run('=1+2', p.learner.learnerId);
    markLessonDone(p.db, p.learner.learnerId, tricky.course, tricky.item(SAMPLE.lesson1));
    submitQuizAttempt(p.db, p.learner.learnerId, tricky.course, tricky.item(SAMPLE.quiz), RIGHT);

    const book = getGradebook(p.db, p.teacher.user, 'tricky-course')!;
    const csv = exportGradebookCsv(p.db, p.teacher.user, book, 'lv');

    // Column titles and values in the teacher's language, numbers as Latvian writes them.
    expect(csv).toBe(
      '\uFEFF' +
        [
          `"Izglītojamais","Ieslodzītā numurs","Statuss","Progress","Aktīvais laiks (min)","Vajag palīdzību","'=HYPERLINK(""http://evil.example"")","'-5 grādi","'@SUM(1)","'+371 ""tālrunis"""`,
          `"'=1+2, Mārtiņš","A-1001","Mācās","66\u00a0%","0","","Izdarīts","","Nokārtots: 100\u00a0% (1 mēģ.)",""`,
        ].join('\r\n') +
        '\r\n',
    );
    expect(exportGradebookCsv(p.db, p.teacher.user, book, 'ru')).toContain(`"Сдано: 100\u00a0% (попыток: 1)"`);
    expect(exportGradebookCsv(p.db, p.teacher.user, book, 'en')).toContain(`"Passed: 100% (1 tries)"`);
    const [entry] = listAudit(p.db, { action: 'gradebook.export' }).entries;
    expect(entry).toMatchObject({
      actorUserId: p.teacher.user.id,
      targetType: 'course',
      targetId: 'tricky-course',
      facilityId: p.facilityA.id,
      details: { learners: 1 },
    });
  });
});
