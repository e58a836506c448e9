import { test, expect, checkPage, signIn, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';
import { courseTitleLv } from '../learning.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);
const COURSE = 'latviesu-a2-darbs';

test('a teacher opens the class overview from the gradebook: progress chart with its table, not started, stuck, questions', async ({ page }) => {
  await signIn(page, ACCOUNTS.janisLiepa);
  await checkPage(page);
  await page.goto(`/teach/courses/${COURSE}`);
  await checkPage(page);
  await page.getByRole('link', { name: lv('teach.overview.open') }).click();
  await expect(page).toHaveURL(new RegExp(`/teach/courses/${COURSE}/overview$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(lv('teach.overview.title', { title: courseTitleLv(COURSE) }));
  await expect(page.getByRole('img', { name: lv('teach.overview.chart'), exact: true })).toBeVisible();
  await expect(page.getByRole('table', { name: lv('teach.overview.chart'), exact: true })).toBeVisible();
  for (const heading of ['teach.overview.notStarted', 'teach.overview.stuck', 'teach.overview.questions'] as const) {
    await expect(page.getByRole('heading', { level: 2, name: lv(heading) })).toBeVisible();
  }
  await checkPage(page, { screenshot: 'teacher-class-overview', zoom: true });
});
