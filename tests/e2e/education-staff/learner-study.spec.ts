import { test, expect, checkPage, signIn, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';
import { databaseOf } from '../../helpers/server.ts';
import { openDatabase, stmt } from '../../../src/lib/server/db.ts';
import { formatPercent } from '../../../src/lib/i18n/index.ts';
import { formatDuration } from '../../../src/lib/i18n/index.ts';
import type { Locale } from '../../../src/lib/shared/domain.ts';

/**
 * Education staff see what a learner is studying: the courses on the
 * learner's page (progress, active time, last activity, test results) and
 * the study columns of the learner list.
 */

interface MidCourse {
  id: number;
  name: string;
  listName: string;
  courseTitle: string;
}

/**
 * A demo learner of `facility` (not one other tests use) mid-course in a course with a quiz, as the
 * terminal would have recorded it: the first lesson done, two hours on it, a failed quiz attempt (40 %).
 */
function learnerMidCourse(baseURL: string, facility: string, locale: Locale): MidCourse {
  const db = openDatabase(databaseOf(baseURL)!);
  try {
    const row = stmt(
      db,
      `SELECT l.id, l.given_names, l.surname, e.course_id, c.title_json FROM learner l JOIN user u ON u.id = l.user_id JOIN facility f ON f.id = u.facility_id
       JOIN enrolment e ON e.learner_id = l.id AND e.status = 'enrolled' JOIN course c ON c.id = e.course_id
       WHERE f.code = ? AND l.status = 'in_custody' AND EXISTS (SELECT 1 FROM course_item i WHERE i.course_id = e.course_id AND i.kind = 'quiz' AND i.archived_at IS NULL)
       ORDER BY l.id LIMIT 1 OFFSET 6`,
    ).get(facility) as { id: number; given_names: string; surname: string; course_id: string; title_json: string };
    const first = (kind: 'lesson' | 'quiz') =>
      stmt(db, 'SELECT id, current_version_id AS version FROM course_item WHERE course_id = ? AND kind = ? AND archived_at IS NULL ORDER BY module_position, position LIMIT 1').get(
        row.course_id,
        kind,
      ) as { id: number; version: number };
    const at = new Date().toISOString();
    const lesson = first('lesson');
    const quiz = first('quiz');
    // Stored as the app stores a graded try: the answers and the result (other pages read both).
    const ATTEMPT_JSON = JSON.stringify({ answers: [], result: { score: 2, maxScore: 5, percent: 40, passed: false, questions: [] } });
    db.transaction(() => {
      stmt(db, 'INSERT OR IGNORE INTO lesson_progress (learner_id, item_id, version_id, done_at) VALUES (?, ?, ?, ?)').run(row.id, lesson.id, lesson.version, at);
      stmt(db, 'INSERT OR REPLACE INTO time_on_task (learner_id, item_id, seconds, last_active_at) VALUES (?, ?, 7260, ?)').run(row.id, lesson.id, at);
      stmt(
        db,
        "INSERT INTO quiz_attempt (learner_id, item_id, version_id, submitted_at, score, max_score, percent, passed, answers_json) VALUES (?, ?, ?, ?, 2, 5, 40, 0, ?)",
      ).run(row.id, quiz.id, quiz.version, at, ATTEMPT_JSON);
    })();
    const title = JSON.parse(row.title_json) as Record<Locale, string>;
    return { id: row.id, name: `${row.given_names} ${row.surname}`, listName: `${row.surname}, ${row.given_names}`, courseTitle: title[locale] ?? title.lv };
  } finally {
    db.close();
  }
}

for (const [locale, account, facility] of [
  ['lv', ACCOUNTS.ievaOzola, 'OLA'],
  ['ru', ACCOUNTS.marinaPetrova, 'ILG'],
] as const) {
  test(`education staff (${locale}) open a learner who is mid-course and see the course with progress, hours and the quiz result`, async ({ page, baseURL }) => {
    const tr = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text(locale, key, params);
    const learner = learnerMidCourse(baseURL!, facility, locale);
    await signIn(page, account, { locale: 'lv' });
    await checkPage(page);

    // The list: how many courses and how far on average, and the last consultation.
    await page.goto(`/staff/learners?q=${encodeURIComponent(learner.listName.split(',')[0]!)}`);
    const table = page.getByRole('table', { name: tr('nav.learners') });
    await expect(table.getByRole('columnheader', { name: tr('learners.col.courses') })).toBeVisible();
    await expect(table.getByRole('columnheader', { name: tr('learners.col.lastConsultation') })).toBeVisible();
    const row = table.getByRole('row').filter({ hasText: learner.listName });
    await expect(row).toContainText(new RegExp(`\\d+ · \\d+\\s?%`));
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await checkPage(page, { screenshot: `education_staff-learners-study-${locale}-${width}` });
      // Every column, the study column last, is on screen: the list does not scroll sideways.
      const wrap = page.locator('.table-wrap');
      const { scrollWidth, clientWidth } = await wrap.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
      expect(scrollWidth, `learner list at ${width} px`).toBeLessThanOrEqual(clientWidth);
    }

    await row.getByRole('link', { name: learner.listName }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(learner.name);
    const study = page.getByRole('region', { name: tr('learnerStudy.heading') });
    const course = study.getByRole('row').filter({ hasText: learner.courseTitle });
    await expect(course).toContainText(tr('placement.status.enrolled'));
    await expect(course).toContainText(formatDuration(locale, 7260));
    await expect(course.getByRole('cell').nth(1)).toHaveText(/\d/);
    await expect(study).not.toContainText(tr('learnerStudy.none'));
    await expect(study.getByRole('heading', { name: tr('learnerStudy.tests', { course: learner.courseTitle }) })).toBeVisible();
    await expect(study).toContainText(tr('learnerStudy.quizResult', { percent: formatPercent(locale, 40, 1), attempts: 1 }));
    await expect(study).toContainText(tr('learnerStudy.state.failed'));
    for (const width of [1280, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      await checkPage(page, { screenshot: `education_staff-learner-study-${locale}-${width}`, zoom: width === 1024 });
    }
  });
}
