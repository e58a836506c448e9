import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, checkPage, signIn, openUserMenu, SCREENSHOTS } from '../fixtures.ts';
import { HOME } from '../../helpers/accounts.ts';
import { makeAccount } from '../../helpers/made-accounts.ts';
import { t, LANGUAGE_NAMES } from '../../../src/lib/i18n/index.ts';

/**
 * The page header of every role: one row at 1,280 px, at most two at 1,024 px,
 * in Latvian and in Russian (the longest words), the administrator's dozen
 * pages included; the user menu (language, account, sign out) opens and is
 * used by keyboard. Each role gets accounts of its own in the server's
 * database, one reading Latvian and one Russian (with long names), so no
 * other story's account changes language.
 */
const ROLES = ['admin', 'education_staff', 'teacher', 'supervisor', 'learner'] as const;
const banner = (page: Page) => page.getByRole('banner');
const headerHeight = (page: Page) => banner(page).evaluate((el) => el.getBoundingClientRect().height);

for (const role of ROLES) {
  test(`${role}: the header is one row at 1,280 px and at most two at 1,024 px, in Latvian and Russian, and the user menu opens by keyboard`, async ({ page }) => {
    test.setTimeout(120_000);
    for (const locale of ['lv', 'ru'] as const) {
      await page.context().clearCookies();
      await signIn(page, await makeAccount(role, locale));
      await expect(page).toHaveURL(new RegExp(`${HOME[role]}$`));
      await expect(page.locator('html')).toHaveAttribute('lang', locale);
      await checkPage(page, { screenshot: `header-${role}-${locale}-page` });
      for (const width of [1280, 1024]) {
        await page.setViewportSize({ width, height: 800 });
        await banner(page).screenshot({ path: path.join(SCREENSHOTS, `header-${role}-${locale}-${width}.png`) });
        expect(await headerHeight(page), `${role} header at ${width} px in ${locale}`).toBeLessThanOrEqual(width === 1280 ? 80 : 130);
        // The name stays inside its button.
        const spill = await banner(page).locator('.user-menu > summary').evaluate((s) => s.scrollWidth - s.clientWidth);
        expect(spill, 'the user menu button’s content fits it').toBeLessThanOrEqual(1);
      }
      await page.setViewportSize({ width: 1280, height: 800 });

      // The user menu by keyboard: focus its button, Enter opens it, Escape closes it and the focus stays there.
      const menu = banner(page).locator('details.user-menu');
      const summary = menu.locator('summary');
      await summary.focus();
      await page.keyboard.press('Enter');
      await expect(menu).toHaveAttribute('open', '');
      await expect(menu.getByText(t(locale, `role.${role}`), { exact: true })).toBeVisible();
      await expect(menu.getByRole('button', { name: LANGUAGE_NAMES.en })).toBeVisible();
      await checkPage(page, { screenshot: `header-${role}-${locale}-menu-open` });
      await page.keyboard.press('Escape');
      await expect(menu).not.toHaveAttribute('open', '');
      await expect(summary).toBeFocused();
    }
  });
}

test('a Russian-reading supervisor switches to Latvian with the keyboard only, from the user menu', async ({ page }) => {
  await signIn(page, await makeAccount('supervisor', 'ru'));
  await checkPage(page);
  await banner(page).locator('details.user-menu > summary').focus();
  await page.keyboard.press('Enter');
  const latvian = banner(page).getByRole('button', { name: LANGUAGE_NAMES.lv });
  for (let i = 0; i < 8 && !(await latvian.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(latvian).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('html')).toHaveAttribute('lang', 'lv');
  await expect(page).toHaveURL(/\/supervise\/?$/);
  await checkPage(page);
  await openUserMenu(page);
  await expect(latvian).toHaveAttribute('aria-pressed', 'true');
});

test('the administrator reaches every page from the header: the other areas fold into groups that open by keyboard', async ({ page }) => {
  await signIn(page, await makeAccount('admin', 'lv'));
  await checkPage(page);
  const nav = page.getByRole('navigation', { name: t('lv', 'layout.mainMenu') });
  // Their own area in sight.
  for (const key of ['nav.admin', 'nav.users', 'nav.facilities', 'nav.audit'] as const) await expect(nav.getByRole('link', { name: t('lv', key), exact: true })).toBeVisible();
  // Education's pages behind one button.
  const education = nav.locator('details.nav-group', { hasText: t('lv', 'nav.education') });
  const learners = education.getByRole('link', { name: t('lv', 'nav.learners') });
  await expect(learners).toBeHidden();
  await education.locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect(learners).toBeVisible();
  await checkPage(page, { screenshot: 'admin-header-group-open' });
  await page.keyboard.press('Tab');
  await expect(learners).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/staff\/learners$/);
  await checkPage(page);
  // On one of the group's pages the group's button says so.
  await expect(page.getByRole('navigation', { name: t('lv', 'layout.mainMenu') }).locator('summary.current')).toHaveText(t('lv', 'nav.education'));
});
