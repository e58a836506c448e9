import { test, expect, checkPage, signIn, signOut, signInSeeHomeSignOut, newPerson, finishPerson, openUserMenu, text } from '../fixtures.ts';
import { ACCOUNTS } from '../../helpers/accounts.ts';

test('a teacher signs in, sees who they are and signs out', async ({ page }) => {
  await signInSeeHomeSignOut(page, { account: ACCOUNTS.janisLiepa, role: 'teacher', name: 'Jānis Liepa', facility: 'Olaines cietums' });
});

test('a teacher switches the platform to English, and it stays English for their account', async ({ page, browser, baseURL }) => {
  // daiga.berzina reads Latvian until she switches.
  await signIn(page, ACCOUNTS.daigaBerzina);
  await checkPage(page);
  await expect(page.locator('html')).toHaveAttribute('lang', 'lv');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('lv', 'teach.title'));

  // The language is in the user menu (the button with her name).
  await openUserMenu(page);
  await page.getByRole('button', { name: 'English' }).click();
  // Back on the same page (the switcher returns to where one was).
  await expect(page).toHaveURL(/\/teach\/?$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(text('en', 'teach.title'));
  await openUserMenu(page);
  await expect(page.getByRole('button', { name: 'English' })).toHaveAttribute('aria-pressed', 'true');
  await checkPage(page, { screenshot: 'teacher-home-en' });
  await signOut(page, 'en');

  // On another computer (no language cookie): the sign-in page is Latvian, her pages English.
  const elsewhere = await newPerson(browser, baseURL!);
  await signIn(elsewhere, ACCOUNTS.daigaBerzina, { locale: 'lv' });
  await expect(elsewhere.locator('html')).toHaveAttribute('lang', 'en');
  await expect(elsewhere.getByRole('heading', { level: 1 })).toHaveText(text('en', 'teach.title'));
  await checkPage(elsewhere);
  await finishPerson(elsewhere);
});

test("a teacher opens a course's gradebook", async ({ page }) => {
  await signIn(page, ACCOUNTS.janisLiepa);
  await checkPage(page);
  await page.locator('.course-list a').first().click();
  await expect(page).toHaveURL(/\/teach\/courses\/[\w-]+$/);
  await checkPage(page, { screenshot: 'teacher-gradebook', zoom: true });
});
