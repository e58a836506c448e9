import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Answer } from '../../../src/lib/server/learning/grading.ts';
import { getClassOverview } from '../../../src/lib/server/learning/class-overview.ts';
import { markLessonDone } from '../../../src/lib/server/learning/course-completed.ts';
import { submitQuizAttempt } from '../../../src/lib/server/learning/quiz-attempts.ts';
import { createCoursesDir, SAMPLE, samplePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { assignTeacher, enrol, installPackage, type InstalledCourse } from '../../helpers/learning.ts';
import { addLearner } from '../../helpers/placement.ts';

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
let course: InstalledCourse;
beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  course = installPackage(p.db, courses.dir, samplePackage('test-course'));
  assignTeacher(p.db, 'test-course', p.teacher.user.id);
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
// Right except the third question (true/false) and the fifth (order).
const MOSTLY: Answer[] = [RIGHT[0]!, RIGHT[1]!, { type: 'truefalse', value: true }, RIGHT[3]!, { type: 'order', positions: [3, 2, 1] }];
const WRONG: Answer[] = [{ type: 'single', option: 0 }, { type: 'multiple', options: [2] }, { type: 'truefalse', value: true }, { type: 'short', text: 'puse' }, { type: 'order', positions: [3, 2, 1] }];

describe("a teacher's class overview", () => {
  test('how far each learner is, who has not started, who is stuck on the quiz, and which question most get wrong', () => {
    const stuck = p.learner.learnerId;
    const done = addLearner(p.db, p.facilityA.id).learnerId;
    const idle = addLearner(p.db, p.facilityA.id, { surname: 'Neiesācis' }).learnerId;
    for (const id of [stuck, done, idle]) enrol(p.db, id, 'test-course');
    for (const id of [stuck, done]) {
      markLessonDone(p.db, id, course.course, course.item(SAMPLE.lesson1));
      markLessonDone(p.db, id, course.course, course.item(SAMPLE.lesson2));
    }
    expect(submitQuizAttempt(p.db, stuck, course.course, course.item(SAMPLE.quiz), WRONG).ok).toBe(true);
    expect(submitQuizAttempt(p.db, stuck, course.course, course.item(SAMPLE.quiz), MOSTLY).ok).toBe(true);
    expect(submitQuizAttempt(p.db, done, course.course, course.item(SAMPLE.quiz), RIGHT).ok).toBe(true);

    const o = getClassOverview(p.db, p.teacher.user, 'test-course')!;
    expect(o.learners).toBe(3);
    expect(o.distribution.find((d) => d.band === '0')!.learners).toBe(1);
    expect(o.distribution.reduce((s, d) => s + d.learners, 0)).toBe(3);
    expect(o.notStarted.map((l) => l.learnerId)).toEqual([idle]);
    expect(o.stuck).toEqual([
      { learnerId: stuck, name: expect.any(String), itemId: course.item(SAMPLE.quiz).id, itemTitle: course.item(SAMPLE.quiz).title, reason: { kind: 'tries', tries: 2 } },
    ]);
    // Three attempts: question 1 right twice of three, the true/false question right once of three.
    const byQuestion = Object.fromEntries(o.questions.map((q) => [q.question, q.averagePercent]));
    expect(o.questions.every((q) => q.answers === 3)).toBe(true);
    expect(byQuestion[1]).toBe(67);
    expect(byQuestion[3]).toBe(33);
    expect(Math.min(...o.questions.map((q) => q.averagePercent))).toBe(byQuestion[3]);
  });

  test('another teacher, or a course not taught, gets nothing', () => {
    expect(getClassOverview(p.db, p.educationStaff.user, 'test-course')).toBeNull();
    expect(getClassOverview(p.db, p.teacher.user, 'no-such-course')).toBeNull();
  });
});
