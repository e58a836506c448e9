import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { stmt } from '../../../src/lib/server/db.ts';
import { addLearningDay, learningWeek } from '../../../src/lib/server/learning/learning-days.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';
import { addCourseRow } from '../../helpers/indicators.ts';

let p: Prison & { cleanup: () => void };
beforeEach(async () => {
  p = await createPrison();
  addCourseRow(p.db, 'c1', 'vocational');
  addCourseRow(p.db, 'c2', 'life-skills');
});
afterEach(() => p.cleanup());

describe('learning time by day', () => {
  test("a learner's week runs Monday to Sunday and adds up every course", () => {
    const me = p.learner.learnerId;
    addLearningDay(p.db, me, 'c1', '2026-03-02', 600); // Monday
    addLearningDay(p.db, me, 'c2', '2026-03-02', 300);
    addLearningDay(p.db, me, 'c1', '2026-03-05', 1200); // Thursday
    addLearningDay(p.db, me, 'c1', '2026-03-01', 9999); // the Sunday before: last week
    addLearningDay(p.db, p.otherLearner.learnerId, 'c1', '2026-03-03', 777);
    const week = learningWeek(p.db, me, '2026-03-05');
    expect(week.days.map((d) => d.day)).toEqual(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']);
    expect(week.days.map((d) => d.seconds)).toEqual([900, 0, 0, 1200, 0, 0, 0]);
    expect(week.seconds).toBe(2100);
    expect(learningWeek(p.db, me, '2026-03-08').seconds).toBe(2100);
  });

  test('the same time is summed per prison and course for the indicators, adding up on the same day', () => {
    addLearningDay(p.db, p.learner.learnerId, 'c1', '2026-03-02', 600);
    addLearningDay(p.db, p.learner.learnerId, 'c1', '2026-03-02', 60);
    addLearningDay(p.db, p.otherLearner.learnerId, 'c1', '2026-03-02', 100);
    expect(stmt(p.db, 'SELECT facility_id AS f, seconds FROM learning_facility_day ORDER BY facility_id').all()).toEqual(
      [
        { f: p.learner.user.facilityId, seconds: 660 },
        { f: p.otherLearner.user.facilityId, seconds: 100 },
      ].sort((a, b) => a.f! - b.f!),
    );
  });
});
