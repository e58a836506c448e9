import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import { CREDIT_CAP_MS, FLUSH_INTERVAL_MS, HEARTBEAT_INTERVAL_MS, TimeOnTask } from '../../../src/lib/server/learning/time-on-task.ts';
import { createCoursesDir, SAMPLE, samplePackage, type CoursesDir } from '../../helpers/course-package.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { installPackage } from '../../helpers/learning.ts';

let p: Prison & { cleanup: () => void };
let courses: CoursesDir;
let time: TimeOnTask;
let learner: number;
let lesson: number;
let otherLesson: number;
const T0 = Date.parse('2026-02-02T09:00:00Z');
const at = (seconds: number) => T0 + seconds * 1000;

beforeEach(async () => {
  p = await createPrison();
  courses = createCoursesDir();
  const c = installPackage(p.db, courses.dir, samplePackage());
  learner = p.learner.learnerId;
  lesson = c.item(SAMPLE.lesson1).id;
  otherLesson = c.item(SAMPLE.lesson2).id;
  time = new TimeOnTask();
});
afterEach(() => {
  p.cleanup();
  courses.cleanup();
});

const stored = (itemId = lesson) =>
  (stmt(p.db, 'SELECT seconds FROM time_on_task WHERE learner_id = ? AND item_id = ?').pluck().get(learner, itemId) as number | undefined) ?? 0;

describe('crediting heartbeats', () => {
  test('the time between a page view and the heartbeats of the same session and item is credited', () => {
    time.start('s1', learner, lesson, at(0));
    expect(time.beat('s1', learner, lesson, at(30))).toBe(30_000);
    expect(time.beat('s1', learner, lesson, at(60))).toBe(30_000);
    expect(time.pendingMs(learner, lesson)).toBe(60_000);
  });

  test('a long gap (tab asleep, screen off) credits at most CREDIT_CAP_MS', () => {
    expect(CREDIT_CAP_MS).toBeGreaterThan(HEARTBEAT_INTERVAL_MS);
    time.start('s1', learner, lesson, at(0));
    expect(time.beat('s1', learner, lesson, at(3600))).toBe(CREDIT_CAP_MS);
    expect(time.beat('s1', learner, lesson, at(3600 + 35))).toBe(35_000);
    expect(time.pendingMs(learner, lesson)).toBe(CREDIT_CAP_MS + 35_000);
  });

  test('a heartbeat without a page view first credits nothing (it only sets the baseline)', () => {
    expect(time.beat('s1', learner, lesson, at(30))).toBe(0);
    expect(time.pendingMs(learner, lesson)).toBe(0);
    expect(time.beat('s1', learner, lesson, at(60))).toBe(30_000);
  });

  test('a heartbeat for another item, learner or session credits nothing', () => {
    time.start('s1', learner, lesson, at(0));
    expect(time.beat('s1', learner, otherLesson, at(30))).toBe(0);
    time.start('s2', learner, lesson, at(0));
    expect(time.beat('s2', p.otherLearner.learnerId, lesson, at(30))).toBe(0);
    time.start('s3', learner, lesson, at(0));
    expect(time.beat('s4', learner, lesson, at(30))).toBe(0);
    expect(time.pendingMs(learner, lesson)).toBe(0);
    expect(time.pendingMs(learner, otherLesson)).toBe(0);
  });

  test('opening another item starts over: the old item gets no more time', () => {
    time.start('s1', learner, lesson, at(0));
    time.beat('s1', learner, lesson, at(30));
    time.start('s1', learner, otherLesson, at(40));
    expect(time.beat('s1', learner, lesson, at(60))).toBe(0);
    expect(time.beat('s1', learner, otherLesson, at(90))).toBe(0); // the stray beat moved the baseline to `lesson`
    expect(time.beat('s1', learner, otherLesson, at(120))).toBe(30_000);
    expect(time.pendingMs(learner, lesson)).toBe(30_000);
  });

  test('a heartbeat at or before the previous one credits nothing', () => {
    time.start('s1', learner, lesson, at(30));
    expect(time.beat('s1', learner, lesson, at(30))).toBe(0);
    expect(time.beat('s1', learner, lesson, at(10))).toBe(0);
  });

  test('two tabs of one session on one item count the time once, not twice', () => {
    time.start('s1', learner, lesson, at(0));
    time.beat('s1', learner, lesson, at(30));
    time.beat('s1', learner, lesson, at(31));
    time.beat('s1', learner, lesson, at(32));
    expect(time.pendingMs(learner, lesson)).toBe(32_000);
  });
});

describe('writing the time in batches', () => {
  test('nothing is written before FLUSH_INTERVAL_MS has passed since the last flush, unless forced', () => {
    time.flush(p.db, at(0)); // the previous batch
    time.start('s1', learner, lesson, at(0));
    time.beat('s1', learner, lesson, at(10));
    expect(time.flush(p.db, at(10))).toBe(0);
    expect(stored()).toBe(0);
    expect(time.flush(p.db, at(0) + FLUSH_INTERVAL_MS - 1)).toBe(0);
    expect(stored()).toBe(0);
    expect(time.flush(p.db, at(0) + FLUSH_INTERVAL_MS)).toBe(1);
    expect(stored()).toBe(10);

    time.beat('s1', learner, lesson, at(20));
    expect(time.flush(p.db, at(21), true)).toBe(1);
    expect(stored()).toBe(20);
  });

  test('one flush writes every learner and item gathered, with the time of the last heartbeat', () => {
    time.start('a', learner, lesson, at(0));
    time.start('b', p.otherLearner.learnerId, otherLesson, at(0));
    time.beat('a', learner, lesson, at(30));
    time.beat('b', p.otherLearner.learnerId, otherLesson, at(25));
    expect(time.flush(p.db, at(31), true)).toBe(2);
    const rows = stmt(p.db, 'SELECT learner_id, item_id, seconds, last_active_at FROM time_on_task ORDER BY learner_id').all();
    expect(rows).toEqual([
      { learner_id: learner, item_id: lesson, seconds: 30, last_active_at: new Date(at(30)).toISOString() },
      { learner_id: p.otherLearner.learnerId, item_id: otherLesson, seconds: 25, last_active_at: new Date(at(25)).toISOString() },
    ]);
  });

  test('the same time is kept by day, per learner and course and per prison and course (for the indicators)', () => {
    time.start('a', learner, lesson, at(0));
    time.start('b', p.otherLearner.learnerId, otherLesson, at(0));
    time.beat('a', learner, lesson, at(30));
    time.beat('b', p.otherLearner.learnerId, otherLesson, at(25));
    time.flush(p.db, at(31), true);
    time.start('a', learner, otherLesson, at(86_400));
    time.beat('a', learner, otherLesson, at(86_430));
    time.flush(p.db, at(86_431), true);
    expect(stmt(p.db, 'SELECT day, learner_id AS learner, seconds FROM learning_day ORDER BY day, learner_id').all()).toEqual([
      { day: '2026-02-02', learner, seconds: 30 },
      { day: '2026-02-02', learner: p.otherLearner.learnerId, seconds: 25 },
      { day: '2026-02-03', learner, seconds: 30 },
    ]);
    // Each learner's time counts in their own prison.
    const perPrison = stmt(p.db, 'SELECT day, facility_id AS facility, seconds FROM learning_facility_day ORDER BY day, facility_id').all();
    expect(perPrison).toEqual(
      [
        { day: '2026-02-02', facility: p.learner.user.facilityId, seconds: 30 },
        { day: '2026-02-02', facility: p.otherLearner.user.facilityId, seconds: 25 },
        { day: '2026-02-03', facility: p.learner.user.facilityId, seconds: 30 },
      ].sort((a, b) => a.day.localeCompare(b.day) || a.facility! - b.facility!),
    );
  });

  test('whole seconds are written; the sub-second remainder waits for the next flush', () => {
    time.start('s1', learner, lesson, at(0));
    time.beat('s1', learner, lesson, at(30) + 600);
    time.flush(p.db, at(31), true);
    expect(stored()).toBe(30);
    expect(time.pendingMs(learner, lesson)).toBe(600);
    time.beat('s1', learner, lesson, at(60)); // +29.4 s
    time.flush(p.db, at(61), true);
    expect(stored()).toBe(60);
    expect(time.pendingMs(learner, lesson)).toBe(0);
  });

  test('a failed flush keeps the pending time for the next one', () => {
    time.start('s1', learner, lesson, at(0));
    time.beat('s1', learner, lesson, at(30) + 500);
    p.db.exec("CREATE TEMP TRIGGER full_disk BEFORE INSERT ON time_on_task BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
    expect(() => time.flush(p.db, at(31), true)).toThrow(/disk I\/O error/);
    expect(stored()).toBe(0);
    expect(time.pendingMs(learner, lesson)).toBe(30_500);

    p.db.exec('DROP TRIGGER full_disk');
    time.flush(p.db, at(50), true);
    expect(stored()).toBe(30);
    expect(time.pendingMs(learner, lesson)).toBe(500);
  });
});
