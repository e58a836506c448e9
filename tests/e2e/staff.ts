import { expect, type Page } from '@playwright/test';
import { checkPage, text } from './fixtures.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

/**
 * Admission as education staff do it (signed in already, Latvian): one row of
 * the prison register imported on /staff/roster (preview, then import), then
 * the new learner found in the list and opened. Returns the learner page's URL.
 */
export async function admitByRoster(
  page: Page,
  row: { inmate: string; surname: string; given: string; release: string; birthYear?: number; latvian?: string },
): Promise<string> {
  await page.goto('/staff/roster');
  await checkPage(page);
  const csv = [
    'inmate_number,surname,given_names,birth_year,facility_code,expected_release_date,education_level,latvian_level,preferred_language',
    `${row.inmate},${row.surname},${row.given},${row.birthYear ?? 1990},OLA,${row.release},basic,${row.latvian ?? 'B1'},lv`,
  ].join('\n');
  await page.getByLabel(lv('roster.fileLabel')).setInputFiles({ name: 'uznemsana.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.getByRole('button', { name: lv('roster.preview') }).click();
  await checkPage(page);
  await page.getByRole('button', { name: lv('roster.import', { count: 1 }) }).click();
  await expect(page.getByRole('heading', { name: lv('roster.doneHeading') })).toBeVisible();
  await checkPage(page);
  await page.goto(`/staff/learners?q=${row.inmate}`);
  await checkPage(page);
  await page.getByRole('link', { name: new RegExp(row.surname) }).first().click();
  await checkPage(page);
  return page.url();
}
