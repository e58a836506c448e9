import { test, expect, checkPage, signIn, SCREENSHOTS } from '../fixtures.ts';
import { ACCOUNTS, DEMO_PIN, demoInmateNumber, HOME, type Credentials } from '../../helpers/accounts.ts';
import { t } from '../../../src/lib/i18n/index.ts';
import type { Locale, Role } from '../../../src/lib/shared/domain.ts';
import path from 'node:path';

/**
 * The page header of every role: one row at 1,280 px, at most two at 1,024 px,
 * in Latvian and in Russian (the longest words), the administrator's dozen
 * pages included; the user menu (language, account, sign out) opens and is
 * used by keyboard, without a mouse. The learner is demo learner 22, used by
 * no other browser test.
 */
const PEOPLE: Array<{ role: Role; account: Credentials }> = [
  { role: 'admin', account: ACCOUNTS.admin },
  { role: 'education_staff', account: ACCOUNTS.ievaOzola },
  { role: 'teacher', account: ACCOUNTS.janisLiepa },
  { role: 'supervisor', account: ACCOUNTS.andrisVitols },
  { role: 'learner', account: { kind: 'learner', inmateNumber: demoInmateNumber(22), pin: DEMO_PIN } },
];

async function headerHeight(page: import('@playwright/test').Page): Promise<number> {
  return page.getByRole('banner').evaluate((el) => el.getBoundingClientRect().height);
}

/** Switches the language with the keyboard only: Tab to the user menu, Enter opens it, Tab to the language, Enter. */
async function switchLanguageByKeyboard(page: import('@playwright/test').Page, from: Locale, to: Locale): Promise<void> {
  const summary = page.getByRole('banner').locator('details.user-menu > summary');
  await summary.focus();
  await expect(summary).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('banner').locator('details.user-menu')).toHaveAttribute('open', '');
  const button = page.getByRole('banner').getByRole('button', { name: { lv: 'Latviešu', en: 'English', ru: 'Русский' }[to] });
  // Tab forward from the menu's button until the language button has the focus (a keyboard user's path).
  for (let i = 0; i < 6 && !(await button.evaluate((b) => b === document.activeElement)); i++) await page.keyboard.press('Tab');
  await expect(button).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('html')).toHaveAttribute('lang', to);
  void from;
}

for (const { role, account } of PEOPLE) {
  test(`${role}: the header is one row at 1,280 px and at most two at 1,024 px, in Latvian and Russian; the user menu works by keyboard`, async ({ page }) => {
    await signIn(page, account);
    await expect(page).toHaveURL(new RegExp(`${HOME[role]}$`));
    await checkPage(page);
    for (const locale of ['lv', 'ru'] as const) {
      if (locale === 'ru') await switchLanguageByKeyboard(page, 'lv', 'ru');
      for (const width of [1280, 1024]) {
        await page.setViewportSize({ width, height: 800 });
        const height = await headerHeight(page);
        await page.getByRole('banner').screenshot({ path: path.join(SCREENSHOTS, `header-${role}-${locale}-${width}.png`) });
        expect(height, `${role} header at ${width} px in ${locale}`).toBeLessThanOrEqual(width === 1280 ? 80 : 130);
      }
      await page.setViewportSize({ width: 1280, height: 800 });
      await checkPage(page);
    }

    // The user menu: Escape closes it and gives the focus back to its button.
    const menu = page.getByRole('banner').locator('details.user-menu');
    const summary = menu.locator('summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    await expect(menu).toHaveAttribute('open', '');
    await expect(menu.getByText(t('ru', `role.${role}`))).toBeVisible();
    await checkPage(page);
    await page.keyboard.press('Escape');
    await expect(menu).not.toHaveAttribute('open', '');
    await expect(summary).toBeFocused();

    // Back to Latvian for the other tests of this account.
    await switchLanguageByKeyboard(page, 'ru', 'lv');
    await checkPage(page);
  });
}

test('the administrator reaches every page from the header: the other areas fold into groups that open by keyboard', async ({ page }) => {
  await signIn(page, ACCOUNTS.admin);
  await checkPage(page);
  const nav = page.getByRole('navigation', { name: t('lv', 'layout.mainMenu') });
  // Their own area in sight.
  for (const key of ['nav.admin', 'nav.users', 'nav.facilities', 'nav.audit'] as const) await expect(nav.getByRole('link', { name: t('lv', key), exact: true })).toBeVisible();
  // Education's pages behind one button.
  const education = nav.locator('details.nav-group', { hasText: t('lv', 'nav.education') });
  await expect(education.getByRole('link', { name: t('lv', 'nav.learners') })).toBeHidden();
  await education.locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect(education.getByRole('link', { name: t('lv', 'nav.learners') })).toBeVisible();
  await checkPage(page, { screenshot: 'admin-header-group-open' });
  await page.keyboard.press('Tab');
  await expect(education.getByRole('link', { name: t('lv', 'nav.learners') })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/staff\/learners$/);
  await checkPage(page);
  // The page's group says where one is.
  await expect(page.getByRole('navigation', { name: t('lv', 'layout.mainMenu') }).locator('summary.current')).toHaveText(t('lv', 'nav.education'));
});
