import { stmt, type Db } from '../db.ts';
import { SYSTEM_ACTOR } from '../audit.ts';
import { getCourse, getCourseItems } from '../courses/catalog.ts';
import { createEnrolment } from '../learning/enrolments.ts';
import { markLessonDone } from '../learning/course-completed.ts';

/**
 * Demo teaching assignments and enrolments over the synced course packages
 * (a course whose package was refused is simply left out).
 */
const TEACHING: Record<string, string[]> = {
  'janis.liepa': ['latviesu-a2-darbs', 'matematika-pamati', 'pavara-palidzes-pamati', 'dzives-skola'],
  'daiga.berzina': ['latviesu-a2-darbs', 'dzives-skola', 'matematika-pamati'],
  'peteris.krumins': ['pavara-palidzes-pamati', 'matematika-pamati', 'dzives-skola'],
};

/** Which demo learners (by inmate number, per facility order) study what. */
const COURSE_ROTATION = ['latviesu-a2-darbs', 'dzives-skola', 'matematika-pamati', 'pavara-palidzes-pamati'];

export function seedDemoLearning(db: Db, now = new Date()): { enrolments: number } {
  const exists = (id: string) => getCourse(db, id) !== null;
  const userId = (username: string) => stmt(db, 'SELECT id FROM user WHERE username = ?').pluck().get(username) as number | undefined;
  let enrolments = 0;
  db.transaction(() => {
    for (const [username, courses] of Object.entries(TEACHING)) {
      const id = userId(username);
      if (!id) continue;
      for (const course of courses.filter(exists)) {
        stmt(db, 'INSERT OR IGNORE INTO course_teacher (course_id, user_id) VALUES (?, ?)').run(course, id);
      }
    }
    const learners = stmt(
      db,
      "SELECT l.id, l.inmate_number FROM learner l JOIN user u ON u.id = l.user_id WHERE l.status = 'in_custody' ORDER BY l.id",
    ).all() as Array<{ id: number; inmate_number: string }>;
    learners.forEach((l, i) => {
      // Most learners study one or two courses; every fifth has not been placed yet.
      if (i % 5 === 4) return;
      const first = COURSE_ROTATION[i % COURSE_ROTATION.length]!;
      const second = i % 3 === 0 ? COURSE_ROTATION[(i + 1) % COURSE_ROTATION.length]! : null;
      for (const course of [first, second]) {
        if (!course || !exists(course)) continue;
        createEnrolment(db, SYSTEM_ACTOR, l.id, course, now);
        enrolments++;
      }
    });
  }).immediate();

  // The first demo learner has begun the Latvian course: "Continue" takes them to lesson 2.
  const first = stmt(db, "SELECT id FROM learner WHERE inmate_number = '204101'").pluck().get() as number | undefined;
  const course = getCourse(db, 'latviesu-a2-darbs');
  if (first && course) {
    createEnrolment(db, SYSTEM_ACTOR, first, course.id, now);
    const lesson = getCourseItems(db, course.id).find((i) => i.kind === 'lesson');
    if (lesson) markLessonDone(db, first, course, lesson, now);
  }
  return { enrolments };
}
