import { test, expect, checkPage, signIn, text, openUserMenu } from '../fixtures.ts';
import { ACCOUNTS, type Credentials } from '../../helpers/accounts.ts';
import { makeAccount } from '../../helpers/made-accounts.ts';
import { LANGUAGE_NAMES } from '../../../src/lib/i18n/index.ts';
import type { Locale } from '../../../src/lib/shared/domain.ts';
import type { Page } from '@playwright/test';

/**
 * The education indicators of the demo's two years of history: an education
 * manager opens them from the home page, reads the figures, the charts and
 * their tables in Latvian, English and Russian, downloads a table, asks for an
 * impossible period and another prison, and prints.
 */

const lastYear = String(new Date().getUTCFullYear() - 1);
// Every load draws ten charts and runs axe, in three languages: generous on a busy machine.
test.setTimeout(300_000);

/** Picks a language in the header's user menu (where the language buttons live). */
async function chooseLanguage(page: Page, locale: Locale): Promise<void> {
  await openUserMenu(page);
  await page.getByRole('banner').getByRole('button', { name: LANGUAGE_NAMES[locale] }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', locale);
}

/** Signs in and makes sure the page speaks Latvian (the language is saved on the account). */
async function signInLv(page: Page, account: Credentials): Promise<void> {
  await signIn(page, account);
  await checkPage(page);
  if ((await page.locator('html').getAttribute('lang')) !== 'lv') {
    await chooseLanguage(page, 'lv');
    await expect(page.locator('html')).toHaveAttribute('lang', 'lv');
    await checkPage(page);
  }
}

test('education staff read the indicators of their prison in lv, en and ru', async ({ page }) => {
  // An Olaine education officer of its own: switching languages is saved on the account, and other stories sign in as Ieva meanwhile.
  await signInLv(page, await makeAccount('education_staff', 'lv'));
  await page.getByRole('link', { name: text('lv', 'indicators.open') }).click();
  await expect(page).toHaveURL(/\/staff\/indicators$/);
  await checkPage(page);

  await page.getByLabel(text('lv', 'indicators.yearField')).fill(lastYear);
  await page.getByRole('button', { name: text('lv', 'indicators.show') }).click();
  await expect(page).toHaveURL(new RegExp(`year=${lastYear}`));

  // The language choice is saved on the account: it goes back to Latvian whatever happens (other tests sign in as her).
  try {
    await readInEveryLanguage(page);
  } finally {
    await chooseLanguage(page, 'lv');
  }
  await checkPage(page);
  await page.setViewportSize({ width: 1024, height: 800 });
  await checkPage(page, { screenshot: 'education-staff-indicators-1024' });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: 'test-results/screenshots/education-staff-indicators-print.png', fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await downloads(page);
});

async function readInEveryLanguage(page: Page): Promise<void> {
  for (const locale of ['lv', 'en', 'ru'] as Locale[]) {
    if (locale !== 'lv') await chooseLanguage(page, locale);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(text(locale, 'indicators.title'));
    // Headline figures, charts (server-drawn SVG with a name) and the tables that say the same in text.
    await expect(page.getByRole('heading', { level: 2, name: text(locale, 'indicators.headline') })).toBeVisible();
    const charts = page.getByRole('img');
    expect(await charts.count()).toBeGreaterThanOrEqual(10);
    await expect(page.getByRole('img', { name: text(locale, 'indicators.chart.funnel'), exact: true })).toBeVisible();
    await expect(page.getByRole('table', { name: text(locale, 'indicators.monthly'), exact: true })).toBeVisible();
    await expect(page.getByRole('table', { name: text(locale, 'indicators.by.prison'), exact: true })).toContainText('Olaines cietums');
    // Only Olaine: the other prisons are neither in the tables nor among the choices.
    await expect(page.getByRole('table', { name: text(locale, 'indicators.by.prison'), exact: true })).not.toContainText('Iļģuciema');
    await expect(page.locator('#f-prison')).not.toContainText('Iļģuciema');
    await checkPage(page, { screenshot: `education-staff-indicators-${locale}`, zoom: locale === 'lv' });
  }
}

async function downloads(page: Page): Promise<void> {
  // A table as CSV: a byte order mark, the figures, no names.
  const csv = await page.request.get(`/staff/indicators/by-prison.csv?period=year&year=${lastYear}`);
  expect(csv.status()).toBe(200);
  const body = await csv.text();
  expect(body.charCodeAt(0)).toBe(0xfeff);
  expect(body).toContain('Olaines cietums');
  const xlsx = await page.request.get(`/staff/indicators/report.xlsx?period=year&year=${lastYear}`);
  expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
}

test('an impossible period or another prison gets a message next to the field, not an error page', async ({ page }) => {
  await signInLv(page, ACCOUNTS.ievaOzola);
  await page.goto('/staff/indicators?period=custom&from=2026-05-01&to=2026-04-01');
  await expect(page.locator('#f-to-error')).toHaveText(text('lv', 'indicators.error.toBeforeFrom'));
  await expect(page.getByRole('alert')).toHaveText(text('lv', 'indicators.invalid'));
  await checkPage(page);
  await page.goto('/staff/indicators?period=year&year=20000&prison=2');
  await expect(page.locator('#f-year-error')).toHaveText(text('lv', 'indicators.error.year'));
  await checkPage(page);
  await page.goto('/staff/indicators?prison=2');
  await expect(page.locator('#f-prison-error')).toHaveText(text('lv', 'indicators.error.prison'));
  await checkPage(page, { screenshot: 'education-staff-indicators-bad-input' });
  const refused = await page.request.get('/staff/indicators/headline.csv?period=custom&from=2000-01-01&to=2030-01-01');
  expect(refused.status()).toBe(400);
});

test('the administrator sees every prison', async ({ page }) => {
  await signInLv(page, ACCOUNTS.admin);
  await page.getByRole('link', { name: text('lv', 'indicators.open') }).click();
  await page.getByLabel(text('lv', 'indicators.yearField')).fill(lastYear);
  await page.getByRole('button', { name: text('lv', 'indicators.show') }).click();
  const byPrison = page.getByRole('table', { name: text('lv', 'indicators.by.prison'), exact: true });
  await expect(byPrison).toContainText('Iļģuciema cietums');
  await expect(byPrison).toContainText('Liepājas cietums');
  await checkPage(page, { screenshot: 'admin-indicators' });
});
