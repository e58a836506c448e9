import { test, expect, checkPage, signIn, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';

const lv = (key: Parameters<typeof text>[1], params?: Record<string, string | number>) => text('lv', key, params);

test('education staff check a roster, see the bad row explained, import the rest and find the new learner', async ({ page }) => {
  // Inmate numbers 3xxxxx never clash with the demo's (204101 + 37 per learner), and differ per run.
  const base = 300_000 + Math.floor(Math.random() * 9_000) * 10;
  const [first, second, bad] = [base + 1, base + 2, base + 3].map(String);
  const csv = [
    'inmate_number;surname;given_names;birth_year;facility_code;expected_release_date;education_level;latvian_level;preferred_language',
    `${first};Bērziņš;Ģirts;1990;OLA;2027-09-30;basic;B1;lv`,
    `${second};Жуков;Алексей;1987;OLA;2028-03-15;secondary;A2;ru`,
    `${bad};Kalns;Pēteris;1985;OLA;30.09.2027;basic;B1;lv`,
  ].join('\r\n');

  await signIn(page, ACCOUNTS.ievaOzola);
  await checkPage(page);
  await page.getByRole('link', { name: lv('roster.open') }).click();
  await expect(page).toHaveURL(/\/staff\/roster$/);
  await checkPage(page);

  await page.getByLabel(lv('roster.fileLabel')).setInputFiles({ name: 'registrs.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFF' + csv, 'utf8') });
  await page.getByRole('button', { name: lv('roster.preview') }).click();

  await expect(page.getByRole('heading', { name: lv('roster.previewHeading') })).toBeVisible();
  await expect(page.getByRole('status')).toContainText(lv('roster.previewNote'));
  const table = page.getByRole('table', { name: lv('roster.caption', { file: 'registrs.csv' }) });
  const badRow = table.getByRole('row').filter({ hasText: bad! });
  // Row 4 of the file (the header is row 1): the date is explained next to its column, in Latvian.
  await expect(badRow.getByRole('rowheader')).toHaveText('4');
  await expect(badRow).toContainText(lv('roster.action.refused'));
  await expect(badRow).toContainText(`expected_release_date: ${lv('roster.error.date')}`);
  await expect(table.getByRole('row').filter({ hasText: first! })).toContainText(lv('roster.action.create'));
  await checkPage(page, { screenshot: 'education-staff-roster-preview', zoom: true });

  await page.getByRole('button', { name: lv('roster.import', { count: 2 }) }).click();
  await expect(page.getByRole('heading', { name: lv('roster.doneHeading') })).toBeVisible();
  await expect(page.getByRole('status')).toContainText(lv('roster.summary', { create: 2, update: 0, transfer: 0, unchanged: 0, refused: 1 }));
  await checkPage(page);

  await page.goto(`/staff/learners?q=${second}`);
  await checkPage(page);
  const found = page.getByRole('table').getByRole('row').filter({ hasText: second! });
  await expect(found).toContainText('Жуков, Алексей');
  await expect(found).toContainText('Olaines cietums');
  await expect(page.getByRole('table')).not.toContainText(bad!);
});
